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

/**
 * Count a chunk's tokens into this thread's counts for the job (adapt's map step, with a
 * combiner). For rows of shared texts the thread also keeps the chunk's tokens as indices into
 * its counts, so that encoding the same texts next (KeptEncodeTask) looks up each distinct token
 * once instead of tokenizing every text again.
 */
export interface CountTask {
  kind: 'count';
  job: string;
  options: TextVectorizerOptions;
  rows: TaskRows;
}

/**
 * A task the pool sends to every thread at once: each waits at `barrier` until all have started,
 * so no thread runs two of them and each thread's state for the job is handled exactly once.
 */
export interface EveryThreadTask {
  job: string;
  barrier: SharedArrayBuffer;
  threads: number;
}

/** Hand over this thread's counts for the job, split by token hash into `partitions` packed parts (keeping its kept chunks). */
export interface FlushTask extends EveryThreadTask {
  kind: 'flush';
  partitions: number;
}

/**
 * Vectorize the rows this thread counted for the job (and kept) with the vocabulary in `options`
 * (as EncodeTask's), writing them into `output` at their rows; returns how many rows it wrote.
 * The kept chunks are dropped.
 */
export interface KeptEncodeTask extends EveryThreadTask {
  kind: 'encode-kept';
  key: string;
  options: SharedArrayBuffer;
  output: SharedArrayBuffer;
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

export type VectorizeTask = CountTask | FlushTask | RankTask | EncodeTask | KeptEncodeTask;
export interface FlushResult {
  documents: number;
  parts: PackedCounts[];
}

/** A chunk's tokens as indices into its thread's counts for the job: row r is ids[ends[r]..ends[r + 1]]. */
interface KeptChunk {
  firstRow: number;
  ends: Int32Array;
  ids: Int32Array;
}

/** Each adapt job's counts (and kept chunks) on this thread, until flushed. */
const jobs = new Map<string, { counts: TokenCounts; kept: KeptChunk[] }>();
/** The latest job's kept chunks and the tokens their indices refer to, after its flush, until encoded or the next job. */
const retained = new Map<string, { tokens: string[]; kept: KeptChunk[] }>();
const BARRIER_MS = 60_000;

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

/** Waits until every thread has started its share of an EveryThreadTask. */
function waitForEveryThread(task: EveryThreadTask & { kind: string }): void {
  const barrier = new Int32Array(task.barrier);
  Atomics.add(barrier, 0, 1);
  Atomics.notify(barrier, 0);
  const deadline = Date.now() + BARRIER_MS;
  for (let seen = Atomics.load(barrier, 0); seen < task.threads; seen = Atomics.load(barrier, 0)) {
    if (Date.now() > deadline || Atomics.wait(barrier, 0, seen, deadline - Date.now()) === 'timed-out') {
      throw new Error(`VectorizationPool: only ${Atomics.load(barrier, 0)} of ${task.threads} threads reached the ${task.kind} step.`);
    }
  }
}

function count(task: CountTask): number {
  const vectorizer = new TextVectorizer(task.options);
  let job = jobs.get(task.job);
  if (!job) {
    retained.clear(); // a new job: an earlier one's kept chunks will not be encoded
    jobs.set(task.job, (job = { counts: new TokenCounts(vectorizer.outputMode === 'tf_idf'), kept: [] }));
  }
  const { counts } = job;
  const before = counts.documents;
  const rows = rowsOf(task.rows);
  if (Array.isArray(task.rows)) {
    vectorizer.countTokens(rows, counts);
    return counts.documents - before;
  }
  const ends = new Int32Array(rows.length + 1);
  let ids = new Int32Array(rows.length * 64);
  rows.forEach((row, r) => {
    const tokens = vectorizer.tokenize(row);
    const at = ends[r];
    if (at + tokens.length > ids.length) {
      const grown = new Int32Array(Math.max(ids.length * 2, at + tokens.length));
      grown.set(ids.subarray(0, at));
      ids = grown;
    }
    counts.add(tokens, ids, at);
    ends[r + 1] = at + tokens.length;
  });
  job.kept.push({ firstRow: task.rows.from, ends, ids: ids.slice(0, ends[rows.length]) });
  return counts.documents - before;
}

function flush(task: FlushTask): FlushResult {
  waitForEveryThread(task);
  const job = jobs.get(task.job) ?? { counts: new TokenCounts(), kept: [] };
  jobs.delete(task.job);
  if (job.kept.length > 0) retained.set(task.job, { tokens: job.counts.tokens, kept: job.kept });
  return { documents: job.counts.documents, parts: job.counts.partition(task.partitions) };
}

function encodeKept(task: KeptEncodeTask): number {
  waitForEveryThread(task);
  const state = retained.get(task.job);
  retained.delete(task.job);
  if (!state) return 0;
  const vectorizer = vectorizerFor(task.key, task.options);
  vectorizer.learnedTokens();
  const idOf = Int32Array.from(state.tokens, (t) => vectorizer.idOf(t));
  const out = vectorizer.outputMode === 'int' ? new Int32Array(task.output) : new Float32Array(task.output);
  let written = 0;
  for (const { firstRow, ends, ids } of state.kept) {
    for (let i = 0; i < ids.length; i++) ids[i] = idOf[ids[i]]; // in place: the chunk is dropped after
    const rows = Array.from({ length: ends.length - 1 }, (_, r) => ids.subarray(ends[r], ends[r + 1]));
    const { values, shape } = vectorizer.packIds(rows);
    out.set(values, firstRow * shape[1]);
    written += rows.length;
  }
  return written;
}

export default function run(task: VectorizeTask): number | FlushResult | PackedCounts | ArrayBufferView | null {
  if (task.kind === 'count') return count(task);
  if (task.kind === 'flush') return flush(task);
  if (task.kind === 'encode-kept') return encodeKept(task);
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
