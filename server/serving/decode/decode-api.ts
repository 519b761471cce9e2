/** What a decoding thread offers the event loop, over the worker RPC bridge (src/core/rpc). */
import type { ErrorCode } from '../../../src/core/api/errors';
import type { InkPolarity } from '../../../src/core/preprocess';
import type { CheckedPng } from '../inference/png';

/** A checked PNG as it crosses to the thread: its bytes (handed over), what the check found, and how to prepare it. */
export interface DecodeRequest extends Omit<CheckedPng, 'bytes'> {
  readonly bytes: Uint8Array;
  readonly ink: InkPolarity;
  readonly preprocessing: string;
}

/**
 * The model input, handed over; or the refusal, with the code and message the
 * keyed API answers (the bridge itself carries only an error's name and message).
 */
export type DecodeOutcome = { readonly ok: true; readonly input: Float32Array } | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

export type DecodeApi = {
  decode(params: DecodeRequest): DecodeOutcome;
};
