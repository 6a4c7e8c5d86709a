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

/** Count a chunk's tokens into this thread's counts for the job (adapt's map step, with a combiner). */
export interface CountTask {
  kind: 'count';
  job: string;
  options: TextVectorizerOptions;
  rows: TaskRows;
}

/**
 * Hand over this thread's counts for the job, split by token hash into `partitions` packed parts.
 * The pool sends one flush per thread at once; each waits at `barrier` until all have started, so
 * no thread runs two of them and every thread's counts are handed over exactly once.
 */
export interface FlushTask {
  kind: 'flush';
  job: string;
  partitions: number;
  barrier: SharedArrayBuffer;
  threads: number;
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

export type VectorizeTask = CountTask | FlushTask | RankTask | EncodeTask;
export interface FlushResult {
  documents: number;
  parts: PackedCounts[];
}

/** Each adapt job's counts on this thread, until flushed. */
const jobs = new Map<string, TokenCounts>();
const FLUSH_BARRIER_MS = 60_000;

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

function flush(task: FlushTask): FlushResult {
  const barrier = new Int32Array(task.barrier);
  Atomics.add(barrier, 0, 1);
  Atomics.notify(barrier, 0);
  const deadline = Date.now() + FLUSH_BARRIER_MS;
  for (let seen = Atomics.load(barrier, 0); seen < task.threads; seen = Atomics.load(barrier, 0)) {
    if (Date.now() > deadline || Atomics.wait(barrier, 0, seen, deadline - Date.now()) === 'timed-out') {
      throw new Error(`VectorizationPool: only ${Atomics.load(barrier, 0)} of ${task.threads} threads reached the flush of adapt.`);
    }
  }
  const counts = jobs.get(task.job) ?? new TokenCounts();
  jobs.delete(task.job);
  return { documents: counts.documents, parts: counts.partition(task.partitions) };
}

export default function run(task: VectorizeTask): number | FlushResult | PackedCounts | ArrayBufferView | null {
  if (task.kind === 'count') {
    const vectorizer = new TextVectorizer(task.options);
    let counts = jobs.get(task.job);
    if (!counts) jobs.set(task.job, (counts = new TokenCounts(vectorizer.outputMode === 'tf_idf')));
    const before = counts.documents;
    vectorizer.countTokens(rowsOf(task.rows), counts);
    return counts.documents - before;
  }
  if (task.kind === 'flush') return flush(task);
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
