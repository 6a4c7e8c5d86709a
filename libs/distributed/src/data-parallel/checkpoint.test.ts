// DataParallel's training checkpoints: atomic on disk (a writer killed mid-write leaves the previous
// one whole), refused with a clear error when corrupt or another model's or another data order's
// (the file and the model untouched), and resumed by a later fit of a new model instance (weights
// matched by position) to the weights of one uninterrupted fit.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, tf } from '@weft/tensor';
import { Callback, Sequential, describeModel, layers, type Model } from '@weft/layers';
import { DataParallel } from '../index';
import { classification, expectSameWeights, mlp, twin } from '../testing/oracle-helpers';
import { CHECKPOINT_FILE, CheckpointStore } from './checkpoint-store';
import { fingerprintOf, type TrainingCheckpoint } from './training-checkpoint';

beforeAll(async () => {
  await initBackend('wasm');
});

const tempDir = () => mkdtempSync(join(tmpdir(), 'weft-ckpt-'));

function small(units: number): Sequential {
  const model = new Sequential({ layers: [layers.dense({ units, inputShape: [3] }), layers.dense({ units: 1 })] });
  model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
  return model;
}

/** A checkpoint of `model` as a fit of 16 rows at batch 8 from seed 5 would write it. */
function checkpointOf(model: Model, batchSize = 8): TrainingCheckpoint {
  const spec = describeModel(model);
  return {
    fingerprint: fingerprintOf(spec),
    order: { seed: 5, samples: 16, batchSize, stepsPerEpoch: 2, shuffle: true },
    epoch: 1,
    step: 1,
    globalStep: 3,
    learningRate: 0.001,
    metricState: [1.5, 8],
    state: { weights: spec.weights, optimizerWeights: spec.optimizerWeights, optimizerIterations: spec.optimizerIterations, dropoutDraws: [3, 1] },
  };
}

async function saved(dir: string, checkpoint: TrainingCheckpoint): Promise<string> {
  const store = new CheckpointStore(dir);
  store.save(checkpoint);
  await store.flush();
  return join(dir, CHECKPOINT_FILE);
}

/** Fits `model` on 16 rows at batch 8 from seed 5 with a checkpointDir; rejects before any worker starts when the checkpoint is refused. */
function fitWith(model: Model, checkpointDir: string, batchSize = 8) {
  return model.fit(tf.ones([16, 3]), tf.zeros([16, 1]), { batchSize, epochs: 2, seed: 5, verbose: 0, distribution: new DataParallel({ workers: 2, checkpointDir, timeoutMs: 5000 }) });
}

describe('training checkpoints on disk', () => {
  it('round-trips every field, values bit for bit', async () => {
    const checkpoint = checkpointOf(small(4));
    const dir = tempDir();
    await saved(dir, checkpoint);
    const loaded = await new CheckpointStore(dir).load();
    expect(loaded).toEqual(checkpoint);
    expect(loaded!.state.weights[0].values).toBeInstanceOf(Float32Array);
  });

  it('a writer killed in the middle of a write leaves the previous checkpoint whole; the next fit clears its temporary file', async () => {
    const dir = tempDir();
    const writer = spawn(process.execPath, ['--require', 'tsx/cjs', join(__dirname, '..', 'testing', 'checkpoint-writer.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    writer.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const exited = new Promise((resolve) => writer.on('exit', resolve));
    // Once version 3 is being written (its temporary file exists), kill -9.
    while (!out.includes('writing 3')) await new Promise((resolve) => setTimeout(resolve, 5));
    const temporary = () => readdirSync(dir).filter((name) => name.startsWith(`${CHECKPOINT_FILE}.tmp-`));
    while (temporary().length === 0 && !out.includes('saved 3')) await new Promise((resolve) => setImmediate(resolve));
    writer.kill('SIGKILL');
    await exited;
    expect(out).not.toContain('saved 3');
    expect(temporary()).toHaveLength(1); // killed mid-write
    const store = new CheckpointStore(dir);
    const survivor = await store.load();
    expect(survivor!.metricState).toEqual([2]);
    expect(survivor!.state.weights[0].values.every((v) => v === 2)).toBe(true);
    await store.removeStaleWrites();
    expect(readdirSync(dir)).toEqual([CHECKPOINT_FILE]);
  }, 60_000);
});

describe('fit refuses a checkpoint it cannot resume, leaving the file and the model as they were', () => {
  async function expectRefused(model: Model, file: string, run: () => Promise<unknown>, message: RegExp): Promise<void> {
    const bytes = readFileSync(file);
    const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
    await expect(run()).rejects.toThrow(message);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(weights);
  }

  it('a corrupt checkpoint (one byte flipped, or cut short)', async () => {
    const model = small(4);
    const dir = tempDir();
    const file = await saved(dir, checkpointOf(model));
    const bytes = readFileSync(file);
    bytes[bytes.length - 5] ^= 0x40;
    writeFileSync(file, bytes);
    const corrupt = new RegExp(`DataParallel: the checkpoint ${file} is corrupt \\(its SHA-256 does not match its contents: truncated or damaged\\). It was left as it is: move or delete it to start afresh`);
    await expectRefused(model, file, () => fitWith(model, dir), corrupt);
    writeFileSync(file, bytes.subarray(0, 100));
    await expectRefused(model, file, () => fitWith(model, dir), corrupt);
    writeFileSync(file, 'not a checkpoint');
    await expectRefused(model, file, () => fitWith(model, dir), /is not a weft training checkpoint/);
  });

  it("another model's checkpoint", async () => {
    const dir = tempDir();
    const file = await saved(dir, checkpointOf(small(4)));
    const other = small(5);
    await expectRefused(other, file, () => fitWith(other, dir), new RegExp(`the checkpoint ${file} was written for another model: its weight 0 is \\[3, 4\\] float32, this model's is \\[3, 5\\] float32\\. It was left as it is`));
  });

  it("another data order's checkpoint (a different batch size)", async () => {
    const model = small(4);
    const dir = tempDir();
    const file = await saved(dir, checkpointOf(model));
    await expectRefused(model, file, () => fitWith(model, dir, 4), /is from a fit with batchSize 8, this fit has batchSize 4: a checkpoint resumes the same data order only/);
  });

  it('a checkpointDir that cannot hold checkpoints, before any worker starts', async () => {
    const notADir = join(tempDir(), 'file');
    writeFileSync(notADir, '');
    const model = small(4);
    await expect(fitWith(model, join(notADir, 'checkpoints'))).rejects.toThrow(new RegExp(`DataParallel: checkpointDir ${notADir}/checkpoints cannot hold checkpoints \\(ENOTDIR.*\\): pass a writable directory`));
  });

  it('bad options name the fix', () => {
    expect(() => new DataParallel({ maxRestarts: -1 })).toThrow('DataParallel: maxRestarts must be a non-negative integer (restarts allowed over a fit). Received: maxRestarts=-1');
    expect(() => new DataParallel({ checkpointEverySteps: 0 })).toThrow(/checkpointEverySteps must be a positive integer/);
    expect(() => new DataParallel({ checkpointDir: '' })).toThrow(/checkpointDir must be a directory path/);
  });
});

it('a fit stopped mid-run is resumed by a later fit of a new model instance (other layer names) to the weights of one uninterrupted fit', async () => {
  class StopAtSecondEpoch extends Callback {
    override onEpochEnd(epoch: number): void {
      if (epoch === 1) throw new Error('stopped by the test');
    }
  }
  const data = classification(48, 31);
  const args = { batchSize: 8, epochs: 3, seed: 4, verbose: 0 as const };
  const serial = mlp('adam');
  const first = twin(serial, () => mlp('adam'));
  const second = twin(serial, () => mlp('adam'));
  expect(second.weights[0].name).not.toBe(first.weights[0].name);
  const expected = await serial.fit(data[0], data[1], args);
  const checkpointDir = tempDir();
  const distribution = () => new DataParallel({ workers: 2, checkpointDir, checkpointEverySteps: 4, timeoutMs: 10_000 });
  await expect(first.fit(data[0], data[1], { ...args, callbacks: [new StopAtSecondEpoch()], distribution: distribution() })).rejects.toThrow('stopped by the test');
  // The last checkpoint: the one after step 4 of epoch 2 (the epoch's end was never saved: its callbacks threw).
  const left = await new CheckpointStore(checkpointDir).load();
  expect([left!.epoch, left!.step, left!.globalStep]).toEqual([1, 4, 10]);
  const history = await second.fit(data[0], data[1], { ...args, distribution: distribution() });
  expectSameWeights(second, serial);
  // Epoch 2's logs cover all its steps: the first fit's 4 (in the checkpoint's metric state) and the second's 2.
  expect(history.epoch).toEqual([1, 2]);
  for (const key of ['loss', 'accuracy']) {
    history.history[key].forEach((v, i) => expect(Math.abs(v - expected.history[key][i + 1])).toBeLessThanOrEqual(1e-5));
  }
  expect(existsSync(join(checkpointDir, CHECKPOINT_FILE))).toBe(false);
}, 120_000);
