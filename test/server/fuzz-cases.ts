/**
 * Malformed requests for the fuzz test, generated from valid ones: every field
 * replaced by values of the wrong type, shape or range, every field removed,
 * broken JSON, deep nesting, wrong content types and oversized bodies, and
 * values that are hostile to quote in a message (thousands deep, megabytes
 * long). Each case says which words the error message must contain.
 */
export interface FuzzCase {
  readonly name: string;
  readonly url: string;
  readonly payload: string | Buffer;
  readonly contentType: string | undefined;
  /** The answer's message must match this. */
  readonly mentions: RegExp;
}

const PREDICT = '/v1/models/digits-full:predict';
const INFER = '/v2/models/digits-full/infer';

const BAD_VALUES: readonly [string, unknown][] = [
  ['null', null],
  ['true', true],
  ['zero', 0],
  ['negative', -1],
  ['huge', 1e308],
  ['tiny negative', -1e-300],
  ['empty string', ''],
  ['string', 'abc'],
  ['NaN as text', 'NaN'],
  ['empty array', []],
  ['empty object', {}],
  ['nested array', [[[]]]],
  ['array of null', [null]],
  ['long string', 'x'.repeat(20_000)],
];

/** Values written as raw JSON text: too deep for JSON.stringify, or too large to quote whole. */
const DEEP = 5_000;
const HOSTILE_VALUES: readonly [string, string][] = [
  [`${DEEP}-deep array`, `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`],
  [`${DEEP}-deep object`, `${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}`],
  ['7 MB string', `"${'x'.repeat(7 * 2 ** 20)}"`],
  ['1M-element array', `[${'0,'.repeat(999_999)}0]`],
];

export type Json = Record<string, unknown>;
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Sets (or with `remove`, deletes) the value at a path like ['instances', 0, 'pixels']. */
function edit(body: Json, path: readonly (string | number)[], value: unknown, remove = false): Json {
  const copy = clone(body);
  let node: Record<string | number, unknown> = copy;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (remove) delete node[last];
  else node[last] = value;
  return copy;
}

export const fieldName = (path: readonly (string | number)[]) =>
  path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}\\[${p}\\]` : s ? `${s}\\.${p}` : p), '');

export type Path = readonly (string | number)[];

const PLACEHOLDER = '\u0000raw\u0000';
/** The body as JSON text with the raw JSON `raw` at `path`. */
const withRaw = (body: Json, path: Path, raw: string): string => JSON.stringify(edit(body, path, PLACEHOLDER)).replace(JSON.stringify(PLACEHOLDER), () => raw);

/** Values that are fine where they land (0 is a valid pixel, any string a valid key or id). */
function accepted(path: Path, value: unknown): boolean {
  const last = path.at(-1);
  const inPixels = path.includes('pixels') && typeof last === 'number';
  const inData = path.includes('data') && typeof last === 'number';
  if (inPixels) return typeof value === 'number' && value >= 0 && value <= 1;
  if (inData) return typeof value === 'number' && Math.abs(value) <= 3.4e38;
  if (last === 'key') return typeof value === 'string' && value.length > 0 && value.length <= 256;
  if (last === 'id') return typeof value === 'string';
  if (last === 'outputs') return Array.isArray(value) && value.length === 0;
  return false;
}

export function fieldCases(url: string, valid: Json, paths: readonly Path[], mention: (path: Path) => RegExp): FuzzCase[] {
  const cases: FuzzCase[] = [];
  for (const path of paths) {
    for (const [label, value] of BAD_VALUES) {
      if (accepted(path, value)) continue;
      const body = edit(valid, path, value);
      cases.push({ name: `${url} ${path.join('.')} = ${label}`, url, payload: JSON.stringify(body), contentType: 'application/json', mentions: mention(path) });
    }
    // A missing field is named by its parent's message, or by its own name at the top.
    const parent = path.length > 1 ? path.slice(0, -1) : path;
    cases.push({
      name: `${url} without ${path.join('.')}`,
      url,
      payload: JSON.stringify(edit(valid, path, undefined, true)),
      contentType: 'application/json',
      mentions: mention(parent),
    });
  }
  return cases;
}

/** Cases with the hostile values at each path; an error must still be a short 4xx. */
export function hostileCases(url: string, valid: Json, paths: readonly Path[], mention: (path: Path) => RegExp): FuzzCase[] {
  return paths.flatMap((path) =>
    HOSTILE_VALUES.filter(([label]) => !(path.at(-1) === 'id' && label.endsWith('string'))).map(([label, raw]) => ({
      name: `${url} ${path.join('.')} = ${label}`,
      url,
      payload: withRaw(valid, path, raw),
      contentType: 'application/json',
      mentions: mention(path),
    })),
  );
}

/** `bodyLimitBytes` is the server's BODY_LIMIT_BYTES: the oversized bodies exceed it. */
export function fuzzCases(pixels: number[], bodyLimitBytes: number): FuzzCase[] {
  const predict: Json = {
    signature: 'serving_default',
    instances: [
      { key: 'a', pixels },
      { key: 'b', pixels },
    ],
  };
  const infer: Json = { id: 'r', inputs: [{ name: 'pixels', shape: [1, 1, 28, 28], datatype: 'FP32', data: pixels }], outputs: [{ name: 'logits' }] };
  const anyOf = (...words: string[]) => new RegExp(words.join('|'));
  const inferMention = (path: Path): RegExp => {
    if (path[0] === 'inputs' && path.length === 1) return /"inputs"|inputs\[0\]/;
    if (path[0] === 'outputs') return /outputs/;
    if (path[0] === 'id') return /"id"/;
    return new RegExp(fieldName(path.slice(0, 3)));
  };

  const cases: FuzzCase[] = [
    ...fieldCases(
      PREDICT,
      predict,
      [['instances'], ['instances', 0], ['instances', 1, 'key'], ['instances', 0, 'pixels'], ['instances', 0, 'pixels', 100], ['instances', 1, 'pixels', 0]],
      (path) => (path.length === 1 ? /"instances"|instances\[0\]/ : new RegExp(fieldName(path.slice(0, 3)))),
    ),
    ...fieldCases(PREDICT, predict, [['signature']], () => /signature/).filter((c) => !c.name.includes('without')),
    ...fieldCases(
      INFER,
      infer,
      [
        ['inputs'],
        ['inputs', 0],
        ['inputs', 0, 'name'],
        ['inputs', 0, 'shape'],
        ['inputs', 0, 'shape', 0],
        ['inputs', 0, 'datatype'],
        ['inputs', 0, 'data'],
        ['inputs', 0, 'data', 5],
        ['outputs'],
        ['outputs', 0, 'name'],
        ['id'],
      ],
      inferMention,
    ).filter((c) => !c.name.endsWith('without outputs') && !c.name.endsWith('without id')),
  ];

  // Values that an error message cannot quote whole, wherever a message might quote them.
  const withImage = edit(predict, ['instances', 0], { key: 'a', image: '' });
  const rows = Array.from({ length: 28 }, (_, r) => pixels.slice(r * 28, (r + 1) * 28));
  const nestedInfer = edit(infer, ['inputs', 0, 'data'], [[rows]]);
  cases.push(
    ...hostileCases(
      PREDICT,
      predict,
      [
        ['instances', 0, 'pixels', 0],
        ['instances', 0, 'key'],
        ['instances', 1, 'key'],
      ],
      (path) => new RegExp(fieldName(path.slice(0, 3))),
    ),
    ...hostileCases(PREDICT, withImage, [['instances', 0, 'image']], () => /instances\[0\]\.image/),
    ...hostileCases(PREDICT, predict, [['signature']], () => /signature/),
    ...hostileCases(
      INFER,
      infer,
      [['inputs', 0, 'name'], ['inputs', 0, 'datatype'], ['inputs', 0, 'shape'], ['inputs', 0, 'data', 0], ['outputs', 0, 'name'], ['id']],
      inferMention,
    ),
    ...hostileCases(INFER, nestedInfer, [['inputs', 0, 'data', 0, 0, 0, 0]], () => /inputs\[0\]\.data\[0\]\[0\]\[0\]\[0\] must be a finite FP32 number/),
  );

  // Pixel arrays of the wrong length or with values out of range.
  for (const length of [0, 1, 783, 785, 2 * 784]) {
    cases.push({
      name: `pixels of length ${length}`,
      url: PREDICT,
      payload: JSON.stringify(edit(predict, ['instances', 0, 'pixels'], new Array(length).fill(0.5))),
      contentType: 'application/json',
      mentions: /instances\[0\]\.pixels/,
    });
  }
  for (const raw of ['1e999', '-1e999', '1.0000001', '-0.0000001', '2', '"0.5"']) {
    const payload = JSON.stringify(predict).replace(/"pixels":\[0(\.0+)?,/, `"pixels":[${raw},`);
    if (payload !== JSON.stringify(predict))
      cases.push({ name: `pixel ${raw}`, url: PREDICT, payload, contentType: 'application/json', mentions: /instances\[0\]\.pixels\[0\]/ });
  }
  for (const raw of ['1e999', '-1e999']) {
    const payload = JSON.stringify(infer).replace(/"data":\[0(\.0+)?,/, `"data":[${raw},`);
    if (payload !== JSON.stringify(infer))
      cases.push({ name: `infer value ${raw}`, url: INFER, payload, contentType: 'application/json', mentions: /inputs\[0\]\.data\[0\]/ });
  }

  // Keys: repeated, too long, not text.
  for (const [label, key] of [
    ['repeated', 'b'],
    ['too long', 'k'.repeat(257)],
    ['number', 12],
    ['object', { a: 1 }],
  ] as const) {
    cases.push({
      name: `key ${label}`,
      url: PREDICT,
      payload: JSON.stringify(edit(predict, ['instances', 0, 'key'], key)),
      contentType: 'application/json',
      mentions: /key/,
    });
  }
  // Unknown fields of an instance: one with a 7 MB name, and a hundred thousand of them.
  for (const [label, fields] of [
    ['a 7 MB name', { ['f'.repeat(7 * 2 ** 20)]: 1 }],
    ['100000 of them', Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`f${i}`, i]))],
  ] as const) {
    cases.push({
      name: `instance unknown fields, ${label}`,
      url: PREDICT,
      payload: JSON.stringify(edit(predict, ['instances', 0], { key: 'a', pixels, ...fields })),
      contentType: 'application/json',
      mentions: /instances\[0\] has unknown field/,
    });
    cases.push({
      name: `top-level unknown fields, ${label}`,
      url: PREDICT,
      payload: JSON.stringify({ ...predict, ...fields }),
      contentType: 'application/json',
      mentions: /unknown field/,
    });
  }

  // Not JSON, or JSON that is not an object.
  const notJson = [
    '{',
    '{"instances": }',
    '{"instances": [1,]}',
    "{'instances': []}",
    '{"instances": [NaN]}',
    '{"instances": Infinity}',
    'instances=1',
    '\u0000',
    '{"a":1}}',
    '[',
    '"\\u12"',
  ];
  const notObject = ['null', '[]', '"text"', '42', 'true', '[{"key":"a"}]'];
  for (const url of [PREDICT, INFER]) {
    for (const text of notJson)
      cases.push({
        name: `${url} raw ${JSON.stringify(text)}`,
        url,
        payload: text,
        contentType: 'application/json',
        mentions: anyOf('JSON', 'body', 'Unexpected', 'Bad control'),
      });
    for (const text of notObject)
      cases.push({ name: `${url} body ${text}`, url, payload: text, contentType: 'application/json', mentions: anyOf('body must be', 'instances', 'inputs') });
    cases.push({ name: `${url} empty body`, url, payload: '', contentType: 'application/json', mentions: /empty/ });
  }

  // Deep nesting, in the body and inside fields.
  for (const depth of [1_000, 100_000]) {
    const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    cases.push({
      name: `predict nested ${depth}`,
      url: PREDICT,
      payload: `{"instances": ${deep}}`,
      contentType: 'application/json',
      mentions: anyOf('instances\\[0\\]', 'JSON', 'body'),
    });
    cases.push({
      name: `pixels nested ${depth}`,
      url: PREDICT,
      payload: `{"instances": [{"key": "a", "pixels": ${deep}}]}`,
      contentType: 'application/json',
      mentions: anyOf('pixels', 'JSON', 'body'),
    });
    cases.push({
      name: `infer data nested ${depth}`,
      url: INFER,
      payload: `{"inputs": [{"name": "pixels", "shape": [1,1,28,28], "datatype": "FP32", "data": ${deep}}]}`,
      contentType: 'application/json',
      mentions: anyOf('inputs\\[0\\]\\.data', 'JSON', 'body'),
    });
    cases.push({
      name: `object nested ${depth}`,
      url: PREDICT,
      payload: `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
      contentType: 'application/json',
      mentions: anyOf('unknown field', 'JSON', 'body'),
    });
  }

  // Wrong content types, and bodies past the size limit.
  for (const url of [PREDICT, INFER]) {
    for (const type of [
      'text/plain',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
      'image/png',
      'application/octet-stream',
    ]) {
      cases.push({ name: `${url} as ${type}`, url, payload: JSON.stringify(predict), contentType: type, mentions: /content type/ });
    }
    cases.push({
      name: `${url} oversized`,
      url,
      payload: `{"instances": [${'0,'.repeat(Math.ceil(bodyLimitBytes / 2))}0]}`,
      contentType: 'application/json',
      mentions: /larger than the server accepts/,
    });
    cases.push({
      name: `${url} invalid UTF-8`,
      url,
      payload: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
      contentType: 'application/json',
      mentions: anyOf('unknown field', 'JSON', 'body', 'inputs'),
    });
  }
  return cases;
}
