// The caller's callbacks run on the coordinator on rank 0's logs, as in an in-process fit:
// batch logs, EarlyStopping (stopping every worker, restoring the best weights) and ModelCheckpoint.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@weft/tensor';
import { Callback, EarlyStopping, ModelCheckpoint, ReduceLROnPlateau, loadModel, type Logs, type Model } from '@weft/layers';
import { DataParallel } from '../index';
import { classification, expectSameHistory, expectSameWeights, mlp, twin } from '../testing/oracle-helpers';

let dir: string;
beforeAll(async () => {
  await initBackend('wasm');
  dir = mkdtempSync(join(tmpdir(), 'weft-dp-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Records every batch's logs (so fit streams them). */
class BatchRecorder extends Callback {
  readonly batches: Logs[] = [];
  override onBatchEnd(_batch: number, logs: Logs = {}): void {
    this.batches.push({ ...logs });
  }
}

/** Reads the caller's model at every epoch's end: the first kernel's values. */
class WeightReader extends Callback {
  readonly seen: number[][] = [];
  override onEpochEnd(): void {
    this.seen.push(Array.from((this.requireModel() as Model).getWeights()[0].dataSync()));
  }
}

/** The same, saying it reads no weights: it sees what the caller's model held before fit. */
class BlindWeightReader extends WeightReader {
  override get readsWeights(): boolean {
    return false;
  }
}

describe('DataParallel runs the callbacks on the coordinator', () => {
  it("a callback that reads weights sees each epoch's; without one the workers' state comes back once, at the end", async () => {
    const [x, y] = classification(40, 29);
    const serial = mlp('adam');
    const parallel = twin(serial, () => mlp('adam'));
    const blind = twin(serial, () => mlp('adam'));
    const initial = Array.from(serial.getWeights()[0].dataSync());
    const args = { batchSize: 16, epochs: 3, shuffle: false, verbose: 0 as const };
    const [expected, actual, notRead] = [new WeightReader(), new WeightReader(), new BlindWeightReader()];
    await serial.fit(x, y, { ...args, callbacks: [expected] });
    await parallel.fit(x, y, { ...args, callbacks: [actual], distribution: new DataParallel({ workers: 2 }) });
    await blind.fit(x, y, { ...args, callbacks: [notRead], distribution: new DataParallel({ workers: 2 }) });
    expect(actual.seen).toHaveLength(3);
    actual.seen.forEach((values, epoch) => values.forEach((v, i) => expect(v).toBeCloseTo(expected.seen[epoch][i], 5)));
    expect(notRead.seen).toEqual([initial, initial, initial]);
    expectSameWeights(blind, serial);
  });

  it('EarlyStopping stops every worker at the in-process epoch, restoring the same best weights; ModelCheckpoint saves loadable models', async () => {
    const [x, y] = classification(48, 21);
    const validation = classification(16, 22);
    const serial = mlp('adam');
    const parallel = twin(serial, () => mlp('adam'));
    const callbacks = (name: string) => [
      new EarlyStopping({ monitor: 'val_loss', patience: 1, minDelta: 10, restoreBestWeights: true }),
      new ModelCheckpoint({ filepath: join(dir, name, 'epoch-{epoch}') }),
    ];
    const args = { batchSize: 16, epochs: 5, seed: 4, verbose: 0 as const, validationData: validation };
    const serialCallbacks = callbacks('serial');
    const parallelCallbacks = callbacks('parallel');
    const expected = await serial.fit(x, y, { ...args, callbacks: serialCallbacks });
    const actual = await parallel.fit(x, y, { ...args, callbacks: parallelCallbacks, distribution: new DataParallel({ workers: 2 }) });

    expect(actual.history.loss).toHaveLength(2);
    expectSameHistory(actual, expected);
    expectSameWeights(parallel, serial);
    expect(parallel.stopTraining).toBe(true);
    const saved = (parallelCallbacks[1] as ModelCheckpoint).saved;
    expect(saved).toEqual([join(dir, 'parallel', 'epoch-1'), join(dir, 'parallel', 'epoch-2')]);
    for (const [i, file] of saved.entries()) {
      const loaded: Model = await loadModel(file);
      const reference: Model = await loadModel((serialCallbacks[1] as ModelCheckpoint).saved[i]);
      expectSameWeights(loaded, reference);
    }
  });

  it('batch logs reach onBatchEnd with the global running loss and accuracy of the in-process fit', async () => {
    const [x, y] = classification(40, 23);
    const serial = mlp('sgd');
    const parallel = twin(serial, () => mlp('sgd'));
    const expected = new BatchRecorder();
    const actual = new BatchRecorder();
    await serial.fit(x, y, { batchSize: 16, epochs: 2, shuffle: false, verbose: 0, callbacks: [expected] });
    await parallel.fit(x, y, { batchSize: 16, epochs: 2, shuffle: false, verbose: 0, callbacks: [actual], distribution: new DataParallel({ workers: 2 }) });
    expect(actual.batches).toHaveLength(6);
    actual.batches.forEach((logs, i) => {
      expect(logs.loss).toBeCloseTo(expected.batches[i].loss, 5);
      expect(logs.accuracy).toBeCloseTo(expected.batches[i].accuracy, 6);
    });
  });

  it('ReduceLROnPlateau lowers the workers\' learning rate as it lowers the in-process one', async () => {
    const [x, y] = classification(32, 24);
    const serial = mlp('adam');
    const parallel = twin(serial, () => mlp('adam'));
    const args = { batchSize: 16, epochs: 3, seed: 5, verbose: 0 as const };
    const lowerEveryEpoch = () => new ReduceLROnPlateau({ monitor: 'loss', factor: 0.1, patience: 0, minDelta: 10 });
    const expected = await serial.fit(x, y, { ...args, callbacks: [lowerEveryEpoch()] });
    const actual = await parallel.fit(x, y, { ...args, callbacks: [lowerEveryEpoch()], distribution: new DataParallel({ workers: 2 }) });
    expect(actual.history.learning_rate).toEqual(expected.history.learning_rate);
    expect(parallel.compiled!.optimizer.learningRate).toBeCloseTo(0.001 * 0.1 ** 2, 12); // lowered after epochs 2 and 3
    expectSameHistory(actual, expected);
    expectSameWeights(parallel, serial);
  });
});
