// The Distribution contract of @weft/layers, exercised end to end in one process: replicas rebuilt
// from describeModel(), a Trainer whose gradient hook all-reduces (mean) across replicas, summed
// metric state, and the result written back with applyModelSpec.
import { initBackend, tf } from '@weft/tensor';
import {
  History,
  Sequential,
  Trainer,
  applyModelSpec,
  buildModelFromSpec,
  describeModel,
  layers,
  type Distribution,
  type FitArgs,
  type Model,
} from '@weft/layers';

beforeAll(async () => {
  await initBackend('cpu');
});

/** An all-reduce (mean) among `size` in-process replicas: each awaits the others' contributions. */
class MeanAllReduce {
  private pending: { grads: tf.Tensor[]; resolve: (g: tf.Tensor[]) => void }[] = [];
  constructor(private readonly size: number) {}

  reduce(grads: tf.Tensor[]): Promise<tf.Tensor[]> {
    return new Promise((resolve) => {
      this.pending.push({ grads, resolve });
      if (this.pending.length < this.size) return;
      const all = this.pending;
      this.pending = [];
      for (const p of all) p.resolve(grads.map((_, i) => tf.tidy(() => tf.div(tf.addN(all.map((q) => q.grads[i])), this.size))));
    });
  }
}

/** Data parallelism over replicas in this process: each takes its slice of every global batch. */
class InProcessDataParallel implements Distribution {
  constructor(private readonly replicas: number) {}

  async fit(model: Model, x: tf.Tensor, y: tf.Tensor, args: FitArgs): Promise<History> {
    const spec = describeModel(model);
    const workers = Array.from({ length: this.replicas }, () => buildModelFromSpec(spec));
    const allReduce = new MeanAllReduce(this.replicas);
    const trainers = workers.map((w) => new Trainer(w, (grads) => allReduce.reduce(grads)));
    const global = args.batchSize ?? 32;
    const local = global / this.replicas;
    const history = new History();
    history.onTrainBegin();
    for (let epoch = 0; epoch < (args.epochs ?? 1); epoch++) {
      trainers.forEach((t) => t.resetMetrics());
      for (let start = 0; start < x.shape[0]; start += global) {
        await Promise.all(trainers.map((t, r) => {
          const xs = [tf.slice(x, start + r * local, local)];
          const ys = [tf.slice(y, start + r * local, local)];
          return t.trainStep({ xs, ys }).finally(() => tf.dispose([...xs, ...ys]));
        }));
      }
      const summed = trainers.map((t) => t.getMetricState()).reduce((a, b) => a.map((v, i) => v + b[i]));
      trainers[0].setMetricState(summed);
      history.onEpochEnd(epoch, trainers[0].logs(model.outputNames));
    }
    applyModelSpec(model, describeModel(workers[0]));
    return history;
  }
}

const makeModel = () => {
  const m = new Sequential({ layers: [layers.dense({ units: 8, activation: 'tanh', inputShape: [4] }), layers.dense({ units: 3, activation: 'softmax' })] });
  m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
};

describe('Distribution interface', () => {
  it('2 replicas x batch 8 give the weights and metrics of 1 replica x batch 16 (same data order)', async () => {
    const x = tf.randomNormal([64, 4], 0, 1, 'float32', 1);
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 3), 'int32'), 3);
    const serial = makeModel();
    const parallel = makeModel();
    parallel.setWeights(serial.getWeights());

    const h1 = await serial.fit(x, y, { batchSize: 16, epochs: 2, shuffle: false, verbose: 0 });
    const h2 = await parallel.fit(x, y, { batchSize: 16, epochs: 2, distribution: new InProcessDataParallel(2) });

    const a = serial.getWeights();
    const b = parallel.getWeights();
    a.forEach((w, i) => {
      const d = tf.max(tf.abs(tf.sub(w, b[i]))).dataSync()[0];
      expect(d).toBeLessThan(1e-5);
    });
    expect(h2.history.loss[1]).toBeCloseTo(h1.history.loss[1], 5);
    expect(h2.history.accuracy[1]).toBeCloseTo(h1.history.accuracy[1], 6);
    expect(parallel.compiled!.optimizer.iterations).toBe(8);
  });
});
