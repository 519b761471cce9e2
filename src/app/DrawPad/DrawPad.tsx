/**
 * The pad: mouse, touch and pen through pointer events, keyboard through the
 * arrow keys. Strokes are kept as points, so undo repaints all but the last.
 */
import { useCallback, useEffect, useRef, type KeyboardEvent, type PointerEvent } from 'react';
import type { InkRaster } from '../../core/preprocess';
import { PAD_PIXELS, paintStroke, paintStrokes, readPad, type Stroke } from './strokes';
import { keyboardPen } from './keyboard-pen';

export type DrawPhase = 'moving' | 'stroke-end';

interface Props {
  /** The drawing changed: while a stroke is under way, or once it ended (or was undone). */
  readonly onDraw: (read: () => InkRaster, phase: DrawPhase) => void;
  readonly onClear: () => void;
}

export function DrawPad({ onDraw, onClear }: Props) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const strokes = useRef<Stroke[]>([]);
  const drawing = useRef(false);
  const pen = useRef(keyboardPen());

  const context = () => canvasRef.current?.getContext('2d', { willReadFrequently: true }) ?? null;
  const read = useCallback((): InkRaster => {
    const ctx = context();
    if (!ctx) throw new Error('the draw pad has no 2D context');
    return readPad(ctx, strokes.current);
  }, []);

  /** Pad pixels from page coordinates; the canvas may be shown at any size. */
  const point = (canvas: HTMLCanvasElement, event: { clientX: number; clientY: number; pressure: number }) => {
    const box = canvas.getBoundingClientRect();
    const scale = PAD_PIXELS / box.width;
    return { x: (event.clientX - box.left) * scale, y: (event.clientY - box.top) * scale, pressure: event.pressure || 0.5 };
  };

  const onPointerDown = (event: PointerEvent<HTMLCanvasElement>) => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    drawing.current = true;
    strokes.current.push([point(event.currentTarget, event)]);
    const ctx = context();
    if (ctx) paintStroke(ctx, strokes.current.at(-1) ?? []);
    onDraw(read, 'moving');
  };

  const onPointerMove = (event: PointerEvent<HTMLCanvasElement>) => {
    const stroke = strokes.current.at(-1);
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
    onDraw(read, 'stroke-end');
  };

  const clear = useCallback(() => {
    strokes.current = [];
    pen.current = keyboardPen();
    const ctx = context();
    if (ctx) paintStrokes(ctx, []);
    onClear();
  }, [onClear]);

  const undo = () => {
    strokes.current.pop();
    if (strokes.current.length === 0) return clear();
    const ctx = context();
    if (ctx) paintStrokes(ctx, strokes.current);
    onDraw(read, 'stroke-end');
  };

  const onKeyDown = (event: KeyboardEvent<HTMLCanvasElement>) => {
    if (event.key === 'Escape' || event.key === 'Delete') return clear();
    if ((event.ctrlKey || event.metaKey) && event.key === 'z') return undo();
    const result = pen.current.press(event.key, strokes.current);
    if (!result) return;
    event.preventDefault();
    const ctx = context();
    if (ctx) paintStrokes(ctx, strokes.current);
    onDraw(read, result);
  };

  useEffect(() => {
    const ctx = context();
    if (ctx) paintStrokes(ctx, []);
  }, []);

  return (
    <section className="draw-pad" aria-label="Draw a digit">
      <canvas
        ref={canvasRef}
        data-testid="draw-pad"
        width={PAD_PIXELS}
        height={PAD_PIXELS}
        tabIndex={0}
        role="img"
        aria-label="Drawing pad. Draw with a mouse, finger or pen; or with the arrow keys, Space to lift or lower the pen, Escape to clear, Ctrl+Z to undo."
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onKeyDown={onKeyDown}
      />
      <div className="pad-actions">
        <button type="button" data-testid="undo" onClick={undo}>
          Undo
        </button>
        <button type="button" data-testid="clear" onClick={clear}>
          Clear
        </button>
      </div>
    </section>
  );
}
