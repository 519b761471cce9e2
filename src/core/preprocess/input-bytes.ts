/**
 * A model input (ink in [0, 1]) as one byte per value and back: what the
 * prediction log keeps (LOG_INPUTS), what the app keeps as a drawing's
 * thumbnail, and how the training data is stored. Lossless to 1/255.
 */

/** Ink in [0, 1] to bytes, rounding (what LOG_INPUTS keeps: 784 bytes for 28 x 28). */
export function quantizeInput(input: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const v = input[i] as number;
    // Clamped to [0, 1] (NaN to 0), then rounded half up: a byte per value.
    bytes[i] = v > 0 ? (v < 1 ? (v * 255 + 0.5) | 0 : 255) : 0;
  }
  return bytes;
}

export function dequantizeInput(bytes: Uint8Array): Float32Array {
  const input = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) input[i] = (bytes[i] as number) / 255;
  return input;
}
