// DataParallel with sparse embedding gradients: the weights of one in-process fit, and exactly those of the dense exchange.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, readTrace, tf } from '@weft/tensor';
import { Sequential, layers, type FitArgs, type Model } from '@weft/layers';
import { DataParallel } from '../index';
import { expectSameWeights, twin } from '../testing/oracle-helpers';

beforeAll(async () => {
  await initBackend('wasm');
});

/** An embedding table of 600 rows, of which a batch of 12 sequences of 6 touches a few dozen (ids below 60): its rows send far fewer bytes than the table. */
function bagOfWords(optimizer: string): Sequential {
  const model = new Sequential();
  model.add(layers.embedding({ inputDim: 600, outputDim: 4, inputLength: 6 }));
  model.add(layers.globalAveragePooling1d());
  model.add(layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer, loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

function words(n: number, seed: number): [tf.Tensor, tf.Tensor] {
  const x = tf.randomUniform([n, 6], 1, 60, 'int32', seed);
  return [x, tf.cast(tf.greater(tf.mean(tf.cast(x, 'float32'), 1, true), 30), 'float32')];
}

const bits = (model: Model) => model.getWeights().map((w) => Array.from(new Uint32Array((w.dataSync() as Float32Array).slice().buffer)));

async function fitThree(make: () => Model, args: FitArgs, options: ConstructorParameters<typeof DataParallel>[0]) {
  const serial = make();
  const [sparse, dense] = [twin(serial, make), twin(serial, make)];
  const [x, y] = words(38, 5);
  await serial.fit(x, y, { verbose: 0, ...args });
  await sparse.fit(x, y, { verbose: 0, ...args, distribution: new DataParallel({ ...options, sparseGradients: true }) });
  await dense.fit(x, y, { verbose: 0, ...args, distribution: new DataParallel({ ...options, sparseGradients: false }) });
  return { serial, sparse, dense };
}

describe('DataParallel with sparse embedding gradients', () => {
  it('SGD (row-only updates), 3 threads, a worker without rows in the last batch: the in-process weights, and the dense exchange bit for bit', async () => {
    const { serial, sparse, dense } = await fitThree(() => bagOfWords('sgd'), { batchSize: 12, epochs: 2, shuffle: false }, { workers: 3 });
    expectSameWeights(sparse, serial);
    expect(bits(sparse)).toEqual(bits(dense));
  });

  it('Adam, 2 threads, shuffled, an uneven last batch (weighted sum): the in-process weights, and the dense exchange bit for bit', async () => {
    const { serial, sparse, dense } = await fitThree(() => bagOfWords('adam'), { batchSize: 12, epochs: 2, seed: 4 }, { workers: 2 });
    expectSameWeights(sparse, serial);
    expect(bits(sparse)).toEqual(bits(dense));
  });

  it('traces each item\'s all-reduce: with the sparse exchange, the table\'s phases inside its own item; without it, the table bucketed with the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-rows-trace-'));
    try {
      const [x, y] = words(24, 3);
      const items = async (sparseGradients: boolean) => {
        const path = join(dir, `${sparseGradients}.json`);
        await bagOfWords('adam').fit(x, y, { batchSize: 12, epochs: 1, verbose: 0, profile: path, distribution: new DataParallel({ workers: 2, sparseGradients }) });
        const spans = (await readTrace(path)).traceEvents.filter((e) => e.ph === 'X' && e.pid === 1);
        const reduces = spans.filter((e) => e.name === 'all-reduce' && e.args?.item !== undefined);
        const inside = (outer: (typeof spans)[number]) =>
          spans.filter((e) => e.tid === outer.tid && e.name.startsWith('row ') && e.ts >= outer.ts && e.ts + e.dur! <= outer.ts + outer.dur!).map((e) => e.name);
        return reduces.map((e) => `${e.args?.item}:${e.args?.kind} ${inside(e).join(', ')}`.trim());
      };
      const phases = 'row counts, row copy, row gather, row sum';
      expect(await items(true)).toEqual([`0:bucket`, `1:rows ${phases}`, `0:bucket`, `1:rows ${phases}`]);
      expect(await items(false)).toEqual(['0:bucket', '0:bucket']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("'balanced' with a table as the last weight: the split's sideband rides a bucket of its own before the table's rows, and the weights are the in-process ones", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-rows-sideband-'));
    try {
      // A logistic regression on averaged word scores: the table is the model's only weight.
      const make = () => {
        const model = new Sequential({ layers: [layers.embedding({ inputDim: 600, outputDim: 1, inputLength: 6 }), layers.globalAveragePooling1d(), layers.activation({ activation: 'sigmoid' })] });
        model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
        return model;
      };
      const serial = make();
      const parallel = twin(serial, make);
      const [x, y] = words(48, 6);
      const args = { batchSize: 12, epochs: 2, shuffle: false, verbose: 0 as const };
      await serial.fit(x, y, args);
      const path = join(dir, 'balanced.json');
      await parallel.fit(x, y, { ...args, profile: path, distribution: new DataParallel({ workers: 2, rowSplit: 'balanced', sparseGradients: true }) });
      expectSameWeights(parallel, serial);
      const reduces = (await readTrace(path)).traceEvents.filter((e) => e.ph === 'X' && e.pid === 1 && e.name === 'all-reduce' && e.args?.item !== undefined);
      expect(reduces.map((e) => `${e.args?.item}:${e.args?.kind}`)).toEqual(new Array(8).fill(['0:bucket', '1:rows']).flat());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a sparseGradients that is not a boolean', () => {
    expect(() => new DataParallel({ workers: 2, sparseGradients: 'yes' as unknown as boolean })).toThrow(/sparseGradients must be true or false. Received: sparseGradients=yes/);
  });
});
