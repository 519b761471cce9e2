/**
 * The boundaries the README sets out (Architecture) are live lint rules: each zone refuses a
 * deliberate violation (linted as a file at that place in the tree), allowed
 * imports pass, and the type-checked rules CI relies on fire.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const PROBES = [
  'src/core/rpc/probe.ts',
  'src/core/probe.ts',
  'src/app/probe.ts',
  'src/edge/worker/probe.ts',
  'server/serving/probe.ts',
  'server/serving/probe.test.ts',
  'tools/onnx/probe.ts',
  'tools/bench/probe.ts',
  'training/pack/probe.ts',
];
// The probes exist only as text: let the type-aware parser take them into a default project.
const eslint = new ESLint({
  overrideConfig: {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: PROBES, maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: PROBES.length } },
    },
  },
});

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

const importing = (from: string) => `import * as probe from '${from}';\nexport const used = probe;\n`;

describe('import zones', () => {
  it.each([
    ['src/core/rpc/probe.ts', '../../app/format', /src\/core imports nothing outside itself/],
    ['src/core/probe.ts', '../edge/protocol', /src\/core imports nothing outside itself/],
    ['src/core/probe.ts', 'node:fs', /no Node built-ins/],
    ['src/app/probe.ts', '../../server/app', /browser code never imports server\//],
    ['src/edge/worker/probe.ts', '../../../tools/onnx/runtime', /browser code never imports server\/, tools\//],
    ['src/app/probe.ts', '../../test/drawn-digits', /or test support/],
    ['server/serving/probe.ts', '../../test/server/test-server', /production code never imports test support/],
    ['server/serving/probe.ts', '../../tools/quantize/testing/synthetic-models', /production code never imports test support/],
    ['tools/onnx/probe.ts', '../../server/serving/registry', /tools\/ never imports server\//],
    ['tools/onnx/probe.ts', '../../test/drawn-digits', /nor test support/],
    ['tools/bench/probe.ts', '../../server/config', /tools\/ never imports server\//],
    ['training/pack/probe.ts', '../../server/serving/model', /training\/ never imports server\//],
    ['training/pack/probe.ts', '../../e2e/support/app', /nor test support/],
  ])('%s may not import %s', async (file, from, message) => {
    const found = await problems(file, importing(from));
    expect(found.filter((p) => p.startsWith('no-restricted-imports'))).toEqual([expect.stringMatching(message)]);
  });

  it.each([
    ['src/core/rpc/probe.ts', '../api/errors'],
    ['src/app/probe.ts', '../core/api/predict'],
    ['server/serving/probe.ts', '../../tools/onnx/runtime'],
    ['server/serving/probe.test.ts', '../../test/server/test-server'],
    ['tools/bench/probe.ts', '../../test/server/spawn-server'],
    ['training/pack/probe.ts', '../../tools/onnx/evaluate'],
  ])('%s may import %s', async (file, from) => {
    expect((await problems(file, importing(from))).filter((p) => p.startsWith('no-restricted-imports'))).toEqual([]);
  });
});

describe('type-checked rules', () => {
  it('refuses a promise left floating', async () => {
    const code = 'async function save(): Promise<void> {}\nexport function onClick(): void {\n  save();\n}\n';
    expect(await problems('server/serving/probe.ts', code)).toEqual([expect.stringMatching(/^@typescript-eslint\/no-floating-promises/)]);
  });

  it('refuses a promise where a plain callback is expected', async () => {
    const code = "export function start(on: (event: string, listener: () => void) => void): void {\n  on('message', async () => {});\n}\n";
    expect(await problems('server/serving/probe.ts', code)).toEqual([expect.stringMatching(/^@typescript-eslint\/no-misused-promises/)]);
  });

  it('refuses a switch that misses a member of a union', async () => {
    const code =
      "type Kind = 'load' | 'run' | 'release';\nexport function handle(kind: Kind): number {\n  switch (kind) {\n    case 'load':\n      return 1;\n    case 'run':\n      return 2;\n  }\n  return 0;\n}\n";
    expect(await problems('server/serving/probe.ts', code)).toEqual([expect.stringMatching(/^@typescript-eslint\/switch-exhaustiveness-check: .*"release"/)]);
  });
});
