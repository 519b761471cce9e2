/**
 * The keys a plan has seen, in little memory: a Map of 200,000 key strings
 * costs the planning process about 40 MB of RSS, which made the batch
 * command's peak memory grow with its input. Here each key is a 64-bit
 * fingerprint (two 32-bit hashes) in an open-addressing table of typed
 * arrays, with the line that first had it: about 12 bytes a slot, at most
 * half full.
 *
 * A fingerprint seen before means the key was *probably* seen before. The
 * plan must be exact (a repeated key is an error row, a distinct key never
 * is), so a match only marks its fingerprint `suspect`; the plan is then made
 * again with an exact Map holding only the keys whose fingerprint is suspect
 * (the repeated keys, and in the rarest case two keys that share one), and
 * the second pass decides. An input without repeated keys is read once.
 */

const EMPTY = 0;

/** Two 32-bit hashes of the key's UTF-16 code units: FNV-1a, and a multiplicative hash with another seed and mixing. */
export function fingerprint(key: string): readonly [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9 ^ key.length;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  return [a >>> 0, (b ^ (b >>> 16)) >>> 0];
}

export class FingerprintSet {
  private high = new Uint32Array(1 << 12);
  private low = new Uint32Array(1 << 12);
  /** The first line with the fingerprint; 0 marks an empty slot (lines start at 1). */
  private lines = new Int32Array(1 << 12);
  private size = 0;
  /** Fingerprints seen more than once, as "high:low". */
  readonly suspects = new Set<string>();

  /** Adds the key of `line`; returns whether its fingerprint was seen before (then it is a suspect). */
  add(key: string, line: number): boolean {
    const [high, low] = fingerprint(key);
    const mask = this.lines.length - 1;
    for (let slot = (high ^ Math.imul(low, 0x27d4eb2d)) & mask; ; slot = (slot + 1) & mask) {
      if (this.lines[slot] === EMPTY) {
        this.high[slot] = high;
        this.low[slot] = low;
        this.lines[slot] = line;
        if (++this.size * 2 > this.lines.length) this.grow();
        return false;
      }
      if (this.high[slot] === high && this.low[slot] === low) {
        this.suspects.add(`${high}:${low}`);
        return true;
      }
    }
  }

  private grow(): void {
    const { high, low, lines } = this;
    this.high = new Uint32Array(lines.length * 2);
    this.low = new Uint32Array(lines.length * 2);
    this.lines = new Int32Array(lines.length * 2);
    this.size = 0;
    for (let slot = 0; slot < lines.length; slot++) {
      if (lines[slot] === EMPTY) continue;
      const mask = this.lines.length - 1;
      let at = ((high[slot] as number) ^ Math.imul(low[slot] as number, 0x27d4eb2d)) & mask;
      while (this.lines[at] !== EMPTY) at = (at + 1) & mask;
      this.high[at] = high[slot] as number;
      this.low[at] = low[slot] as number;
      this.lines[at] = lines[slot] as number;
      this.size++;
    }
  }
}

/** Whether a key's fingerprint is one of `suspects`. */
export function isSuspect(suspects: ReadonlySet<string>, key: string): boolean {
  const [high, low] = fingerprint(key);
  return suspects.has(`${high}:${low}`);
}
