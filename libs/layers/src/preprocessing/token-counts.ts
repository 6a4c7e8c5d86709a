/** Compares strings by Unicode code point (= UTF-8 byte order, as numpy sorts the bytes Keras exports). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** Keras's vocabulary order: count descending, ties by token descending (np.lexsort((tokens, counts))[::-1]). */
export const rankBefore = (tokenA: string, countA: number, tokenB: string, countB: number): number =>
  countB - countA || compareCodePoints(tokenB, tokenA);

/** Token counts as plain arrays, to send between threads. */
export interface TokenCountsData {
  tokens: string[];
  counts: number[];
  /** Documents each token occurs in (for tf_idf), aligned with tokens. */
  documentCounts: number[] | null;
  documents: number;
}

/**
 * Tokens with counts packed for a hop between threads: the tokens concatenated into one string
 * plus their lengths, so a clone copies a few buffers rather than one object per token.
 */
export interface PackedCounts {
  text: string;
  lengths: Int32Array;
  counts: Int32Array;
  documentCounts: Int32Array | null;
}

export function packCounts(tokens: string[], counts: ArrayLike<number>, documentCounts: ArrayLike<number> | null): PackedCounts {
  const lengths = new Int32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) lengths[i] = tokens[i].length;
  return {
    text: tokens.join(''),
    lengths,
    counts: Int32Array.from(counts),
    documentCounts: documentCounts ? Int32Array.from(documentCounts) : null,
  };
}

export function unpackTokens(packed: PackedCounts): string[] {
  const tokens = new Array<string>(packed.lengths.length);
  let at = 0;
  packed.lengths.forEach((n, i) => {
    tokens[i] = packed.text.slice(at, at + n);
    at += n;
  });
  return tokens;
}

/** FNV-1a over the UTF-16 code units: which partition a token's counts are merged in. */
function partitionOf(token: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), 0x01000193);
  return (h >>> 0) % partitions;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Tokens in reverse code-point order: the engine's own sort (UTF-16 order) when no surrogates can make the two orders differ. */
function sortDescending(tokens: string[]): void {
  if (tokens.some((t) => SURROGATE.test(t))) tokens.sort((a, b) => compareCodePoints(b, a));
  else tokens.sort().reverse();
}

/**
 * The `max` first entries in Keras's vocabulary order (all when max is null): grouped by count,
 * most frequent first; only the groups that make the cut are sorted, each by token alone.
 */
function topRanked(entries: [string, number][], max: number | null): [string, number][] {
  const byCount = new Map<number, string[]>();
  for (const [token, count] of entries) {
    const group = byCount.get(count);
    if (group) group.push(token);
    else byCount.set(count, [token]);
  }
  const ranked: [string, number][] = [];
  const want = max === null ? entries.length : Math.max(0, max);
  for (const count of [...byCount.keys()].sort((a, b) => b - a)) {
    if (ranked.length >= want) break;
    const tokens = byCount.get(count) as string[];
    sortDescending(tokens);
    for (const token of tokens.slice(0, want - ranked.length)) ranked.push([token, count]);
  }
  return ranked;
}

/**
 * What adapt() learns from data: each token's count, and (for tf_idf) how many documents it is
 * in. Counts from separate chunks of a corpus merge (in any order) into the counts of the whole.
 * Tokens get a local index in order of first sight (one hash lookup per token occurrence); `add`
 * can write each occurrence's index, so that a pass that counts also encodes against `tokens`.
 */
export class TokenCounts {
  private readonly index = new Map<string, number>();
  /** The distinct tokens, by local index. */
  readonly tokens: string[] = [];
  private readonly counts: number[] = [];
  private readonly docCounts: number[] | null;
  /** The last document each token was counted in (tf_idf: count a document once). */
  private readonly lastDocument: number[] | null;
  documents = 0;

  constructor(withDocumentCounts = false) {
    this.docCounts = withDocumentCounts ? [] : null;
    this.lastDocument = withDocumentCounts ? [] : null;
  }

  get withDocumentCounts(): boolean {
    return this.docCounts !== null;
  }

  get size(): number {
    return this.tokens.length;
  }

  /** The local index of a token, added (with count 0) when new. */
  private indexOf(token: string): number {
    let i = this.index.get(token);
    if (i === undefined) {
      i = this.tokens.length;
      this.index.set(token, i);
      this.tokens.push(token);
      this.counts.push(0);
      this.docCounts?.push(0);
      this.lastDocument?.push(-1);
    }
    return i;
  }

  /** Counts one document's tokens; with `ids`, writes each token's local index there from `offset` on. */
  add(tokens: string[], ids?: Int32Array, offset = 0): void {
    const document = this.documents++;
    const { counts, docCounts, lastDocument } = this;
    for (let j = 0; j < tokens.length; j++) {
      const i = this.indexOf(tokens[j]);
      counts[i]++;
      if (docCounts && lastDocument && lastDocument[i] !== document) {
        lastDocument[i] = document;
        docCounts[i]++;
      }
      if (ids) ids[offset + j] = i;
    }
  }

  countOf(token: string): number {
    const i = this.index.get(token);
    return i === undefined ? 0 : this.counts[i];
  }

  documentCountOf(token: string): number {
    const i = this.index.get(token);
    return i === undefined || !this.docCounts ? 0 : this.docCounts[i];
  }

  merge(other: TokenCounts | TokenCountsData): this {
    const data = other instanceof TokenCounts ? other.toData() : other;
    this.documents += data.documents;
    data.tokens.forEach((t, i) => this.addCount(t, data.counts[i], data.documentCounts?.[i] ?? 0));
    return this;
  }

  /** Adds packed counts (documents are counted apart: packed parts of one chunk share its documents). */
  mergePacked(packed: PackedCounts): this {
    unpackTokens(packed).forEach((t, i) => this.addCount(t, packed.counts[i], packed.documentCounts?.[i] ?? 0));
    return this;
  }

  private addCount(token: string, count: number, documentCount: number): void {
    const i = this.indexOf(token);
    this.counts[i] += count;
    if (this.docCounts) this.docCounts[i] += documentCount;
  }

  toData(): TokenCountsData {
    return { tokens: [...this.tokens], counts: [...this.counts], documentCounts: this.docCounts ? [...this.docCounts] : null, documents: this.documents };
  }

  static fromData(data: TokenCountsData): TokenCounts {
    return new TokenCounts(data.documentCounts !== null).merge(data);
  }

  /** The counts split by token hash into `partitions` packed parts, to be merged part by part on separate threads. */
  partition(partitions: number): PackedCounts[] {
    const parts = Array.from({ length: partitions }, () => ({ tokens: [] as string[], counts: [] as number[], docs: [] as number[] }));
    this.tokens.forEach((t, i) => {
      const part = parts[partitionOf(t, partitions)];
      part.tokens.push(t);
      part.counts.push(this.counts[i]);
      if (this.docCounts) part.docs.push(this.docCounts[i]);
    });
    return parts.map((p) => packCounts(p.tokens, p.counts, this.docCounts ? p.docs : null));
  }

  /**
   * The vocabulary Keras's IndexLookup.finalize_state learns: tokens by count, most frequent
   * first, ties broken by the token in reverse (UTF-8) order; `exclude` (the special tokens)
   * left out; at most maxLearned of them.
   */
  rankedTokens(maxLearned: number | null, exclude: string[]): string[] {
    return this.ranked(maxLearned, exclude).map(([t]) => t);
  }

  /** rankedTokens, packed with their counts (what a partition's merge sends back). */
  rankedPacked(maxLearned: number | null, exclude: string[]): PackedCounts {
    const ranked = this.ranked(maxLearned, exclude);
    const tokens = ranked.map(([t]) => t);
    return packCounts(tokens, ranked.map(([, c]) => c), this.docCounts ? tokens.map((t) => this.documentCountOf(t)) : null);
  }

  private ranked(maxLearned: number | null, exclude: string[]): [string, number][] {
    const entries: [string, number][] = [];
    this.tokens.forEach((t, i) => {
      if (!exclude.includes(t)) entries.push([t, this.counts[i]]);
    });
    return topRanked(entries, maxLearned);
  }
}

/**
 * Merges ranked partitions (disjoint tokens, each in Keras's order) into the first `max` tokens
 * overall, with their document counts: a k-way merge, since the overall top tokens are among
 * each partition's top tokens.
 */
export function mergeRankedPartitions(parts: PackedCounts[], max: number | null): { tokens: string[]; documentCounts: number[] | null } {
  const lists = parts.map((p) => ({ tokens: unpackTokens(p), p, at: 0 }));
  const total = lists.reduce((n, l) => n + l.tokens.length, 0);
  const want = max === null ? total : Math.min(max, total);
  const tokens: string[] = [];
  const documentCounts: number[] | null = parts.some((p) => p.documentCounts) ? [] : null;
  while (tokens.length < want) {
    let best = -1;
    for (let i = 0; i < lists.length; i++) {
      const l = lists[i];
      if (l.at >= l.tokens.length) continue;
      if (best < 0) best = i;
      else {
        const b = lists[best];
        if (rankBefore(l.tokens[l.at], l.p.counts[l.at], b.tokens[b.at], b.p.counts[b.at]) < 0) best = i;
      }
    }
    const l = lists[best];
    tokens.push(l.tokens[l.at]);
    documentCounts?.push(l.p.documentCounts?.[l.at] ?? 0);
    l.at++;
  }
  return { tokens, documentCounts };
}
