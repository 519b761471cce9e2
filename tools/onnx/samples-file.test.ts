/** Samples files round-trip exactly, and malformed ones are refused with a message naming what is wrong. */
import { describe, expect, it } from 'vitest';
import { decodeSamples, encodeSamples } from './samples-file';

describe('samples file', () => {
  it('round-trips data and labels exactly', () => {
    const data = Float32Array.of(0, 0.25, 1, Math.PI, -1, 1e-7);
    const back = decodeSamples(encodeSamples({ input: 'x', shape: [2, 3], data, labels: [1, 0] }));
    expect(Array.from(back.data)).toEqual(Array.from(data));
    expect(back.labels).toEqual([1, 0]);
    expect(back.input).toBe('x');
  });

  it.each([
    ['{', /not valid JSON/],
    ['{"shape": [2, 0], "data": ""}', /"shape" must be a list of positive integers/],
    ['{"shape": [2], "data": 5}', /"data" must be a base64 string/],
    ['{"shape": [2], "data": "AAAAAA=="}', /holds 1 floats, shape \[2\] needs 2/],
    ['{"shape": [1], "data": "AAAAAA==", "labels": [0, 1]}', /"labels" must be 1 non-negative integers/],
  ])('names what is wrong in %s', (text, message) => {
    expect(() => decodeSamples(text, 'x.json')).toThrow(message);
  });
});
