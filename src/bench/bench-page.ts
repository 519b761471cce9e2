/**
 * The edge benchmark's harness, on a page that runs the whole app: it times
 * drawings through the app's own path next to a bare session.run of the same
 * model, opened the same way, on this page's main thread.
 */
import '../main';
import { getPreprocessor } from '../core/preprocess';
import { readPad } from '../app/DrawPad/strokes';
import { openSession } from '../edge/worker/open-session';
import { initRequestFor } from '../edge/phase-one-spec';
import { appHandle as app } from '../app/hooks/use-test-handle';
import { drawVariants, type PadDrawing, type Polyline } from './variants';

let drawings: PadDrawing[] = [];
let bareRun: ((input: Float32Array) => Promise<unknown>) | undefined;
let inputs: Float32Array[] = [];

const read = ({ context, strokes }: PadDrawing) => readPad(context, strokes);

const bench = {
  /** Resolves once phase one is up, with its backend and thread count. */
  async ready(timeoutMs = 60_000): Promise<{ backend: string; threads: number }> {
    for (const deadline = performance.now() + timeoutMs; performance.now() < deadline;) {
      const handle = app();
      if (handle?.phaseOne && handle.predictor) return { backend: handle.phaseOne.init.backend, threads: handle.phaseOne.init.threads };
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`phase one was not ready within ${timeoutMs} ms`);
  },

  /** Draws `count` distinct variants of the strokes, and opens the bare session as phase one did. */
  async prepare(digits: readonly (readonly Polyline[])[], count: number): Promise<void> {
    const handle = app();
    if (!handle?.phaseOne) throw new Error('phase one is not ready');
    drawings = drawVariants(digits, count);
    const model = handle.edgeModel;
    const preprocess = getPreprocessor(model.preprocessing.id);
    inputs = drawings.map((drawing) => preprocess(read(drawing)));
    // One thread: onnxruntime-web's WASM threads cannot block on a page's main thread (the
    // renderer dies). For this model phase one's own session.run takes as long on 1 thread as on 2.
    const request = { type: 'init' as const, ...initRequestFor(model, handle.phaseOne.init.backend), threads: 1 };
    const { ort, session } = await openSession(request, () => undefined);
    const dims = [...request.inputDims];
    bareRun = (input) => session.run({ [request.inputName]: new ort.Tensor('float32', input, dims) });
    await bareRun(new Float32Array(dims.reduce((a, b) => a * b, 1)));
  },

  /**
   * One drawing through the app: read the pad, preprocess, worker, gate,
   * cache and history writes issued; then until those writes are committed.
   */
  async appPath(i: number): Promise<{ answered: number; stored: number }> {
    const predictor = app()?.predictor;
    const drawing = drawings[i];
    if (!predictor || !drawing) throw new Error(`no drawing ${i}`);
    const started = performance.now();
    await predictor.settle(read(drawing), `bench-${i}`);
    const answered = performance.now() - started;
    await predictor.flush();
    return { answered, stored: performance.now() - started };
  },

  /** The same drawing's input through a bare session.run. */
  async bare(i: number): Promise<number> {
    const input = inputs[i];
    if (!bareRun || !input) throw new Error(`no input ${i}`);
    const started = performance.now();
    await bareRun(input);
    return performance.now() - started;
  },
};

(window as unknown as { digitsBench: typeof bench }).digitsBench = bench;
