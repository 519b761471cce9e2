/**
 * The onnxruntime-node adapter: every Node session (the server's inference
 * threads, the quantizer, the evaluation helpers, the benchmarks and the
 * training tests) is created here, so how sessions are configured is decided
 * in one place. Browser sessions (onnxruntime-web) are not its business.
 */
import { availableParallelism } from 'node:os';
import type * as Ort from 'onnxruntime-node';

export type Session = Ort.InferenceSession;
export type SessionOptions = Ort.InferenceSession.SessionOptions;

/** A session's input or output, as onnxruntime describes it. */
export interface TensorMetadata {
  readonly name: string;
  readonly isTensor: boolean;
  readonly type?: string;
  readonly shape?: readonly (number | string)[];
}

/** A session's inputs and outputs (onnxruntime-node has them, its typings do not yet). */
export function tensorMetadata(session: Session): { inputs: TensorMetadata[]; outputs: TensorMetadata[] } {
  const meta = session as unknown as { inputMetadata: TensorMetadata[]; outputMetadata: TensorMetadata[] };
  return { inputs: meta.inputMetadata, outputs: meta.outputMetadata };
}

// Loaded on first use: the server's main thread imports the options below but
// runs no session, so it never loads the native runtime.
let loading: Promise<typeof Ort> | undefined;
const runtime = () => (loading ??= import('onnxruntime-node'));

/** One core stays with the event loop (HTTP, JSON); the rest compute. */
export const DEFAULT_INTRA_OP_THREADS = Math.max(1, availableParallelism() - 1);

/** The session options every copy of a model uses, in the server and in the benchmarks. */
export function sessionOptions(intraOpThreads: number, spinning: boolean): SessionOptions {
  return {
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: spinning ? '1' : '0' } } },
  };
}

/** A session on a model's bytes or file path; without options, onnxruntime's defaults. */
export async function createSession(model: Uint8Array | string, options?: SessionOptions): Promise<Session> {
  const { InferenceSession } = await runtime();
  return typeof model === 'string' ? InferenceSession.create(model, options) : InferenceSession.create(model, options);
}

/** Runs one float32 input; returns the float32 outputs named (all of them when none are). */
export async function runFloat32(
  session: Session,
  input: string,
  data: Float32Array,
  dims: readonly number[],
  outputs?: readonly string[],
): Promise<Record<string, Float32Array>> {
  const { Tensor } = await runtime();
  const feeds = { [input]: new Tensor('float32', data, [...dims]) };
  const results = outputs ? await session.run(feeds, [...outputs]) : await session.run(feeds);
  return Object.fromEntries(Object.entries(results).map(([name, tensor]) => [name, tensor.data as Float32Array]));
}
