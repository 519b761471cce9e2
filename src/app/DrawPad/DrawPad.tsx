/**
 * The pad: mouse, touch and pen through pointer events, keyboard through the
 * arrow keys (with a visible pen). Strokes are kept as points, so undo
 * repaints all but the last, and brings back a drawing set aside when a new
 * one started.
 */
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { InkRaster } from '../../core/preprocess';
import { PAD_PIXELS, paintStroke, paintStrokes, readPad } from './strokes';
import { isPenKey, keyboardPen, type PenState } from './keyboard-pen';
import { PadDrawings } from './pad-drawings';
import './DrawPad.css';

export type DrawPhase = 'moving' | 'stroke-end';

interface Props<Saved> {
  /** The drawing changed: while a stroke is under way, or once it ended (or was undone). */
  readonly onDraw: (read: () => InkRaster, phase: DrawPhase) => void;
  /** The pad starts a new, empty drawing; what it returns is kept with the old one for undo. */
  readonly onNewDrawing: () => Saved;
  /** Undo brought back a drawing set aside, with what was kept with it. */
  readonly onRestore: (saved: Saved) => void;
  /** The answer has settled and the next-digit flow is on: the next stroke after a pause starts a new drawing. */
  readonly nextStrokeIsNew: boolean;
}

const HELP = 'Arrow keys draw · Space lifts or lowers the pen · Enter starts the next digit · Escape clears · Ctrl+Z undoes';

export function DrawPad<Saved>({ onDraw, onNewDrawing, onRestore, nextStrokeIsNew }: Props<Saved>) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const pad = useRef(new PadDrawings<Saved>());
  const drawing = useRef(false);
  const pen = useRef(keyboardPen());
  const [empty, setEmpty] = useState(true);
  /** The keyboard pen, shown while the pad has keyboard focus. */
  const [cursor, setCursor] = useState<PenState>();

  const context = () => canvasRef.current?.getContext('2d', { willReadFrequently: true }) ?? null;
  const read = useCallback((): InkRaster => {
    const ctx = context();
    if (!ctx) throw new Error('the draw pad has no 2D context');
    return readPad(ctx, pad.current.strokes);
  }, []);
  const repaint = () => {
    const ctx = context();
    if (ctx) paintStrokes(ctx, pad.current.strokes);
    setEmpty(pad.current.empty);
  };

  /** A new, empty drawing; the old one is set aside for undo. */
  const startNew = () => {
    pad.current.startNew(onNewDrawing());
    pen.current = keyboardPen();
    repaint();
  };

  /** Pad pixels from page coordinates; the canvas may be shown at any size. */
  const point = (canvas: HTMLCanvasElement, event: { clientX: number; clientY: number; pressure: number }) => {
    const box = canvas.getBoundingClientRect();
    const scale = PAD_PIXELS / box.width;
    return { x: (event.clientX - box.left) * scale, y: (event.clientY - box.top) * scale, pressure: event.pressure || 0.5 };
  };

  const onPointerDown = (event: PointerEvent<HTMLCanvasElement>) => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    setCursor(undefined);
    if (pad.current.startsNext(performance.now(), nextStrokeIsNew)) startNew();
    drawing.current = true;
    const stroke = [point(event.currentTarget, event)];
    pad.current.strokes.push(stroke);
    setEmpty(false);
    const ctx = context();
    if (ctx) paintStroke(ctx, stroke);
    onDraw(read, 'moving');
  };

  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    const stroke = pad.current.strokes.at(-1);
    if (!drawing.current || !stroke) return;
    const from = stroke.length;
    // Coalesced events carry the points the browser merged between frames: smoother curves.
    const events = event.nativeEvent.getCoalescedEvents?.() ?? [];
    for (const e of events.length > 0 ? events : [event.nativeEvent]) {
      stroke.push(point(event.currentTarget, e));
    }
    const ctx = context();
    if (ctx) paintStroke(ctx, stroke, from);
    onDraw(read, 'moving');
  };

  const onPointerUp = () => {
    if (!drawing.current) return;
    drawing.current = false;
    pad.current.lastStrokeEnd = performance.now();
    onDraw(read, 'stroke-end');
  };

  const undo = () => {
    const result = pad.current.undo();
    pen.current = result.kind === 'stroke' ? pen.current : keyboardPen();
    repaint();
    if (result.kind === 'stroke') onDraw(read, 'stroke-end');
    else if (result.kind === 'restored') {
      onRestore(result.saved);
      // A drawing set aside before its answer came is read again.
      if (result.saved === undefined) onDraw(read, 'stroke-end');
    } else onNewDrawing();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLCanvasElement>) => {
    const key = event.key;
    const handled = () => {
      event.preventDefault();
      setCursor(pen.current.state());
    };
    if (key === 'Escape' || key === 'Delete') {
      startNew();
      return handled();
    }
    if (key === 'Enter') {
      if (!pad.current.empty) startNew();
      return handled();
    }
    if ((event.ctrlKey || event.metaKey) && key.toLowerCase() === 'z') {
      undo();
      return handled();
    }
    if (!isPenKey(key) || event.altKey || event.ctrlKey || event.metaKey) return;
    const result = pen.current.press(key, pad.current.strokes);
    handled();
    if (!result) return;
    pad.current.lastStrokeEnd = performance.now();
    repaint();
    onDraw(read, result);
  };

  useEffect(() => {
    const ctx = context();
    if (ctx) paintStrokes(ctx, []);
  }, []);

  return (
    <section className="card draw-pad" aria-labelledby="pad-title">
      <h2 id="pad-title" className="visually-hidden">
        Drawing pad
      </h2>
      <div className="pad-frame">
        <canvas
          ref={canvasRef}
          data-testid="draw-pad"
          width={PAD_PIXELS}
          height={PAD_PIXELS}
          tabIndex={0}
          role="application"
          aria-roledescription="drawing pad"
          aria-label="Drawing pad: draw a digit"
          aria-describedby="pad-help"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
          onKeyDown={onKeyDown}
          onFocus={(e) => e.currentTarget.matches(':focus-visible') && setCursor(pen.current.state())}
          onBlur={() => setCursor(undefined)}
        />
        {empty && (
          <p className="pad-hint" aria-hidden="true" data-testid="pad-hint">
            Draw a digit here
          </p>
        )}
        {cursor && (
          <span
            className={cursor.down ? 'pen-cursor down' : 'pen-cursor'}
            data-testid="pen-cursor"
            data-down={cursor.down}
            aria-hidden="true"
            style={{ left: `${(cursor.x / PAD_PIXELS) * 100}%`, top: `${(cursor.y / PAD_PIXELS) * 100}%` }}
          />
        )}
      </div>
      <div className="pad-actions">
        <button type="button" className="button" data-testid="undo" onClick={undo}>
          <span aria-hidden="true">↶</span> Undo
        </button>
        <button type="button" className="button" data-testid="clear" onClick={startNew}>
          <span aria-hidden="true">✕</span> Clear
        </button>
      </div>
      <p id="pad-help" className="pad-help muted small" data-testid="pad-help">
        <span className="visually-hidden">Keyboard: </span>
        <span aria-hidden="true">⌨ </span>
        {HELP}
      </p>
    </section>
  );
}
