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

/** Token counts as plain arrays, to send between threads. */
export interface TokenCountsData {
  tokens: string[];
  counts: number[];
  /** Documents each token occurs in (for tf_idf), aligned with tokens. */
  documentCounts: number[] | null;
  documents: number;
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
    data.tokens.forEach((t, i) => {
      this.counts.set(t, (this.counts.get(t) ?? 0) + data.counts[i]);
      if (this.documentCounts && data.documentCounts) this.documentCounts.set(t, (this.documentCounts.get(t) ?? 0) + data.documentCounts[i]);
    });
    return this;
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

  /**
   * The vocabulary Keras's IndexLookup.finalize_state learns: tokens by count, most frequent
   * first, ties broken by the token in reverse (UTF-8) order (np.lexsort(...)[::-1]); special
   * tokens left out; at most maxLearned of them.
   */
  rankedTokens(maxLearned: number | null, exclude: string[]): string[] {
    const ranked = [...this.counts.entries()]
      .filter(([t]) => !exclude.includes(t))
      .sort((a, b) => b[1] - a[1] || compareCodePoints(b[0], a[0]))
      .map(([t]) => t);
    return maxLearned === null ? ranked : ranked.slice(0, maxLearned);
  }
}
