/** An input the caller can fix. The message names what is wrong. */
export class InputError extends Error {
  override readonly name = 'InputError';
}
