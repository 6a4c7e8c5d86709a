/** Keras's default `filters`: punctuation, tab and newline (the apostrophe is kept). */
export const DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n';

export interface TokenizerArgs {
  /** Keep only words ranked below numWords (the numWords - 1 most frequent) in textsToSequences. */
  numWords?: number;
  /** Characters replaced by the split character before splitting. */
  filters?: string;
  lower?: boolean;
  split?: string;
  /** Given: index 1 in wordIndex, and it stands in for unknown (or cut-off) words. */
  oovToken?: string;
}

/** Splits text as Keras's text_to_word_sequence does: lower-case, filters become `split`, drop empty words. */
export function textToWordSequence(text: string, args: Pick<TokenizerArgs, 'filters' | 'lower' | 'split'> = {}): string[] {
  const { filters = DEFAULT_FILTERS, lower = true, split = ' ' } = args;
  let s = lower ? text.toLowerCase() : text;
  if (filters.length > 0) {
    const filterSet = new Set(filters);
    s = Array.from(s, (c) => (filterSet.has(c) ? split : c)).join('');
  }
  return s.split(split).filter((w) => w.length > 0);
}

/**
 * Keras's Tokenizer (word level): fitOnTexts ranks words by count, most frequent first (ties keep
 * first-seen order, as Python's stable sort does), starting at 1 (0 is left for padding). The
 * whole vocabulary stays in wordIndex; numWords only limits textsToSequences.
 * Differences from Keras: word level only (no char_level), no texts_to_matrix or word_docs, and
 * wordIndex/wordCounts are Maps rather than dicts.
 */
export class Tokenizer {
  readonly numWords?: number;
  readonly filters: string;
  readonly lower: boolean;
  readonly split: string;
  readonly oovToken?: string;
  /** word -> rank (1 = most frequent; the oov token, when set, is 1). */
  readonly wordIndex = new Map<string, number>();
  readonly indexWord = new Map<number, string>();
  /** word -> occurrences over every fitted text, in first-seen order. */
  readonly wordCounts = new Map<string, number>();
  documentCount = 0;

  constructor(args: TokenizerArgs = {}) {
    if (args.numWords !== undefined && !(Number.isInteger(args.numWords) && args.numWords > 0)) {
      throw new Error(`Tokenizer: numWords must be a positive integer, got ${args.numWords}`);
    }
    this.numWords = args.numWords;
    this.filters = args.filters ?? DEFAULT_FILTERS;
    this.lower = args.lower ?? true;
    this.split = args.split ?? ' ';
    this.oovToken = args.oovToken;
  }

  /** Adds the texts' words to the counts and re-ranks the whole vocabulary. */
  fitOnTexts(texts: Iterable<string>): void {
    for (const text of texts) {
      this.documentCount++;
      for (const word of this.words(text)) this.wordCounts.set(word, (this.wordCounts.get(word) ?? 0) + 1);
    }
    const ranked = [...this.wordCounts.entries()].sort((a, b) => b[1] - a[1]).map(([word]) => word);
    if (this.oovToken !== undefined) ranked.unshift(this.oovToken);
    this.wordIndex.clear();
    this.indexWord.clear();
    ranked.forEach((word, i) => {
      this.wordIndex.set(word, i + 1);
      this.indexWord.set(i + 1, word);
    });
  }

  /** Each text's word ranks; unknown and cut-off words become the oov index, or are dropped without one. */
  textsToSequences(texts: Iterable<string>): number[][] {
    const oovIndex = this.oovToken === undefined ? undefined : this.wordIndex.get(this.oovToken);
    const sequences: number[][] = [];
    for (const text of texts) {
      const sequence: number[] = [];
      for (const word of this.words(text)) {
        const i = this.wordIndex.get(word);
        const kept = i !== undefined && (this.numWords === undefined || i < this.numWords);
        if (kept) sequence.push(i);
        else if (oovIndex !== undefined) sequence.push(oovIndex);
      }
      sequences.push(sequence);
    }
    return sequences;
  }

  /** The inverse of textsToSequences, words joined by spaces (indices without a word are skipped). */
  sequencesToTexts(sequences: Iterable<number[]>): string[] {
    const texts: string[] = [];
    for (const sequence of sequences) {
      texts.push(sequence.map((i) => this.indexWord.get(i)).filter((w): w is string => w !== undefined).join(' '));
    }
    return texts;
  }

  private words(text: string): string[] {
    return textToWordSequence(text, { filters: this.filters, lower: this.lower, split: this.split });
  }
}
