/**
 * fastify-type-provider-zod writes every named schema twice, as read
 * (`<Name>Input`) and as written (`<Name>`), whether or not a route uses
 * both. Identical twins are folded into their originals, references follow,
 * and schemas no route reaches are dropped.
 */
type Json = unknown;

const REF = '#/components/schemas/';

function renameRefs(node: Json, renamed: ReadonlyMap<string, string>): Json {
  if (Array.isArray(node)) return node.map((child) => renameRefs(child, renamed));
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(REF)) {
        const name = value.slice(REF.length);
        return [key, REF + (renamed.get(name) ?? name)];
      }
      return [key, renameRefs(value, renamed)];
    }),
  );
}

function refsIn(node: Json, found: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const child of node) refsIn(child, found);
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(REF)) found.add(value.slice(REF.length));
      else refsIn(value, found);
    }
  }
  return found;
}

/** Names of the schemas the paths use, directly or through other schemas. */
function reachable(paths: Json, schemas: Record<string, Json>): Set<string> {
  const seen = new Set<string>();
  const queue = [...refsIn(paths, new Set())];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (seen.has(name)) continue;
    seen.add(name);
    queue.push(...refsIn(schemas[name], new Set()));
  }
  return seen;
}

export function foldInputTwins<T extends { paths?: Json; components?: { schemas?: Record<string, Json> } }>(document: T): T {
  const schemas = document.components?.schemas ?? {};
  let twins = new Map(
    Object.keys(schemas)
      .filter((name) => name.endsWith('Input') && name.slice(0, -5) in schemas)
      .map((name) => [name, name.slice(0, -5)]),
  );
  // A twin folds only if it equals its original once the twins it refers to are folded too.
  for (;;) {
    const equal = new Map([...twins].filter(([twin, original]) => JSON.stringify(renameRefs(schemas[twin], twins)) === JSON.stringify(schemas[original])));
    if (equal.size === twins.size) break;
    twins = equal;
  }
  const folded = renameRefs(document, twins) as T;
  const kept = folded.components?.schemas ?? {};
  const used = reachable(folded.paths, kept);
  for (const name of Object.keys(kept)) if (!used.has(name)) delete kept[name];
  // A twin whose original no route uses takes the original's name.
  const orphans = new Map(
    Object.keys(kept)
      .filter((name) => name.endsWith('Input') && !(name.slice(0, -5) in kept))
      .map((name) => [name, name.slice(0, -5)]),
  );
  const named = renameRefs(folded, orphans) as T;
  const renamed = named.components?.schemas ?? {};
  for (const [twin, original] of orphans) {
    renamed[original] = renamed[twin];
    delete renamed[twin];
  }
  return named;
}
