import { DataFileError, VectorizationPool } from '@weft/data';
import { TextVectorization, type TextRow, type VectorizedRows } from '@weft/layers';
import { tf } from '@weft/tensor';
import { PRESET_MAX_LENGTH, type Preset } from './presets';
import type { Example, Task } from './read-examples';
import { frequentWords, shapeTokens } from './word-shapes';

/** Above this many texts, adapt and encode run on a VectorizationPool of worker threads. */
const POOL_THRESHOLD = 20_000;

export interface VocabularyOptions {
  maxTokens: number;
  ngrams: number;
  /** Ids per row; default: from the data (95th percentile of classify texts, 99th of tag sentences), capped by the preset. */
  sequenceLength?: number;
  preset: Preset;
  /** A thread pool for a large corpus (openPool), else null. */
  pool: VectorizationPool | null;
  /** classify: which end of a text longer than the sequence length is cut (the vectorizer's `truncating`). */
  truncating: Truncating;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 1;
};

/** The sorted distinct labels (numerically when they are all numbers), as Keras sorts class folders. */
export function labelSet(examples: Example[], task: Task): string[] {
  const seen = new Set<string>();
  for (const e of examples) {
    if (task === 'tag') for (const t of e.tags ?? []) seen.add(t);
    else if (e.label !== null) seen.add(e.label);
  }
  const labels = [...seen];
  const numeric = labels.every((l) => l !== '' && Number.isFinite(Number(l)));
  return labels.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * A thread pool for adapting and encoding `rows` texts when they are enough to pay for one (the
 * caller closes it); one pool for adapt and the encoding of the same texts lets it reuse their tokens.
 */
export function openPool(rows: number, threads: number): VectorizationPool | null {
  return rows < POOL_THRESHOLD || threads < 2 ? null : new VectorizationPool({ threads });
}

const textsOfExamples = new WeakMap<Example[], string[]>();
/** The examples' texts, one array per examples array (the pool recognizes texts it adapted on by their array). */
function textsOf(examples: Example[]): string[] {
  let texts = textsOfExamples.get(examples);
  if (!texts) textsOfExamples.set(examples, (texts = examples.map((e) => e.text)));
  return texts;
}

/**
 * A TextVectorization adapted on the training examples: texts (Keras's standardize and split,
 * n-grams when asked) for classify, lower-cased given tokens (split null) for tag; the sequence
 * length fixed from the data unless given.
 */
export async function buildVectorizer(task: Task, examples: Example[], options: VocabularyOptions): Promise<TextVectorization> {
  const cap = PRESET_MAX_LENGTH[options.preset];
  if (task === 'tag') {
    const length = options.sequenceLength ?? Math.min(cap, Math.max(8, percentile(examples.map((e) => e.tokens.length), 0.99)));
    const vectorizer = new TextVectorization({ name: 'text_vectorization', split: null, standardize: 'lower', maxTokens: options.maxTokens, outputSequenceLength: length });
    // Words seen once are learned as their shapes, so that unknown words later have shapes to fall back on.
    const known = frequentWords(examples.map((e) => e.tokens), 2);
    await vectorizer.adapt(examples.map((e) => shapeTokens(e.tokens, (w) => known.has(w))));
    return vectorizer;
  }
  const settings = { name: 'text_vectorization', maxTokens: options.maxTokens, ngrams: options.ngrams > 1 ? options.ngrams : null };
  let length = options.sequenceLength;
  if (length === undefined) {
    const probe = new TextVectorization(settings);
    const sample = examples.slice(0, 2000).map((e) => probe.tokenize(e.text).length);
    length = Math.min(cap, Math.max(8, percentile(sample, 0.95)));
  }
  const vectorizer = new TextVectorization({ ...settings, outputSequenceLength: length, truncating: options.truncating });
  const texts = textsOf(examples);
  await (options.pool ? options.pool.adapt(vectorizer, texts) : vectorizer.adapt(texts));
  return vectorizer;
}

/** The model's inputs and targets for some examples; tag sentences longer than the sequence length become several rows. */
export interface Encoded {
  x: tf.Tensor2D;
  /** Class index per row ([rows, 1] floats for two classes, [rows] ints otherwise), tag index per token ([rows, length]); null without labels. */
  y: tf.Tensor | null;
  /** tag: 1 for real tokens, 0 for padding ([rows, length]). */
  sampleWeight: tf.Tensor2D | null;
  /** tag: which example and first token each row holds. */
  windows: { example: number; start: number; length: number }[];
}

function labelIndexer(labels: string[], what: string) {
  const index = new Map(labels.map((l, i) => [l, i]));
  return (label: string, e: Example): number => {
    const i = index.get(label);
    if (i === undefined) {
      const known = labels.length > 12 ? `${labels.slice(0, 12).join(', ')}, ...` : labels.join(', ');
      throw new DataFileError(
        e.where,
        e.line,
        `the ${what} '${label}' was not in the training data; the model knows ${labels.length}: ${known}.`,
        `Remove or relabel the row, or retrain with data that has '${label}'.`,
      );
    }
    return i;
  };
}

/** Which end of a text longer than the sequence length is cut: 'pre' the start (Keras's pad_sequences), 'post' the end (TextVectorization). */
export type Truncating = 'pre' | 'post';

/** The texts as [texts, length] ids, on the thread pool when there is one. */
async function textIds(vectorizer: TextVectorization, texts: string[], pool: VectorizationPool | null): Promise<VectorizedRows> {
  return pool ? pool.encodeAll(vectorizer, texts) : vectorizer.vectorize(texts);
}

/** A classifier's targets: class index per example, [n, 1] floats for two classes, [n] ints otherwise; a label the model does not know is a DataFileError naming the row. */
export function classTargets(labels: string[], examples: Example[]): tf.Tensor {
  const indexOf = labelIndexer(labels, 'label');
  const ids = examples.map((e) => indexOf(e.label as string, e));
  return labels.length === 2 ? tf.tensor2d(ids, [ids.length, 1], 'float32') : tf.tensor1d(ids, 'int32');
}

/** Encodes examples with a fitted vectorizer and label set; a label the model does not know is a DataFileError naming the row. */
export async function encodeExamples(
  task: Task,
  vectorizer: TextVectorization,
  labels: string[],
  examples: Example[],
  options: { pool: VectorizationPool | null },
): Promise<Encoded> {
  const length = vectorizer.outputSequenceLength as number;
  const withLabels = examples.length > 0 && examples.every((e) => (task === 'tag' ? e.tags !== null : e.label !== null));
  if (task === 'classify') {
    const rows = await textIds(vectorizer, textsOf(examples), options.pool);
    const y = withLabels ? classTargets(labels, examples) : null;
    return { x: tf.tensor2d(rows.values as Int32Array, rows.shape, 'int32'), y, sampleWeight: null, windows: [] };
  }
  const windows: Encoded['windows'] = [];
  examples.forEach((e, example) => {
    for (let start = 0; start < Math.max(1, e.tokens.length); start += length) windows.push({ example, start, length: Math.min(length, e.tokens.length - start) });
  });
  const vocabulary = new Set(vectorizer.getVocabulary());
  const rows: TextRow[] = windows.map((w) => shapeTokens(examples[w.example].tokens.slice(w.start, w.start + w.length), (word) => vocabulary.has(word)));
  const x = vectorizer.vectorize(rows);
  const weights = new Float32Array(windows.length * length);
  windows.forEach((w, r) => weights.fill(1, r * length, r * length + w.length));
  let y: tf.Tensor | null = null;
  if (withLabels) {
    const indexOf = labelIndexer(labels, 'tag');
    const tags = new Int32Array(windows.length * length);
    windows.forEach((w, r) => {
      const e = examples[w.example];
      for (let i = 0; i < w.length; i++) tags[r * length + i] = indexOf((e.tags as string[])[w.start + i], e);
    });
    y = tf.tensor2d(tags, [windows.length, length], 'int32');
  }
  return { x: tf.tensor2d(x.values as Int32Array, x.shape, 'int32'), y, sampleWeight: tf.tensor2d(weights, [windows.length, length]), windows };
}

export function disposeEncoded(e: Encoded): void {
  tf.dispose([e.x, ...(e.y ? [e.y] : []), ...(e.sampleWeight ? [e.sampleWeight] : [])]);
}
