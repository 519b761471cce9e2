/**
 * The rules file: defaults when none is named, per-kind defaults for omitted
 * fields, and a clear error naming the bad field for every way a file can be
 * wrong (the server's start fails with it).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/db/backends';
import { ConfigError } from '../../config';
import { DEFAULT_RULES, loadRules, parseRules, RuleSchema } from './rules';

const file = (content: string): string => {
  const path = join(tempDir('rules-'), 'rules.json');
  writeFileSync(path, content);
  return path;
};
const problem = (document: unknown): string => {
  try {
    parseRules(document);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the rules were accepted');
};

describe('rules file', () => {
  it('uses the documented defaults without a file, and they are rules the schema accepts as they are', async () => {
    expect(await loadRules(undefined)).toBe(DEFAULT_RULES);
    expect(DEFAULT_RULES.map((r) => RuleSchema.parse(r))).toEqual(DEFAULT_RULES);
    expect(DEFAULT_RULES.map((r) => [r.kind, r.window, r.min_samples, r.cooldown_s, r.action])).toEqual([
      ['accuracy_below', '1h', 100, 3600, 'notify'],
      ['estimated_accuracy_drop', '1h', 200, 3600, 'notify'],
      ['dataset_drift', '1h', 200, 3600, 'notify'],
      ['gate_rate_above', '1h', 200, 3600, 'notify'],
      ['rejection_rate_above', '1h', 200, 3600, 'notify'],
    ]);
    expect(DEFAULT_RULES[0]).toMatchObject({ threshold: 0.9 });
    expect(DEFAULT_RULES[1]).toMatchObject({ max_drop: 0.05 });
    expect(DEFAULT_RULES[3]).toMatchObject({ factor: 2 });
    expect(DEFAULT_RULES[4]).toMatchObject({ factor: 2, min_rate: 0.05 });
  });

  it('reads a file, filling omitted fields with the kind defaults', async () => {
    const rules = await loadRules(
      file(
        JSON.stringify({
          rules: [
            { kind: 'accuracy_below', name: 'strict', model: 'digits-full', threshold: 0.95, window: '1d' },
            { kind: 'dataset_drift', name: 'drift' },
          ],
        }),
      ),
    );
    expect(rules).toEqual([
      { kind: 'accuracy_below', name: 'strict', model: 'digits-full', threshold: 0.95, window: '1d', min_samples: 100, cooldown_s: 3600, action: 'notify' },
      { kind: 'dataset_drift', name: 'drift', window: '1h', min_samples: 200, cooldown_s: 3600, action: 'notify' },
    ]);
  });

  it('names the bad field', () => {
    expect(problem({ rules: [{ kind: 'accuracy_below', name: 'a', threshold: 'high' }] })).toMatch(/^rules: rules\[0\]\.threshold: .*number/);
    expect(
      problem({
        rules: [
          { kind: 'dataset_drift', name: 'ok' },
          { kind: 'accuracy_below', name: 'b', threshold: 1.5 },
        ],
      }),
    ).toMatch(/rules\[1\]\.threshold: .*1/);
    expect(problem({ rules: [{ kind: 'accuracy_above', name: 'c' }] })).toMatch(/rules\[0\]\.kind: /);
    expect(problem({ rules: [{ kind: 'dataset_drift', name: 'd', window: '2h' }] })).toMatch(/rules\[0\]\.window: .*"1m"/);
    expect(problem({ rules: [{ kind: 'dataset_drift', name: 'e', action: 'promote' }] })).toMatch(/rules\[0\]\.action: .*"notify"\|"retrain"/);
    expect(problem({ rules: [{ kind: 'gate_rate_above', name: 'f', min_samples: 0 }] })).toMatch(/rules\[0\]\.min_samples: /);
    expect(problem({ rules: [{ kind: 'dataset_drift', name: 'g', cooldown: 60 }] })).toMatch(/rules\[0\]: .*"cooldown"/);
    expect(problem({ rules: [{ kind: 'dataset_drift' }] })).toMatch(/rules\[0\]\.name: /);
    expect(
      problem({
        rules: [
          { kind: 'dataset_drift', name: 'h' },
          { kind: 'accuracy_below', name: 'h' },
        ],
      }),
    ).toMatch(/rules\[1\]\.name: "h" names an earlier rule too/);
    expect(problem([{ kind: 'dataset_drift', name: 'i' }])).toMatch(/^rules: \(the file\): /);
  });

  it('says which setting and file are wrong when the file is missing or not JSON', async () => {
    await expect(loadRules(file('{"rules": [{"kind": "dataset_drift", "name": "x", "window": 5}]}'))).rejects.toThrow(
      /^MONITORING_RULES \(.*rules\.json\): rules\[0\]\.window: /,
    );
    await expect(loadRules(file('{"rules": ['))).rejects.toThrow(/^MONITORING_RULES \(.*\): not valid JSON: /);
    await expect(loadRules('/nonexistent/rules.json')).rejects.toThrow(
      /^MONITORING_RULES \(\/nonexistent\/rules\.json\): cannot read the rules file: .*ENOENT/,
    );
  });
});
