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

/** Index of the k-th largest value (k from 1) by quickselect, without sorting them all. */
function kthLargest(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] > pivot) i++;
      while (values[j] < pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i] = values[j];
        values[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return values[target];
}

/**
 * The `max` first entries in Keras's vocabulary order (all when max is null). Only the entries
 * whose count can make the cut are sorted.
 */
function topRanked(entries: [string, number][], max: number | null): [string, number][] {
  let candidates = entries;
  if (max !== null && max < entries.length) {
    if (max <= 0) return [];
    const threshold = kthLargest(Float64Array.from(entries, (e) => e[1]), max);
    candidates = entries.filter((e) => e[1] >= threshold);
  }
  candidates.sort((a, b) => rankBefore(a[0], a[1], b[0], b[1]));
  return max === null ? candidates : candidates.slice(0, max);
}

/**
 * What adapt() learns from data: each token's count, and (for tf_idf) how many documents it is
 * in. Counts from separate chunks of a corpus merge (in any order) into the counts of the whole.
 */
export class TokenCounts {
  readonly counts = new Map<string, number>();
  readonly documentCounts: Map<string, number> | null;
  documents = 0;

  constructor(withDocumentCounts = false) {
    this.documentCounts = withDocumentCounts ? new Map() : null;
  }

  /** Counts one document's tokens. */
  add(tokens: string[]): void {
    this.documents++;
    const counts = this.counts;
    for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    if (this.documentCounts) for (const t of new Set(tokens)) this.documentCounts.set(t, (this.documentCounts.get(t) ?? 0) + 1);
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
    this.counts.set(token, (this.counts.get(token) ?? 0) + count);
    if (this.documentCounts) this.documentCounts.set(token, (this.documentCounts.get(token) ?? 0) + documentCount);
  }

  toData(): TokenCountsData {
    const tokens = [...this.counts.keys()];
    return {
      tokens,
      counts: tokens.map((t) => this.counts.get(t) as number),
      documentCounts: this.documentCounts ? tokens.map((t) => this.documentCounts!.get(t) ?? 0) : null,
      documents: this.documents,
    };
  }

  static fromData(data: TokenCountsData): TokenCounts {
    return new TokenCounts(data.documentCounts !== null).merge(data);
  }

  /** The counts split by token hash into `partitions` packed parts, to be merged part by part on separate threads. */
  partition(partitions: number): PackedCounts[] {
    const parts = Array.from({ length: partitions }, () => ({ tokens: [] as string[], counts: [] as number[], docs: [] as number[] }));
    for (const [t, c] of this.counts) {
      const part = parts[partitionOf(t, partitions)];
      part.tokens.push(t);
      part.counts.push(c);
      if (this.documentCounts) part.docs.push(this.documentCounts.get(t) ?? 0);
    }
    return parts.map((p) => packCounts(p.tokens, p.counts, this.documentCounts ? p.docs : null));
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
    return packCounts(tokens, ranked.map(([, c]) => c), this.documentCounts ? tokens.map((t) => this.documentCounts!.get(t) ?? 0) : null);
  }

  private ranked(maxLearned: number | null, exclude: string[]): [string, number][] {
    return topRanked([...this.counts.entries()].filter(([t]) => !exclude.includes(t)), maxLearned);
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
