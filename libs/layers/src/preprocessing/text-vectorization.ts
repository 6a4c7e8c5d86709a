import * as tf from '@tensorflow/tfjs-core';
import { Layer, type CallArgs, type LayerArgs, type Tensors } from '../engine/layer';
import { registerLayer } from '../engine/registry';
import type { Shape } from '../engine/shape';
import { TextVectorizer, type TextRow, type TextVectorizerOptions, type VectorizedRows } from './text-vectorizer';
import type { TokenCounts, TokenCountsData } from './token-counts';

export interface TextVectorizationArgs extends LayerArgs, TextVectorizerOptions {}

/**
 * Keras 3's TextVectorization: text -> standardize -> split -> n-grams -> vocabulary indices.
 * adapt(data) learns the vocabulary (tokens by count, ties in reverse token order, as Keras); in
 * int mode 0 is the mask ('') and 1 the OOV token ('[UNK]'), other modes have only the OOV at 0.
 * Outputs: int ids [batch, length], or multi_hot / count / tf_idf vectors [batch, vocabulary].
 * The vocabulary (and idf weights) travel in getConfig, so a saved layer keeps what it learned.
 * Differences from Keras: lower-casing is ASCII-only exactly as Keras's (tf.strings.lower); no
 * ragged or sparse outputs; adapt is async and takes any iterable or async iterable of texts
 * (token lists when split is null); the pure-JS methods (tokenize, encodeIds, vectorize) work
 * without tensors, and `vectorizer` is the tensor-free core (what worker threads run).
 */
export class TextVectorization extends Layer {
  static override className = 'TextVectorization';
  readonly vectorizer: TextVectorizer;

  constructor(args: TextVectorizationArgs = {}) {
    super({ ...args, dtype: args.dtype ?? 'string' });
    this.vectorizer = new TextVectorizer(args);
    this.built = true;
  }

  get outputMode() {
    return this.vectorizer.outputMode;
  }

  get outputSequenceLength() {
    return this.vectorizer.outputSequenceLength;
  }

  get maxTokens() {
    return this.vectorizer.maxTokens;
  }

  get split() {
    return this.vectorizer.split;
  }

  get isAdapted(): boolean {
    return this.vectorizer.isAdapted;
  }

  /** A row's tokens: standardized, split, and n-grams of them when asked. */
  tokenize(row: TextRow): string[] {
    return this.vectorizer.tokenize(row);
  }

  /** Counts the rows' tokens (what adapt learns from), leaving the layer unchanged; counts of chunks merge. */
  countTokens(rows: Iterable<TextRow>, into?: TokenCounts): TokenCounts {
    return this.vectorizer.countTokens(rows, into);
  }

  /** Learns the vocabulary (and idf weights for tf_idf) from the rows: texts, or token lists when split is null. */
  async adapt(data: Iterable<TextRow> | AsyncIterable<TextRow>): Promise<void> {
    await this.vectorizer.adapt(data);
  }

  /** Sets what adapt() would learn from these counts (Keras's finalize_state). */
  setVocabularyFromCounts(counts: TokenCounts | TokenCountsData): void {
    this.vectorizer.setVocabularyFromCounts(counts);
  }

  /** Sets the vocabulary (with or without the special tokens in front); tf_idf needs idf weights. */
  setVocabulary(vocabulary: string[], idfWeights?: number[]): void {
    this.vectorizer.setVocabulary(vocabulary, idfWeights);
  }

  /** The vocabulary, special tokens first: ['', '[UNK]', ...] in int mode, ['[UNK]', ...] otherwise. */
  getVocabulary(): string[] {
    return this.vectorizer.getVocabulary();
  }

  vocabularySize(): number {
    return this.vectorizer.vocabularySize();
  }

  /** tf_idf: the weight of each output index. */
  getIdfWeights(): Float32Array | null {
    return this.vectorizer.getIdfWeights();
  }

  /** A row's token ids (int mode's lookup, before padding). */
  encodeIds(row: TextRow): number[] {
    return this.vectorizer.encodeIds(row);
  }

  /** The rows vectorized without tensors: int ids padded with 0, or multi_hot / count / tf_idf vectors. */
  vectorize(rows: TextRow[]): VectorizedRows {
    return this.vectorizer.vectorize(rows);
  }

  protected override assertInputCompatibility(shapes: Shape[], dtypes: tf.DataType[]): void {
    if (dtypes.some((d) => d !== 'string')) {
      throw new Error(`TextVectorization '${this.name}' takes string tensors. Received: dtype=${dtypes.join(', ')}`);
    }
    const rank = shapes[0].length;
    const tokenRows = this.split === null;
    if (!(rank === 1 || (rank === 2 && (tokenRows || shapes[0][1] === 1 || shapes[0][1] === null)))) {
      throw new Error(
        `TextVectorization '${this.name}' takes [batch] or [batch, 1] texts${tokenRows ? ', or [batch, tokens] with split null' : ''}. Received: shape [${shapes[0]}]`,
      );
    }
  }

  call(inputs: Tensors, _args: CallArgs): Tensors {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const nested = x.arraySync() as unknown as string[] | string[][];
    const rows: TextRow[] = this.split === null ? (nested as string[][]) : x.rank === 2 ? (nested as string[][]).map((r) => r[0]) : (nested as string[]);
    const { values, shape } = this.vectorize(rows);
    return tf.tensor(values, shape, this.outputMode === 'int' ? 'int32' : 'float32');
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const batch = (inputShape as Shape)[0] ?? null;
    if (this.outputMode === 'int') return [batch, this.outputSequenceLength];
    return [batch, this.vectorizer.depthFor(this.vectorizer.learnedTokens().length)];
  }

  protected override get outputDtype(): tf.DataType {
    return this.outputMode === 'int' ? 'int32' : 'float32';
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...this.vectorizer.getConfig() };
  }
}
registerLayer(TextVectorization);

export const textVectorization = (args?: TextVectorizationArgs) => new TextVectorization(args);
