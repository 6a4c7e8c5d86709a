import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import {
  mergeRankedPartitions,
  TEXT_VECTORIZE_WORKER,
  type CountResult,
  type CountTask,
  type EncodeTask,
  type PackedCounts,
  type RankTask,
  type TextRow,
  type TextVectorization,
  type VectorizedRows,
} from '@weft/layers';

/** Worker threads load the TypeScript worker through tsx, as the project's other workers do. */
const TS_EXEC_ARGV = ['--require', require.resolve('tsx/cjs')];

export interface VectorizationPoolOptions {
  /** Worker threads (default: the machine's parallelism). */
  threads?: number;
  /** Rows per task (default 5,000): enough work to pay for sending a chunk and its result, and few partial counts to merge. */
  chunkSize?: number;
}

type Rows = Iterable<TextRow> | AsyncIterable<TextRow>;

/** Chunks of `size` rows from any (async) iterable, read as needed, with the index of their first row. */
async function* chunks(rows: Rows, size: number): AsyncGenerator<{ rows: TextRow[]; firstRow: number }> {
  let chunk: TextRow[] = [];
  let firstRow = 0;
  for await (const row of rows) {
    chunk.push(row);
    if (chunk.length === size) {
      yield { rows: chunk, firstRow };
      firstRow += size;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield { rows: chunk, firstRow };
}

/**
 * Adapts and applies a TextVectorization on worker threads (a piscina pool), for corpora where
 * that takes seconds. adapt is a map-reduce: each chunk's tokens are counted on a thread and split
 * by token hash into partitions; each partition is merged and ranked on a thread; the ranked
 * partitions merge into the vocabulary that adapt() on one thread learns. encode vectorizes chunks
 * on the threads and returns them in order (or writes them into one shared buffer). Rows stream
 * in: a bounded number of chunks is in flight, so a corpus larger than memory encodes chunk by
 * chunk; the main thread only hands chunks over.
 */
export class VectorizationPool {
  readonly threads: number;
  readonly chunkSize: number;
  private readonly pool: Piscina;

  constructor(options: VectorizationPoolOptions = {}) {
    this.threads = options.threads ?? availableParallelism();
    this.chunkSize = options.chunkSize ?? 5000;
    for (const [name, value] of [['threads', this.threads], ['chunkSize', this.chunkSize]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`VectorizationPool: ${name} must be a positive integer. Received: ${value}`);
    }
    this.pool = new Piscina({ filename: TEXT_VECTORIZE_WORKER, execArgv: TS_EXEC_ARGV, minThreads: this.threads, maxThreads: this.threads, idleTimeout: 60_000 });
  }

  /** Runs a task per chunk with at most 2 per thread in flight; yields the results in chunk order. */
  private async *ordered<R>(rows: Rows, task: (rows: TextRow[], firstRow: number) => Promise<R>): AsyncGenerator<{ rows: TextRow[]; result: R }> {
    const inFlight: Promise<{ rows: TextRow[]; result: R }>[] = [];
    const limit = this.threads * 2;
    try {
      for await (const chunk of chunks(rows, this.chunkSize)) {
        const running = task(chunk.rows, chunk.firstRow).then((result) => ({ rows: chunk.rows, result }));
        running.catch(() => undefined); // awaited below, in order
        inFlight.push(running);
        if (inFlight.length >= limit) yield await (inFlight.shift() as Promise<{ rows: TextRow[]; result: R }>);
      }
      while (inFlight.length > 0) yield await (inFlight.shift() as Promise<{ rows: TextRow[]; result: R }>);
    } finally {
      await Promise.allSettled(inFlight);
    }
  }

  /** Learns the layer's vocabulary (and idf weights) from the rows on the threads: the same as layer.adapt(rows). */
  async adapt(layer: TextVectorization, rows: Rows): Promise<void> {
    const vectorizer = layer.vectorizer;
    const options = { ...vectorizer.getConfig(), vocabulary: null, idfWeights: null };
    const partitions = this.threads * 2;
    const byPartition: PackedCounts[][] = Array.from({ length: partitions }, () => []);
    let documents = 0;
    const count = (chunk: TextRow[]) => this.pool.run({ kind: 'count', options, rows: chunk, partitions } satisfies CountTask) as Promise<CountResult>;
    for await (const { result } of this.ordered(rows, count)) {
      documents += result.documents;
      result.parts.forEach((part, i) => byPartition[i].push(part));
    }
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
    const run = (chunk: TextRow[]) => this.pool.run({ kind: 'encode', ...shared, rows: chunk } satisfies EncodeTask) as Promise<Int32Array | Float32Array>;
    for await (const { rows: chunk, result } of this.ordered(rows, run)) {
      yield { values: result, shape: [chunk.length, chunk.length === 0 ? 0 : result.length / chunk.length] };
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
    const run = (chunk: TextRow[], firstRow: number) => this.pool.run({ kind: 'encode', ...shared, rows: chunk, output: { buffer, firstRow } } satisfies EncodeTask);
    for await (const _ of this.ordered(rows, run));
    return { values: v.outputMode === 'int' ? new Int32Array(buffer) : new Float32Array(buffer), shape: [rows.length, width] };
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
