/**
 * Adapting and encoding IMDB's 50,000 reviews with TextVectorization: on this thread (the
 * baseline: layer.adapt, then layer.vectorize), and in a VectorizationPool (piscina) of 1 and of 2
 * worker threads (pool.adapt, then pool.encodeAll), in one run. Each run adapts a fresh layer
 * (maxTokens 20,000, Keras's standardize and split) and encodes every review to 400 ids; the pool
 * gets a fresh copy of the array each time, so that putting the texts in shared memory is timed
 * too; pool start-up is timed apart. On a busy host, --repeat N interleaves N rounds and keeps
 * each run's fastest; the load average is printed beside every row.
 *
 *   npx tsx tools/src/bench/text-vectorization.ts [--data DIR] [--threads 1,2] [--repeat 3] [--ngrams 1] [--samples N]
 */
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { csvDataset, VectorizationPool } from '@weft/data';
import { TextVectorization, type VectorizedRows } from '@weft/layers';
import { printTable } from './timing';

const { values: flags } = parseArgs({
  options: {
    data: { type: 'string', default: process.env.WEFT_DATASETS ?? resolve(__dirname, '..', '..', '..', '..', 'shared', 'datasets') },
    threads: { type: 'string', default: '1,2' },
    repeat: { type: 'string', default: '3' },
    ngrams: { type: 'string', default: '1' },
    samples: { type: 'string' },
  },
});

const layerArgs = { maxTokens: 20000, outputSequenceLength: 400, ngrams: Number(flags.ngrams) };

async function readReviews(dir: string): Promise<string[]> {
  const texts: string[] = [];
  for (const file of ['train.csv.gz', 'test.csv.gz']) {
    for await (const { values } of csvDataset(resolve(dir, 'imdb', file))) texts.push(values.text.replace(/<br\s*\/?>/gi, ' '));
  }
  return texts;
}

interface Run {
  name: string;
  threads: number;
  pool: VectorizationPool | null;
  startupSeconds: number;
  rounds: number[];
  /** CPU seconds of the whole process (every thread) per round: what the run got from a shared host. */
  cpu: number[];
  loads: string[];
}

/** Adapts a fresh layer and encodes every text; returns the seconds and the result (for the equality check). */
async function adaptAndEncode(texts: string[], pool: VectorizationPool | null): Promise<{ seconds: number; layer: TextVectorization; out: VectorizedRows }> {
  const layer = new TextVectorization(layerArgs);
  const start = performance.now();
  let out: VectorizedRows;
  if (pool) {
    const fresh = texts.slice(); // not yet in the pool's shared memory
    await pool.adapt(layer, fresh);
    out = await pool.encodeAll(layer, fresh);
  } else {
    await layer.adapt(texts);
    out = layer.vectorize(texts);
  }
  return { seconds: (performance.now() - start) / 1000, layer, out };
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const all = await readReviews(flags.data as string);
  const texts = flags.samples ? all.slice(0, Number(flags.samples)) : all;
  const threads = (flags.threads as string).split(',').map(Number);
  const repeat = Number(flags.repeat);
  console.log(`${texts.length} IMDB reviews (${(texts.reduce((n, t) => n + t.length, 0) / 1e6).toFixed(1)} M characters); TextVectorization ${JSON.stringify(layerArgs)}; ${repeat} round(s)`);

  const runs: Run[] = [{ name: 'this thread (layer.adapt + vectorize)', threads: 1, pool: null, startupSeconds: 0, rounds: [], cpu: [], loads: [] }];
  for (const n of threads) {
    const start = performance.now();
    const pool = new VectorizationPool({ threads: n });
    await pool.adapt(new TextVectorization(), ['warm up every thread'.repeat(n)]); // threads started and loaded
    runs.push({ name: `VectorizationPool, ${n} thread(s)`, threads: n, pool, startupSeconds: (performance.now() - start) / 1000, rounds: [], cpu: [], loads: [] });
  }
  let reference: { vocabulary: string[]; ids: Int32Array | Float32Array } | null = null;
  for (let round = 0; round < repeat; round++) {
    for (const run of runs) {
      const cpuBefore = process.cpuUsage();
      const { seconds, layer, out } = await adaptAndEncode(texts, run.pool);
      const cpu = process.cpuUsage(cpuBefore);
      run.rounds.push(seconds);
      run.cpu.push((cpu.user + cpu.system) / 1e6);
      run.loads.push(load());
      console.error(`  round ${round + 1}: ${run.name}: ${seconds.toFixed(2)} s, ${run.cpu[round].toFixed(2)} CPU s (load ${load()})`);
      // Same vocabulary and ids as this thread's: the pool changes speed, not results.
      if (!reference) reference = { vocabulary: layer.getVocabulary(), ids: out.values };
      else if (layer.getVocabulary().join('\n') !== reference.vocabulary.join('\n') || Buffer.compare(Buffer.from(out.values.buffer), Buffer.from(reference.ids.buffer)) !== 0) {
        throw new Error(`${run.name} gave a different vocabulary or ids than this thread`);
      }
    }
  }
  for (const run of runs) await run.pool?.close();
  const baseline = Math.min(...runs[0].rounds);
  printTable(
    ['run', 'threads', 'best s', 'rounds s', 'CPU s (all threads)', 'reviews/s', 'vs this thread', 'pool start-up s', 'load average (1, 5, 15 min) after each round'],
    runs.map((r) => {
      const best = Math.min(...r.rounds);
      return [
        r.name,
        String(r.threads),
        best.toFixed(2),
        r.rounds.map((s) => s.toFixed(2)).join(', '),
        r.cpu.map((s) => s.toFixed(2)).join(', '),
        Math.round(texts.length / best).toString(),
        `${(baseline / best).toFixed(2)}x`,
        r.pool ? r.startupSeconds.toFixed(2) : '-',
        r.loads.join(' / '),
      ];
    }),
  );
  console.log(`cores: ${availableParallelism()}; results identical across runs (vocabulary and ids checked).`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
