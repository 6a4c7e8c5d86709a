import { isAbsolute } from 'node:path';
import { datasetContext, datasetFromModule, type BatchDataset, type DatasetBatch, type DatasetModuleRef } from '@weft/layers';
import { padBatch, type Features, type Padded, type PaddedBatchOptions } from './ops/padded-batch';
import { prefetchElements } from './ops/prefetch';
import { shardElements, type ShardRemainder } from './ops/shard';
import { shuffleElements, shuffleRandom } from './ops/shuffle';

/** The elements of one epoch; a seeded operation (shuffle) gives each epoch its own order. */
export type EpochSource<T> = (epoch: number) => AsyncIterable<T> | Iterable<T>;

async function* fromIterable<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

const asAsync = <T>(items: AsyncIterable<T> | Iterable<T>): AsyncIterable<T> =>
  Symbol.asyncIterator in items ? items : fromIterable(items);

const positiveInt = (value: number, what: string) => {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${what} must be a positive integer. Received: ${value}`);
  return value;
};

/**
 * A stream of elements that can be read again, epoch after epoch, like tf.data.Dataset: sources
 * re-read their files each epoch, so data larger than memory never loads whole (unless cache()d).
 * Iterating it (`for await`) reads the next epoch: 0, 1, 2, ...; `epoch(e)` reads epoch e.
 * Operations return new datasets and read nothing until iterated.
 */
export class Dataset<T> implements AsyncIterable<T> {
  private iterations = 0;

  /** `moduleRef`: where data-parallel ranks rebuild this dataset (set by fromModule only; derived datasets have none). */
  constructor(
    private readonly source: EpochSource<T>,
    readonly moduleRef?: DatasetModuleRef,
  ) {}

  /**
   * A dataset made by a function that a module exports, `(context, args) => Dataset`, where context
   * is { rank, worldSize, perReplicaBatchSize }: TensorFlow's distribute_datasets_from_function.
   * Here it is called once as rank 0 of 1; under DataParallel every rank imports the module and
   * calls it with its own rank, so each reads only its shard (nothing passes through the
   * coordinator). `module` must be absolute; `args` plain data (it is copied to every rank).
   */
  static fromModule(module: string, exportName: string, args?: unknown): Dataset<DatasetBatch> {
    if (typeof module !== 'string' || !isAbsolute(module)) {
      throw new Error(`Dataset.fromModule: the module path must be absolute (every rank imports it from its own directory). Received: '${module}'; use path.resolve('${module}') or join(__dirname, ...).`);
    }
    try {
      structuredClone(args);
    } catch (err) {
      throw new Error(`Dataset.fromModule: args must be plain data (copied to every rank): ${(err as Error).message}. Pass numbers, strings, arrays and objects of them; build everything else inside the function.`);
    }
    const ref: DatasetModuleRef = { module, exportName, args };
    const load = (path: string) => {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return require(path) as Record<string, unknown>;
      } catch (err) {
        throw new Error(`Dataset.fromModule: cannot load ${path}: ${(err as Error).message}`);
      }
    };
    const exports = load(module);
    const exported = exports[exportName];
    if (typeof exported !== 'function') {
      const names = Object.keys(exports).filter((k) => typeof exports[k] === 'function');
      throw new Error(
        `Dataset.fromModule: ${module} has no function export '${exportName}' (found: ${typeof exported}; its function exports: ${names.join(', ') || 'none'}). ` +
          `Export it: export function ${exportName}({ rank, worldSize }, args) { return ...shard(worldSize, rank, { remainder: 'uneven' })...; }`,
      );
    }
    let made: Promise<BatchDataset> | null = null;
    const inner = () => (made ??= datasetFromModule(ref, datasetContext(0, 1), load));
    return new Dataset<DatasetBatch>(
      (epoch) =>
        (async function* () {
          yield* (await inner()).epoch(epoch);
        })(),
      ref,
    );
  }

  /** A dataset of the items (an array, any iterable, or a function giving each epoch's items). */
  static from<T>(items: Iterable<T> | AsyncIterable<T> | EpochSource<T>): Dataset<T> {
    if (typeof items === 'function') return new Dataset(items);
    return new Dataset(() => items);
  }

  /** The elements of epoch `epoch` (seeded shuffles depend on it; everything else ignores it). */
  epoch(epoch: number): AsyncIterable<T> {
    return asAsync(this.source(epoch));
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.epoch(this.iterations++)[Symbol.asyncIterator]();
  }

  /** Every element of one epoch (the next one, or `epoch`), in memory. */
  async toArray(epoch?: number): Promise<T[]> {
    const out: T[] = [];
    for await (const x of epoch === undefined ? this : this.epoch(epoch)) out.push(x);
    return out;
  }

  private derive<U>(op: (source: AsyncIterable<T>, epoch: number) => AsyncIterable<U>): Dataset<U> {
    return new Dataset((epoch) => op(this.epoch(epoch), epoch));
  }

  map<U>(fn: (element: T) => U | Promise<U>): Dataset<U> {
    return this.derive(async function* (source) {
      for await (const x of source) yield await fn(x);
    });
  }

  filter(predicate: (element: T) => boolean | Promise<boolean>): Dataset<T> {
    return this.derive(async function* (source) {
      for await (const x of source) if (await predicate(x)) yield x;
    });
  }

  /** The first `count` elements of each epoch (the source stops being read after them). */
  take(count: number): Dataset<T> {
    if (!Number.isInteger(count) || count < 0) throw new Error(`take: count must be a non-negative integer. Received: ${count}`);
    return this.derive(async function* (source) {
      if (count === 0) return;
      let n = 0;
      for await (const x of source) {
        yield x;
        if (++n >= count) return;
      }
    });
  }

  /** All but the first `count` elements of each epoch. */
  skip(count: number): Dataset<T> {
    if (!Number.isInteger(count) || count < 0) throw new Error(`skip: count must be a non-negative integer. Received: ${count}`);
    return this.derive(async function* (source) {
      let n = 0;
      for await (const x of source) if (n++ >= count) yield x;
    });
  }

  /**
   * Shuffles with a buffer of `bufferSize` elements (tf.data's algorithm: a buffer at least the
   * dataset's size gives a uniform permutation). With a seed, epoch e's order is a function of
   * (seed, e): the same in every process, different each epoch. Without one, random.
   */
  shuffle(bufferSize: number, seed?: number): Dataset<T> {
    positiveInt(bufferSize, 'shuffle: bufferSize');
    return this.derive((source, epoch) => shuffleElements(source, bufferSize, shuffleRandom(seed, epoch)));
  }

  /** Groups consecutive elements into arrays of `batchSize` (the last one smaller unless dropRemainder). */
  batch(batchSize: number, options: { dropRemainder?: boolean } = {}): Dataset<T[]> {
    positiveInt(batchSize, 'batch: batchSize');
    return this.derive(async function* (source) {
      let batch: T[] = [];
      for await (const x of source) {
        batch.push(x);
        if (batch.length === batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0 && !options.dropRemainder) yield batch;
    });
  }

  /**
   * Batches numeric elements (a number, a sequence, or a record of them) into DenseArrays, every
   * sequence padded to the batch's longest (or `length`): tf.data's padded_batch.
   */
  paddedBatch(this: Dataset<T & Features>, batchSize: number, options: PaddedBatchOptions = {}): Dataset<Padded<T>> {
    return this.batch(batchSize, options).map((elements) => padBatch(elements, options) as Padded<T>);
  }

  /** Reads up to `bufferSize` elements ahead of the consumer. */
  prefetch(bufferSize = 2): Dataset<T> {
    positiveInt(bufferSize, 'prefetch: bufferSize');
    return this.derive((source) => prefetchElements(source, bufferSize));
  }

  /**
   * Keeps the elements of the first complete epoch in memory and serves every later epoch from
   * there (tf.data's in-memory cache): put it before shuffle, or the first epoch's order is frozen.
   */
  cache(): Dataset<T> {
    let cached: T[] | null = null;
    return new Dataset((epoch) => {
      if (cached) return cached;
      const source = this.epoch(epoch);
      return (async function* () {
        const filling: T[] = [];
        for await (const x of source) {
          filling.push(x);
          yield x;
        }
        cached = filling;
      })();
    });
  }

  /**
   * Shard `index` of `numShards` (DistributedSampler semantics): element p of each epoch goes to
   * shard p % numShards. Give every shard the same seeded order upstream (`shuffle(n, seed)` with
   * the same seed), and the shards are disjoint and together hold the whole epoch. `remainder`
   * says what happens when the count does not divide (see ShardRemainder; default 'pad', as
   * torch's DistributedSampler, so that every shard has as many batches).
   */
  shard(numShards: number, index: number, options: { remainder?: ShardRemainder } = {}): Dataset<T> {
    positiveInt(numShards, 'shard: numShards');
    if (!Number.isInteger(index) || index < 0 || index >= numShards) {
      throw new Error(`shard: index must be an integer in [0, ${numShards}). Received: ${index}`);
    }
    const remainder = options.remainder ?? 'pad';
    if (!['pad', 'drop', 'uneven'].includes(remainder)) throw new Error(`shard: remainder must be 'pad', 'drop' or 'uneven'. Received: ${remainder}`);
    return this.derive((source) => shardElements(source, numShards, index, remainder));
  }
}
