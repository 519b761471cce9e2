import { describe, expect, it } from 'vitest';
import { duration, labelText, roundedPercent } from './format';

describe('how numbers are shown', () => {
  it('rounds percentages, without claiming a certainty that is not there', () => {
    expect(roundedPercent(0.561)).toBe('56%');
    expect(roundedPercent(0.996)).toBe('>99%');
    expect(roundedPercent(1)).toBe('100%');
    expect(roundedPercent(0.004)).toBe('<1%');
    expect(roundedPercent(0)).toBe('0%');
  });

  it('says a wait in milliseconds, seconds or minutes', () => {
    expect(duration(1.23)).toBe('1.2 ms');
    expect(duration(340)).toBe('340 ms');
    expect(duration(2500)).toBe('2.5 s');
    expect(duration(42_000)).toBe('42 s');
    expect(duration(180_000)).toBe('3 min');
  });

  it('says the reject label in words', () => {
    expect(labelText('not-a-digit', 'not-a-digit')).toBe('not a digit');
    expect(labelText('7', 'not-a-digit')).toBe('7');
  });
});
