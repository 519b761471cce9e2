/**
 * The model pack the PWA installs, derived from the registry's manifest and
 * the deployments: the manifest with each model's champion version alone
 * (the app runs the entry of each role it finds there), and the precache
 * entries a service worker needs to run the edge champion offline: that
 * manifest and each edge champion's model file, each with a revision and an
 * integrity check. A promotion changes the champion, so it changes both.
 */
import { createHash } from 'node:crypto';
import { parseManifest, type Manifest } from '../../../src/core/manifest';

/** A Workbox precache entry; `integrity` lets the browser refuse bytes that are not the ones listed. */
export interface PackEntry {
  readonly url: string;
  readonly revision: string;
  readonly integrity: string;
}

export interface ChampionPack {
  /** The manifest as served at /models/manifest.json. */
  readonly manifestText: string;
  /** sha256 (hex) of `manifestText`. */
  readonly manifestSha256: string;
  /** What the service worker precaches for the app to run offline. */
  readonly precache: readonly PackEntry[];
}

/** Where the pack is served: the app and its worker fetch `${PACK_PREFIX}manifest.json` and `${PACK_PREFIX}<file>`. */
export const PACK_PREFIX = '/models/';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const integrityOf = (hex: string) => `sha256-${Buffer.from(hex, 'hex').toString('base64')}`;

/** The registry's manifest as written (every field kept, so the app sees what the registry says) and as validated. */
export interface RegistryManifest {
  readonly raw: { models: { name: string; version: string }[] } & Record<string, unknown>;
  readonly parsed: Manifest;
}

export function readRegistryManifest(text: string): RegistryManifest {
  const raw = JSON.parse(text) as RegistryManifest['raw'];
  return { raw, parsed: parseManifest(raw) };
}

/**
 * The pack for the champions `championOf` names. A model whose champion the
 * manifest does not list (not loaded yet, or a version since removed) keeps
 * its newest listed version, which is what the server serves by default.
 */
export function championPack(manifest: RegistryManifest, championOf: (model: string) => string | undefined): ChampionPack {
  const chosen = new Map<string, string>();
  for (const name of new Set(manifest.parsed.models.map((m) => m.name))) {
    const versions = manifest.parsed.models.filter((m) => m.name === name).map((m) => m.version);
    const champion = championOf(name);
    chosen.set(name, champion !== undefined && versions.includes(champion) ? champion : newest(versions));
  }
  const keep = (m: { name: string; version: string }) => chosen.get(m.name) === m.version;
  const manifestText = `${JSON.stringify({ ...manifest.raw, models: manifest.raw.models.filter(keep) }, null, 2)}\n`;
  const manifestSha256 = sha256(manifestText);
  const edgeFiles = manifest.parsed.models
    .filter((m) => keep(m) && m.role === 'edge')
    .map((m) => ({ url: `${PACK_PREFIX}${m.file}`, revision: m.sha256, integrity: integrityOf(m.sha256) }));
  return {
    manifestText,
    manifestSha256,
    precache: [{ url: `${PACK_PREFIX}manifest.json`, revision: manifestSha256, integrity: integrityOf(manifestSha256) }, ...edgeFiles],
  };
}

/** The classic script the service worker imports: it sets `self.__MODEL_PACK`, so its bytes change exactly when the pack does. */
export function precacheScript(pack: ChampionPack): string {
  return `// The model pack this server serves now (its champions); the service worker precaches it.\nself.__MODEL_PACK = ${JSON.stringify(pack.precache)};\n`;
}

/** Every file the manifest names (models and reference statistics, every version), relative to the registry, with its sha256. */
export function listedFiles(manifest: Manifest): Map<string, string> {
  return new Map(manifest.models.flatMap((m) => [[m.file, m.sha256] as const, ...(m.reference ? [[m.reference.file, m.reference.sha256] as const] : [])]));
}

const newest = (versions: readonly string[]) => [...versions].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b)).at(-1) ?? '';
