// The piscina worker that @weft/data's VectorizationPool runs: it loads only the tensor-free
// TextVectorizer, not TensorFlow.js or the rest of the layers.
import { move } from 'piscina';
import { TextVectorizer, type TextRow, type TextVectorizerOptions } from './text-vectorizer';
import { TokenCounts, type PackedCounts } from './token-counts';

/**
 * Texts as UTF-8 in shared memory (text i is bytes offsets[i]..offsets[i + 1]), so that tasks
 * name a range of them instead of copying them: written once, read by every pass.
 */
export interface SharedTexts {
  bytes: SharedArrayBuffer;
  offsets: SharedArrayBuffer;
}

/** A chunk's rows: sent with the task, or a range of shared texts. */
export type TaskRows = TextRow[] | { shared: SharedTexts; from: number; to: number };

/** Count a chunk's tokens (adapt's map step), split by token hash into `partitions` packed parts. */
export interface CountTask {
  kind: 'count';
  options: TextVectorizerOptions;
  rows: TaskRows;
  partitions: number;
}

/** Merge one partition's parts from every chunk and rank them (adapt's reduce step). */
export interface RankTask {
  kind: 'rank';
  parts: PackedCounts[];
  withDocumentCounts: boolean;
  maxLearned: number | null;
  exclude: string[];
}

/**
 * Vectorize a chunk: the settings and vocabulary are JSON in a SharedArrayBuffer, shared (not
 * copied) with every task; each worker parses them once per key. With `output`, the rows are
 * written there, at row `firstRow`; otherwise they come back (moved, not copied).
 */
export interface EncodeTask {
  kind: 'encode';
  key: string;
  options: SharedArrayBuffer;
  rows: TaskRows;
  output?: { buffer: SharedArrayBuffer; firstRow: number };
}

export type VectorizeTask = CountTask | RankTask | EncodeTask;
export interface CountResult {
  documents: number;
  parts: PackedCounts[];
}

let cached: { key: string; vectorizer: TextVectorizer } | null = null;

function vectorizerFor(key: string, shared: SharedArrayBuffer): TextVectorizer {
  if (cached?.key !== key) {
    const json = Buffer.from(new Uint8Array(shared)).toString('utf8');
    cached = { key, vectorizer: new TextVectorizer(JSON.parse(json) as TextVectorizerOptions) };
  }
  return cached.vectorizer;
}

function rowsOf(rows: TaskRows): TextRow[] {
  if (Array.isArray(rows)) return rows;
  const { shared, from, to } = rows;
  const offsets = new Int32Array(shared.offsets);
  const texts = new Array<string>(to - from);
  for (let i = from; i < to; i++) texts[i - from] = Buffer.from(shared.bytes, offsets[i], offsets[i + 1] - offsets[i]).toString('utf8');
  return texts;
}

export default function run(task: VectorizeTask): CountResult | PackedCounts | ArrayBufferView | null {
  if (task.kind === 'count') {
    const counts = new TextVectorizer(task.options).countTokens(rowsOf(task.rows));
    return { documents: counts.documents, parts: counts.partition(task.partitions) };
  }
  if (task.kind === 'rank') {
    const merged = new TokenCounts(task.withDocumentCounts);
    for (const part of task.parts) merged.mergePacked(part);
    return merged.rankedPacked(task.maxLearned, task.exclude);
  }
  const { values, shape } = vectorizerFor(task.key, task.options).vectorize(rowsOf(task.rows));
  if (!task.output) return move(values) as ArrayBufferView;
  const out = values instanceof Int32Array ? new Int32Array(task.output.buffer) : new Float32Array(task.output.buffer);
  out.set(values, task.output.firstRow * shape[1]);
  return null;
}
