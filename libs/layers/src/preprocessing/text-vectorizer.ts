import { ngramsOf, ngramWidths, splitText, standardizeText, type SplitMode, type StandardizeMode } from './text-standardize';
import { TokenCounts, type TokenCountsData } from './token-counts';

export type TextVectorizationOutputMode = 'int' | 'multi_hot' | 'count' | 'tf_idf';

/** TextVectorization's settings (and, once learned, its vocabulary): plain data, JSON-serializable but for functions. */
export interface TextVectorizerOptions {
  /** Vocabulary size, the mask ('' , int mode only) and OOV ('[UNK]') tokens included; default unlimited. */
  maxTokens?: number | null;
  /** Default 'lower_and_strip_punctuation'; null keeps the text; a function cannot be saved. */
  standardize?: StandardizeMode | null | ((text: string) => string);
  /** Default 'whitespace'; null: the input is already tokens (string[] per row); a function cannot be saved. */
  split?: SplitMode | null | ((text: string) => string[]);
  /** n: n-grams of 1..n tokens; a list: those widths; default null (single tokens). */
  ngrams?: number | number[] | null;
  /** Default 'int'. */
  outputMode?: TextVectorizationOutputMode;
  /** int mode: every row padded with 0 (at its end) or truncated to this length; default the batch's longest. */
  outputSequenceLength?: number | null;
  /**
   * Which end of a row longer than outputSequenceLength is cut: 'post' its end (Keras's
   * TextVectorization, the default), 'pre' its start (as Keras's pad_sequences; weft's addition).
   */
  truncating?: 'pre' | 'post';
  /** multi_hot, count, tf_idf: output maxTokens wide even when the vocabulary is smaller. */
  padToMaxTokens?: boolean;
  /** A vocabulary instead of adapt() (with or without the special tokens at its start). */
  vocabulary?: string[] | null;
  /** tf_idf with a given vocabulary: one weight per vocabulary token. */
  idfWeights?: number[] | null;
}

/** One input row: a text, or (split null) its tokens. */
export type TextRow = string | string[];

/** Vectorized rows, row-major: [rows, sequence length] ids (int) or [rows, depth] floats. */
export interface VectorizedRows {
  values: Int32Array | Float32Array;
  shape: [number, number];
}

const MASK_TOKEN = '';
const OOV_TOKEN = '[UNK]';
const STANDARDIZE_MODES = ['lower_and_strip_punctuation', 'lower', 'strip_punctuation'];
const SPLIT_MODES = ['whitespace', 'character'];
const OUTPUT_MODES = ['int', 'multi_hot', 'count', 'tf_idf'];

/**
 * The arithmetic of Keras 3's TextVectorization without tensors (so that worker threads load
 * nothing else): text -> standardize -> split -> n-grams -> vocabulary indices. The
 * TextVectorization layer wraps one; see it for the semantics.
 */
export class TextVectorizer {
  readonly maxTokens: number | null;
  readonly standardize: StandardizeMode | null | ((text: string) => string);
  readonly split: SplitMode | null | ((text: string) => string[]);
  readonly ngrams: number | number[] | null;
  readonly outputMode: TextVectorizationOutputMode;
  readonly outputSequenceLength: number | null;
  readonly truncating: 'pre' | 'post';
  readonly padToMaxTokens: boolean;
  private readonly widths: number[];
  /** The learned tokens, without the special ones. */
  private tokens: string[] | null = null;
  private index = new Map<string, number>();
  /** tf_idf: weight per output index. */
  private idf: Float32Array | null = null;

  constructor(args: TextVectorizerOptions = {}) {
    const where = 'TextVectorization';
    this.outputMode = args.outputMode ?? 'int';
    if (!OUTPUT_MODES.includes(this.outputMode)) throw new Error(`${where}: outputMode must be one of ${OUTPUT_MODES.join(', ')}. Received: ${this.outputMode}`);
    this.standardize = args.standardize === undefined ? 'lower_and_strip_punctuation' : args.standardize;
    if (typeof this.standardize === 'string' && !STANDARDIZE_MODES.includes(this.standardize)) {
      throw new Error(`${where}: standardize must be one of ${STANDARDIZE_MODES.join(', ')}, null or a function. Received: ${this.standardize}`);
    }
    this.split = args.split === undefined ? 'whitespace' : args.split;
    if (typeof this.split === 'string' && !SPLIT_MODES.includes(this.split)) {
      throw new Error(`${where}: split must be one of ${SPLIT_MODES.join(', ')}, null or a function. Received: ${this.split}`);
    }
    this.ngrams = args.ngrams ?? null;
    this.widths = ngramWidths(this.ngrams);
    this.maxTokens = args.maxTokens ?? null;
    if (this.maxTokens !== null && !(Number.isInteger(this.maxTokens) && this.maxTokens > this.tokenStart)) {
      throw new Error(`${where}: maxTokens must be an integer > ${this.tokenStart} (the special tokens take ${this.tokenStart}). Received: ${this.maxTokens}`);
    }
    this.outputSequenceLength = args.outputSequenceLength ?? null;
    if (this.outputSequenceLength !== null) {
      if (this.outputMode !== 'int') throw new Error(`${where}: outputSequenceLength is for outputMode 'int' only. Received: outputMode=${this.outputMode}`);
      if (!(Number.isInteger(this.outputSequenceLength) && this.outputSequenceLength > 0)) {
        throw new Error(`${where}: outputSequenceLength must be a positive integer. Received: ${this.outputSequenceLength}`);
      }
    }
    this.truncating = args.truncating ?? 'post';
    if (this.truncating !== 'pre' && this.truncating !== 'post') throw new Error(`${where}: truncating must be 'pre' or 'post'. Received: ${String(this.truncating)}`);
    this.padToMaxTokens = args.padToMaxTokens ?? false;
    if (this.padToMaxTokens && (this.outputMode === 'int' || this.maxTokens === null)) {
      throw new Error(`${where}: padToMaxTokens needs maxTokens and a multi_hot, count or tf_idf outputMode.`);
    }
    if (args.vocabulary) this.setVocabulary(args.vocabulary, args.idfWeights ?? undefined);
  }

  /** Index of the first learned token: 2 in int mode (after '' and '[UNK]'), else 1 (after '[UNK]'). */
  get tokenStart(): number {
    return this.outputMode === 'int' ? 2 : 1;
  }

  private get oovIndex(): number {
    return this.tokenStart - 1;
  }

  get isAdapted(): boolean {
    return this.tokens !== null;
  }

  /** A row's tokens: standardized, split, and n-grams of them when asked. */
  tokenize(row: TextRow): string[] {
    const standardize = (s: string) =>
      typeof this.standardize === 'function' ? this.standardize(s) : standardizeText(s, this.standardize);
    let tokens: string[];
    if (this.split === null) {
      if (!Array.isArray(row)) throw new Error(`TextVectorization: with split null each row must be its tokens (string[]). Received: ${typeof row}`);
      tokens = row.map(standardize);
    } else {
      if (typeof row !== 'string') throw new Error(`TextVectorization: each row must be a string (or pass split: null for tokens). Received: ${Array.isArray(row) ? 'an array' : typeof row}`);
      const text = standardize(row);
      tokens = typeof this.split === 'function' ? this.split(text) : splitText(text, this.split);
    }
    return ngramsOf(tokens, this.widths);
  }

  /** Counts the rows' tokens (what adapt learns from), leaving the layer unchanged; counts of chunks merge. */
  countTokens(rows: Iterable<TextRow>, into?: TokenCounts): TokenCounts {
    const counts = into ?? new TokenCounts(this.outputMode === 'tf_idf');
    for (const row of rows) counts.add(this.tokenize(row));
    return counts;
  }

  /** Learns the vocabulary (and idf weights for tf_idf) from the rows: texts, or token lists when split is null. */
  async adapt(data: Iterable<TextRow> | AsyncIterable<TextRow>): Promise<void> {
    const counts = new TokenCounts(this.outputMode === 'tf_idf');
    if (Symbol.iterator in data) for (const row of data) counts.add(this.tokenize(row));
    else for await (const row of data) counts.add(this.tokenize(row));
    this.setVocabularyFromCounts(counts);
  }

  /** Sets what adapt() would learn from these counts (Keras's finalize_state). */
  setVocabularyFromCounts(counts: TokenCounts | TokenCountsData): void {
    const all = counts instanceof TokenCounts ? counts : TokenCounts.fromData(counts);
    const tokens = all.rankedTokens(this.maxLearnedTokens, this.specialTokens);
    const documentCounts = all.withDocumentCounts ? tokens.map((t) => all.documentCountOf(t)) : null;
    this.setVocabularyFromRanked(tokens, documentCounts, all.documents);
  }

  /** How many tokens adapt may learn (maxTokens less the special tokens), or null for no limit. */
  get maxLearnedTokens(): number | null {
    return this.maxTokens === null ? null : this.maxTokens - this.tokenStart;
  }

  /** The special tokens, which adapt never learns: ['', '[UNK]'] in int mode, ['[UNK]'] otherwise. */
  get specialTokens(): string[] {
    return this.outputMode === 'int' ? [MASK_TOKEN, OOV_TOKEN] : [OOV_TOKEN];
  }

  /**
   * Sets a vocabulary already ranked (what the thread pool's merge produces) and, for tf_idf, the
   * idf weights from the tokens' document counts: log(1 + documents / (1 + documents with it)), as Keras.
   */
  setVocabularyFromRanked(tokens: string[], documentCounts: number[] | null, documents: number): void {
    let idf: number[] | undefined;
    if (this.outputMode === 'tf_idf') {
      if (!documentCounts) throw new Error('TextVectorization: tf_idf needs the document counts of the tokens.');
      idf = documentCounts.map((d) => Math.log(1 + documents / (1 + d)));
    }
    this.setVocabulary(tokens, idf);
  }


  /**
   * Sets the vocabulary: the learned tokens, with or without the special tokens in front
   * (Keras's set_vocabulary); tf_idf needs one idf weight per token given.
   */
  setVocabulary(vocabulary: string[], idfWeights?: number[]): void {
    const specials = this.specialTokens;
    const withSpecials = specials.every((s, i) => vocabulary[i] === s);
    const tokens = withSpecials ? vocabulary.slice(specials.length) : [...vocabulary];
    const seen = new Set<string>();
    for (const t of tokens) {
      if (specials.includes(t)) throw new Error(`TextVectorization: the vocabulary holds the special token ${JSON.stringify(t)} out of its place (index ${specials.indexOf(t)}).`);
      if (seen.has(t)) throw new Error(`TextVectorization: the vocabulary holds ${JSON.stringify(t)} twice.`);
      seen.add(t);
    }
    if (this.maxTokens !== null && tokens.length + this.tokenStart > this.maxTokens) {
      throw new Error(`TextVectorization: the vocabulary has ${tokens.length + this.tokenStart} entries (special tokens included), more than maxTokens=${this.maxTokens}.`);
    }
    if (this.outputMode === 'tf_idf') {
      const weights = idfWeights && withSpecials ? idfWeights.slice(specials.length) : idfWeights;
      if (!weights || weights.length !== tokens.length) {
        throw new Error(`TextVectorization: tf_idf needs one idf weight per vocabulary token: ${tokens.length}. Received: ${idfWeights?.length ?? 'none'}`);
      }
      this.idf = new Float32Array(this.depthFor(tokens.length));
      this.idf.set(weights, this.tokenStart);
      // The OOV's weight: the average (Keras cannot know it), of the float32 weights, so that a config round trip keeps it.
      const stored = this.idf.subarray(this.tokenStart, this.tokenStart + weights.length);
      this.idf.fill(stored.length > 0 ? stored.reduce((a, b) => a + b, 0) / stored.length : 0, 0, this.tokenStart);
    } else if (idfWeights) {
      throw new Error(`TextVectorization: idfWeights are for outputMode 'tf_idf' only. Received: outputMode=${this.outputMode}`);
    }
    this.tokens = tokens;
    this.index = new Map(tokens.map((t, i) => [t, i + this.tokenStart]));
  }

  /** The vocabulary, special tokens first: ['', '[UNK]', ...] in int mode, ['[UNK]', ...] otherwise. */
  getVocabulary(): string[] {
    return [...this.specialTokens, ...this.learnedTokens()];
  }

  vocabularySize(): number {
    return this.learnedTokens().length + this.tokenStart;
  }

  /** tf_idf: the weight of each output index. */
  getIdfWeights(): Float32Array | null {
    return this.idf ? this.idf.slice() : null;
  }

  learnedTokens(): string[] {
    if (this.tokens === null) throw new Error('TextVectorization has no vocabulary yet: call adapt(data) or pass vocabulary.');
    return this.tokens;
  }

  /** Width of multi_hot / count / tf_idf rows for a vocabulary of `learned` tokens. */
  depthFor(learned: number): number {
    return this.padToMaxTokens ? (this.maxTokens as number) : learned + this.tokenStart;
  }

  /** A token's id (call learnedTokens() first): unknown tokens are the OOV index, '' the mask in int mode. */
  idOf(token: string): number {
    return this.index.get(token) ?? (this.outputMode === 'int' && token === MASK_TOKEN ? 0 : this.oovIndex);
  }

  /** A row's token ids (int mode's lookup, before padding): unknown tokens are the OOV index, '' the mask. */
  encodeIds(row: TextRow): number[] {
    this.learnedTokens();
    return this.tokenize(row).map((t) => this.idOf(t));
  }

  /** The rows vectorized without tensors: int ids padded with 0, or multi_hot / count / tf_idf vectors. */
  vectorize(rows: TextRow[]): VectorizedRows {
    return this.packIds(rows.map((r) => this.encodeIds(r)));
  }

  /** Rows of token ids (encodeIds') vectorized: int ids padded with 0 or truncated, or multi_hot / count / tf_idf vectors. */
  packIds(rows: (number[] | Int32Array)[]): VectorizedRows {
    if (this.outputMode === 'int') {
      const length = this.outputSequenceLength ?? rows.reduce((m, r) => Math.max(m, r.length), 0);
      const values = new Int32Array(rows.length * length);
      const cut = (r: number[] | Int32Array) => (this.truncating === 'post' ? r.slice(0, length) : r.slice(r.length - length));
      rows.forEach((r, i) => values.set(r.length > length ? cut(r) : r, i * length));
      return { values, shape: [rows.length, length] };
    }
    const depth = this.depthFor(this.learnedTokens().length);
    const values = new Float32Array(rows.length * depth);
    rows.forEach((row, i) => {
      const offset = i * depth;
      for (const id of row) {
        if (this.outputMode === 'multi_hot') values[offset + id] = 1;
        else values[offset + id] += 1;
      }
      if (this.idf) for (let j = 0; j < depth; j++) values[offset + j] *= this.idf[j];
    });
    return { values, shape: [rows.length, depth] };
  }

  /** The settings and vocabulary, for the layer's config; functions cannot be saved. */
  getConfig(): Required<Omit<TextVectorizerOptions, 'standardize' | 'split'>> & { standardize: StandardizeMode | null; split: SplitMode | null } {
    for (const [name, value] of [['standardize', this.standardize], ['split', this.split]] as const) {
      if (typeof value === 'function') {
        throw new Error(`TextVectorization: a ${name} function cannot be saved in the config; use one of the named modes, or rebuild the layer with the function after loading.`);
      }
    }
    return {
      maxTokens: this.maxTokens,
      standardize: this.standardize as StandardizeMode | null,
      split: this.split as SplitMode | null,
      ngrams: this.ngrams,
      outputMode: this.outputMode,
      outputSequenceLength: this.outputSequenceLength,
      truncating: this.truncating,
      padToMaxTokens: this.padToMaxTokens,
      vocabulary: this.tokens,
      idfWeights: this.idf ? Array.from(this.idf.subarray(this.tokenStart, this.tokenStart + (this.tokens?.length ?? 0))) : null,
    };
  }
}
