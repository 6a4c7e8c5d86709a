// Splitting every global batch across ranks (rowSplit) on 2 threads: fixed parts, and a balanced fit
// where one rank's rows are slow, each against the in-process fit's weights. The decisions
// themselves are tested from given speeds in balanced-rows.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, readTrace, tf, tracePid } from '@weft/tensor';
import { Sequential, layers } from '@weft/layers';
import { DataParallel } from '../index';
import { expectSameWeights, twin } from '../testing/oracle-helpers';
import { SLOW_MARKER, SlowRows } from '../testing/slow-rows-layer';
import { ROWS_COUNTER } from './replica-rank';
import type { RowSplit } from './row-balancer';

const SLOW_ROWS_MODULE = require.resolve('../testing/slow-rows-layer');

let dir: string;
beforeAll(async () => {
  await initBackend('wasm');
  dir = mkdtempSync(join(tmpdir(), 'weft-row-split-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A model whose SlowRows layer slows the rows marked in their first column by 3 ms each; its output is the same as without it. */
function slowModel(): Sequential {
  const model = new Sequential({
    layers: [
      new SlowRows({ msPerRow: 3, inputShape: [5] }),
      layers.dense({ units: 12, activation: 'tanh' }),
      layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  return model;
}

/** `batches` batches of 8 rows: the last 4 rows of each are marked slow, so that with an even split rank 1 trains only slow rows. */
function markedData(batches: number): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const n = batches * 8;
    const rest = tf.randomNormal([n, 4], 0, 1, 'float32', 3);
    const slow = Array.from({ length: n }, (_, i) => (i % 8 >= 4 ? SLOW_MARKER : (i % 5) / 5));
    const x = tf.concat([tf.tensor2d(slow, [n, 1]), rest], 1);
    const labels = tf.argMax(tf.matMul(x, tf.randomNormal([5, 3], 0, 1, 'float32', 4)), -1);
    return [x, tf.oneHot(labels, 3)];
  });
}

/**
 * Fits a slow model in-process and on 2 threads with `rowSplit` from the same weights, over
 * `batches` marked batches of 8; checks the weights agree and returns the rows each rank trained
 * at every step.
 */
async function fitBoth(make: () => Sequential, batches: number, epochs: number, rowSplit: RowSplit, name: string): Promise<number[][]> {
  const serial = make();
  const parallel = twin(serial, make);
  const [x, y] = markedData(batches);
  const args = { batchSize: 8, epochs, shuffle: false, verbose: 0 as const };
  await serial.fit(x, y, args);
  const path = join(dir, `${name}.json`);
  await parallel.fit(x, y, { ...args, profile: path, distribution: new DataParallel({ workers: 2, rowSplit, modules: [SLOW_ROWS_MODULE] }) });
  tf.dispose([x, y]);
  expectSameWeights(parallel, serial);
  return rowsPerStep(path, 2);
}

/** Rows each rank trained at every step, from the trace's rows counter. */
async function rowsPerStep(path: string, ranks: number): Promise<number[][]> {
  const { traceEvents } = await readTrace(path);
  return Array.from({ length: ranks }, (_, rank) =>
    traceEvents.filter((e) => e.ph === 'C' && e.name === ROWS_COUNTER && e.pid === tracePid(rank)).map((e) => Number(e.args?.rows)),
  );
}

describe('DataParallel rowSplit', () => {
  it('fixed parts [3, 1]: rank 0 trains 6 rows of every batch of 8, to the in-process weights', async () => {
    expect(await fitBoth(() => slowModel(), 4, 2, [3, 1], 'fixed')).toEqual([new Array(8).fill(6), new Array(8).fill(2)]);
  }, 60_000);

  it("'balanced': from its fourth step on, the rank whose rows are slow gets fewer of them, and the weights are the in-process ones", async () => {
    const steps = 40;
    const [rank0, rank1] = await fitBoth(() => slowModel(), steps, 1, 'balanced', 'balanced');
    // Even until every rank has reported a step past its first (the JIT's), which its next step's
    // reduction carries: step 1's times arrive in step 2. Then rank 1, with 3 ms a row, trains
    // fewer than half: at every step on a quiet machine, at most of them under other load (a
    // stall of rank 0's can make it look slower for a step or two).
    expect(rank0.slice(0, 3)).toEqual([4, 4, 4]);
    const fewer = rank1.slice(3).filter((n) => n < 4).length;
    expect(fewer).toBeGreaterThanOrEqual(0.75 * (steps - 3));
    expect(rank0.map((n, i) => n + rank1[i])).toEqual(new Array(steps).fill(8));
  }, 60_000);

  it('refuses a split that does not give every worker a positive part', () => {
    expect(() => new DataParallel({ workers: 2, rowSplit: [1, 2, 3] })).toThrow(
      "DataParallel: rowSplit must be 'balanced', 'even' or one positive part per worker (2 here, e.g. [1,1]). Received: rowSplit=[1,2,3]",
    );
    expect(() => new DataParallel({ workers: 2, rowSplit: [1, 0] })).toThrow('Received: rowSplit=[1,0]');
    expect(() => new DataParallel({ workers: 2, rowSplit: 'fast' as 'even' })).toThrow('Received: rowSplit="fast"');
  });
});
