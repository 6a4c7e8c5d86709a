import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import {
  mergeRankedPartitions,
  TEXT_VECTORIZE_WORKER,
  type CountTask,
  type EncodeTask,
  type FlushResult,
  type FlushTask,
  type KeptEncodeTask,
  type PackedCounts,
  type RankTask,
  type TaskRows,
  type TextRow,
  type TextVectorization,
  type VectorizedRows,
} from '@weft/layers';
import { SharedTextArray } from './shared-text-array';

/** Worker threads load the TypeScript worker through tsx, as the project's other workers do. */
const TS_EXEC_ARGV = ['--require', require.resolve('tsx/cjs')];

export interface VectorizationPoolOptions {
  /** Worker threads (default: the machine's parallelism). */
  threads?: number;
  /**
   * Rows per task (default 1,000): small enough that the threads finish a pass together (the last
   * chunks decide when it ends), large enough that sending a task costs nothing beside it.
   */
  chunkSize?: number;
}

type Rows = Iterable<TextRow> | AsyncIterable<TextRow>;

/** A task's share of the rows: what it sends (rows, or a range of shared texts), how many, and the first one's index. */
interface Chunk {
  rows: TaskRows;
  count: number;
  firstRow: number;
}

/** Chunks of `size` rows from any (async) iterable, read as needed. */
async function* chunks(rows: Rows, size: number): AsyncGenerator<Chunk> {
  let chunk: TextRow[] = [];
  let firstRow = 0;
  for await (const row of rows) {
    chunk.push(row);
    if (chunk.length === size) {
      yield { rows: chunk, count: size, firstRow };
      firstRow += size;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield { rows: chunk, count: chunk.length, firstRow };
}

/** Chunks of an array of texts in shared memory, written just before their chunk goes out: tasks send ranges, not copies. */
function* sharedChunks(texts: SharedTextArray, length: number, size: number): Generator<Chunk> {
  for (let from = 0; from < length; from += size) {
    const to = Math.min(length, from + size);
    texts.writeTo(to);
    yield { rows: { shared: texts.shared, from, to }, count: to - from, firstRow: from };
  }
}

/** What decides a text's tokens (not its ids): kept tokens serve an encode with the same. */
function tokenizationOf(layer: TextVectorization): string {
  const { standardize, split, ngrams } = layer.vectorizer.getConfig();
  return JSON.stringify({ standardize, split, ngrams });
}

const isTextArray = (rows: Rows): rows is string[] => Array.isArray(rows) && rows.every((r) => typeof r === 'string');

/**
 * Adapts and applies a TextVectorization on worker threads (a piscina pool), for corpora where
 * that takes seconds. adapt is a map-reduce: each thread counts the chunks it gets into its own
 * counts, then hands them over once split by token hash into partitions; each partition is merged
 * and ranked on a thread; the ranked partitions merge into the vocabulary that adapt() on one
 * thread learns. encode vectorizes chunks on the threads and returns them in order (or writes
 * them into one shared buffer). An array of texts is put in shared memory once, and the threads
 * keep the tokens of the texts they counted (as indices into their counts), so that encodeAll of
 * the texts just adapted on looks each distinct token up once instead of tokenizing every text
 * again (they hold them until that encodeAll, the next adapt or close()). Other rows stream in: a
 * bounded number of chunks is in flight, so a corpus larger than memory encodes chunk by chunk;
 * the main thread only hands chunks over.
 */
export class VectorizationPool {
  readonly threads: number;
  readonly chunkSize: number;
  private readonly pool: Piscina;
  /** Arrays of texts already in shared memory: adapt then encodeAll of one array shares it once (do not change the array in between). */
  private readonly shared = new WeakMap<string[], SharedTextArray>();
  /** The latest adapt of shared texts, whose tokens the threads keep for an encodeAll of the same texts. */
  private kept: { job: string; texts: SharedTextArray; tokenization: string } | null = null;

  constructor(options: VectorizationPoolOptions = {}) {
    this.threads = options.threads ?? availableParallelism();
    this.chunkSize = options.chunkSize ?? 1000;
    for (const [name, value] of [['threads', this.threads], ['chunkSize', this.chunkSize]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`VectorizationPool: ${name} must be a positive integer. Received: ${value}`);
    }
    this.pool = new Piscina({ filename: TEXT_VECTORIZE_WORKER, execArgv: TS_EXEC_ARGV, minThreads: this.threads, maxThreads: this.threads, idleTimeout: 60_000 });
  }

  /** The rows in chunks: an array of texts as ranges of shared memory, anything else sent chunk by chunk. */
  private chunksOf(rows: Rows): AsyncIterable<Chunk> | Iterable<Chunk> {
    if (!isTextArray(rows)) return chunks(rows, this.chunkSize);
    let shared = this.shared.get(rows);
    if (!shared) {
      shared = new SharedTextArray(rows);
      this.shared.set(rows, shared);
    }
    return sharedChunks(shared, rows.length, this.chunkSize);
  }

  /**
   * Runs a task per chunk, a new one as soon as any finishes (at most 2 per thread in flight), for
   * passes whose results need no order (counting; encoding into one shared buffer): no thread
   * waits for a slower one's chunk.
   */
  private async unordered<R>(rows: Rows, task: (rows: TaskRows, firstRow: number) => Promise<R>, each: (result: R) => void): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    const limit = this.threads * 2;
    let failure: { error: unknown } | null = null;
    for await (const chunk of this.chunksOf(rows)) {
      const running: Promise<void> = task(chunk.rows, chunk.firstRow).then(each, (error: unknown) => {
        failure ??= { error };
      });
      inFlight.add(running);
      void running.then(() => inFlight.delete(running));
      if (inFlight.size >= limit) await Promise.race(inFlight);
      if (failure) break;
    }
    await Promise.all(inFlight);
    if (failure) throw (failure as { error: unknown }).error;
  }

  /** Runs a task per chunk with at most 2 per thread in flight; yields the results in chunk order. */
  private async *ordered<R>(rows: Rows, task: (rows: TaskRows, firstRow: number) => Promise<R>): AsyncGenerator<{ count: number; result: R }> {
    const inFlight: Promise<{ count: number; result: R }>[] = [];
    const limit = this.threads * 2;
    try {
      for await (const chunk of this.chunksOf(rows)) {
        const running = task(chunk.rows, chunk.firstRow).then((result) => ({ count: chunk.count, result }));
        running.catch(() => undefined); // awaited below, in order
        inFlight.push(running);
        if (inFlight.length >= limit) yield await (inFlight.shift() as Promise<{ count: number; result: R }>);
      }
      while (inFlight.length > 0) yield await (inFlight.shift() as Promise<{ count: number; result: R }>);
    } finally {
      await Promise.allSettled(inFlight);
    }
  }

  /** Learns the layer's vocabulary (and idf weights) from the rows on the threads: the same as layer.adapt(rows). */
  async adapt(layer: TextVectorization, rows: Rows): Promise<void> {
    const vectorizer = layer.vectorizer;
    const options = { ...vectorizer.getConfig(), vocabulary: null, idfWeights: null };
    const job = randomBytes(8).toString('hex');
    this.kept = null;
    // Map: each thread counts its chunks into its own counts for the job (keeping shared texts' tokens for encodeAll).
    const count = (chunk: TaskRows) => this.pool.run({ kind: 'count', job, options, rows: chunk } satisfies CountTask) as Promise<number>;
    const partitions = this.threads * 2;
    // Each thread hands its counts over once (and drops them), split by token hash into partitions.
    const flush = () => this.onEveryThread<FlushResult>((barrier) => ({ kind: 'flush', job, partitions, barrier, threads: this.threads }) satisfies FlushTask);
    let documents = 0;
    try {
      await this.unordered(rows, count, (n) => (documents += n));
    } catch (err) {
      await flush().catch(() => undefined); // free the threads' partial counts
      throw err;
    }
    const flushed = await flush();
    if (flushed.reduce((n, f) => n + f.documents, 0) !== documents) throw new Error('VectorizationPool: the threads counted a different number of documents than were sent.');
    const byPartition = Array.from({ length: partitions }, (_, p) => flushed.map((f) => f.parts[p]));
    const withDocumentCounts = vectorizer.outputMode === 'tf_idf';
    const maxLearned = vectorizer.maxLearnedTokens;
    const ranked = await Promise.all(
      byPartition.map(
        (parts) =>
          this.pool.run({ kind: 'rank', parts, withDocumentCounts, maxLearned, exclude: vectorizer.specialTokens } satisfies RankTask) as Promise<PackedCounts>,
      ),
    );
    const { tokens, documentCounts } = mergeRankedPartitions(ranked, maxLearned);
    vectorizer.setVocabularyFromRanked(tokens, documentCounts, documents);
    const texts = isTextArray(rows) ? this.shared.get(rows) : undefined;
    if (texts) this.kept = { job, texts, tokenization: tokenizationOf(layer) };
  }

  /** One task on every thread at once (each waits for the others at a barrier): for per-thread state of a job. */
  private onEveryThread<R>(task: (barrier: SharedArrayBuffer) => FlushTask | KeptEncodeTask): Promise<R[]> {
    const barrier = new SharedArrayBuffer(4);
    return Promise.all(Array.from({ length: this.threads }, () => this.pool.run(task(barrier)) as Promise<R>));
  }

  /** Shares the layer's settings and vocabulary with the threads, once per encode. */
  private share(layer: TextVectorization): { key: string; options: SharedArrayBuffer } {
    const json = Buffer.from(JSON.stringify(layer.vectorizer.getConfig()));
    const options = new SharedArrayBuffer(json.length);
    new Uint8Array(options).set(json);
    return { key: randomBytes(8).toString('hex'), options };
  }

  /** The rows vectorized by the layer (adapted first), chunk by chunk, in order. */
  async *encode(layer: TextVectorization, rows: Rows): AsyncGenerator<VectorizedRows> {
    const shared = this.share(layer);
    const run = (chunk: TaskRows) => this.pool.run({ kind: 'encode', ...shared, rows: chunk } satisfies EncodeTask) as Promise<Int32Array | Float32Array>;
    for await (const { count, result } of this.ordered(rows, run)) {
      yield { values: result, shape: [count, count === 0 ? 0 : result.length / count] };
    }
  }

  /**
   * All rows vectorized into one block. For an array with a fixed output width (int mode with
   * outputSequenceLength, or multi_hot/count/tf_idf) the threads write straight into one shared
   * buffer; otherwise the chunks are stacked (int rows padded with 0 to the widest chunk).
   */
  async encodeAll(layer: TextVectorization, rows: Rows): Promise<VectorizedRows> {
    const v = layer.vectorizer;
    const width = v.outputMode === 'int' ? v.outputSequenceLength : v.depthFor(v.learnedTokens().length);
    if (!Array.isArray(rows) || width === null) {
      const parts: VectorizedRows[] = [];
      for await (const part of this.encode(layer, rows)) parts.push(part);
      return concatRows(parts, v.outputMode === 'int');
    }
    const buffer = new SharedArrayBuffer(rows.length * width * 4);
    const shared = this.share(layer);
    const values = () => (v.outputMode === 'int' ? new Int32Array(buffer) : new Float32Array(buffer));
    if (await this.encodeKept(layer, rows, shared, buffer)) return { values: values(), shape: [rows.length, width] };
    const run = (chunk: TaskRows, firstRow: number) => this.pool.run({ kind: 'encode', ...shared, rows: chunk, output: { buffer, firstRow } } satisfies EncodeTask);
    await this.unordered(rows, run, () => undefined);
    return { values: values(), shape: [rows.length, width] };
  }

  /**
   * encodeAll of the texts the latest adapt counted, with the same tokenization: each thread
   * vectorizes the rows it kept (a lookup per distinct token, not a tokenization per text) into
   * the buffer. False, having written nothing the caller relies on, when the threads no longer
   * hold them all (another adapt since); the caller then encodes as usual.
   */
  private async encodeKept(layer: TextVectorization, rows: Rows, shared: { key: string; options: SharedArrayBuffer }, output: SharedArrayBuffer): Promise<boolean> {
    const kept = this.kept;
    if (!kept || !isTextArray(rows) || this.shared.get(rows) !== kept.texts || tokenizationOf(layer) !== kept.tokenization) return false;
    this.kept = null;
    const written = await this.onEveryThread<number>((barrier) => ({ kind: 'encode-kept', job: kept.job, ...shared, output, barrier, threads: this.threads }) satisfies KeptEncodeTask);
    return written.reduce((a, b) => a + b, 0) === rows.length;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

/** Stacks row blocks; int blocks narrower than the widest are padded with 0 at the end of each row. */
export function concatRows(parts: VectorizedRows[], int: boolean): VectorizedRows {
  const rows = parts.reduce((n, p) => n + p.shape[0], 0);
  const width = parts.reduce((w, p) => Math.max(w, p.shape[1]), 0);
  const values = int ? new Int32Array(rows * width) : new Float32Array(rows * width);
  let row = 0;
  for (const p of parts) {
    if (p.shape[1] === width) values.set(p.values, row * width);
    else for (let i = 0; i < p.shape[0]; i++) values.set(p.values.subarray(i * p.shape[1], (i + 1) * p.shape[1]), (row + i) * width);
    row += p.shape[0];
  }
  return { values, shape: [rows, width] };
}
