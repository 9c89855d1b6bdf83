/**
 * The default tokenizer of Google's `rouge_score` (spec §2.4): lowercase; every run of characters other than
 * `[a-z0-9]` becomes a space; split on whitespace; keep tokens that match `^[a-z0-9]+$`. Non-ASCII letters split
 * words ("Café" gives `caf`) and CJK text gives no tokens.
 */

/**
 * Token strings → small integers, so that the ROUGE loops compare numbers. An open-addressing table keyed by a hash
 * computed while scanning, so a token seen before costs no string allocation. Ids stay valid until `reset()`.
 */
export class TokenInterner {
  private tokens: string[] = [];
  private slots = new Int32Array(1024).fill(-1);
  private hashes = new Int32Array(1024);

  /** How many distinct tokens have ids (ids are 0 … size − 1). */
  get size(): number {
    return this.tokens.length;
  }

  reset(): void {
    this.tokens = [];
    this.slots = new Int32Array(1024).fill(-1);
    this.hashes = new Int32Array(1024);
  }

  /** The id of a token given as a string. */
  id(token: string): number {
    let hash = FNV_OFFSET;
    for (let i = 0; i < token.length; i += 1) hash = Math.imul(hash ^ token.charCodeAt(i), FNV_PRIME);
    return this.idOf(token, 0, token.length, hash);
  }

  /**
   * The id of `text[start, end)` lowercased (ASCII letters and digits only), whose FNV-1a hash over the lowercased
   * code units is `hash`.
   */
  idOf(text: string, start: number, end: number, hash: number): number {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    for (;;) {
      const id = this.slots[slot] as number;
      if (id < 0) break;
      if (this.hashes[slot] === hash && sameToken(this.tokens[id] as string, text, start, end)) return id;
      slot = (slot + 1) & mask;
    }
    const id = this.tokens.length;
    let token = text.slice(start, end);
    if (/[A-Z]/.test(token)) token = token.toLowerCase();
    this.tokens.push(token);
    this.slots[slot] = id;
    this.hashes[slot] = hash;
    if (this.tokens.length * 2 > this.slots.length) this.grow();
    return id;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const hashes = new Int32Array(slots.length);
    const mask = slots.length - 1;
    for (let old = 0; old < this.slots.length; old += 1) {
      const id = this.slots[old] as number;
      if (id < 0) continue;
      const hash = this.hashes[old] as number;
      let slot = hash & mask;
      while ((slots[slot] as number) >= 0) slot = (slot + 1) & mask;
      slots[slot] = id;
      hashes[slot] = hash;
    }
    this.slots = slots;
    this.hashes = hashes;
  }
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** Whether `text[start, end)`, with ASCII capitals lowercased, equals `token`. */
function sameToken(token: string, text: string, start: number, end: number): boolean {
  if (token.length !== end - start) return false;
  for (let i = start; i < end; i += 1) {
    let c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== token.charCodeAt(i - start)) return false;
  }
  return true;
}

const NON_ALPHANUMERIC = /[^a-z0-9]+/g;

/** The tokens of `text`, as rouge_score makes them. */
export function rougeTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(NON_ALPHANUMERIC, ' ')
    .split(' ')
    .filter((token) => token !== '');
}

let specialCodes: Uint8Array | undefined;

/**
 * Non-ASCII UTF-16 code units whose lowercase form holds an ASCII letter or digit (U+0130 "İ" → "i̇", U+212A KELVIN
 * SIGN → "k"). Found once, by asking the runtime, so the fast path below stays exact.
 */
function lowercasesToAscii(): Uint8Array {
  if (specialCodes === undefined) {
    specialCodes = new Uint8Array(0x10000);
    for (let code = 0x80; code <= 0xffff; code += 1) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      if (/[a-z0-9]/.test(String.fromCharCode(code).toLowerCase())) specialCodes[code] = 1;
    }
  }
  return specialCodes;
}

/**
 * The token ids of `text`: one pass over the UTF-16 code units, hashing each token as it goes. Texts with one of the
 * rare characters that lowercase to ASCII take the regex path, which gives the same tokens.
 */
export function rougeTokenIds(text: string, interner: TokenInterner): number[] {
  const ids: number[] = [];
  const n = text.length;
  let start = -1;
  let hash = FNV_OFFSET;
  for (let i = 0; i <= n; i += 1) {
    let c = i < n ? text.charCodeAt(i) : 32;
    if (c >= 65 && c <= 90) c += 32;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      if (start < 0) {
        start = i;
        hash = FNV_OFFSET;
      }
      hash = Math.imul(hash ^ c, FNV_PRIME);
      continue;
    }
    if (c >= 0x80 && lowercasesToAscii()[c] === 1) {
      ids.length = 0;
      for (const token of rougeTokens(text)) ids.push(interner.id(token));
      return ids;
    }
    if (start >= 0) {
      ids.push(interner.idOf(text, start, i, hash));
      start = -1;
    }
  }
  return ids;
}
