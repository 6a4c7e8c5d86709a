/**
 * Optimizer step time, ours beside tfjs-core's tf.train.* in the same run, on the weights of the
 * IMDB LSTM (Embedding 20000x128, LSTM(128), Dense(1)): with fresh state, and again after
 * DECAY_STEPS steps of zero gradients, when a moment that decays by 0.9 a step has turned
 * subnormal (ours flushes it to zero: see libs/tensor/src/kernels/subnormal.ts).
 * Run: npx tsx tools/src/bench/optimizers.ts [--backend wasm|cpu]
 */
import { choiceOption, initBackend, parseFlags, tf } from '@weft/tensor';
import { optimizers } from '@weft/layers';

const { adadelta, adagrad, adam, rmsprop, sgd } = optimizers;
type Optimizer = optimizers.Optimizer;
type OptimizerTarget = optimizers.OptimizerTarget;

const SHAPES: Record<string, number[]> = {
  'embedding/embeddings': [20000, 128],
  'lstm/kernel': [128, 512],
  'lstm/recurrent_kernel': [128, 512],
  'lstm/bias': [512],
  'dense/kernel': [128, 1],
  'dense/bias': [1],
};

/** Zero-gradient steps after which 0.9^n x a first step's state (about 1e-5) is below 2^-126. */
const DECAY_STEPS = 800;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function timeSteps(step: () => void, steps: number): number {
  for (let i = 0; i < 3; i++) step(); // warm-up, creates slots
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function main(): Promise<void> {
  const { values } = parseFlags(process.argv.slice(2), { backend: { type: 'string' } }, { help: 'Usage: npx tsx tools/src/bench/optimizers.ts [--backend wasm|cpu]' });
  const backend = choiceOption('backend', values.backend, ['wasm', 'cpu'] as const, 'wasm');
  await initBackend(backend);
  const grads = Object.values(SHAPES).map((s) => tf.randomNormal(s, 0, 0.01));
  const steps = backend === 'cpu' ? 5 : 15;
  const cases: [string, () => Optimizer, () => tf.Optimizer][] = [
    ['SGD momentum 0.9', () => sgd({ learningRate: 0.01, momentum: 0.9 }), () => tf.train.momentum(0.01, 0.9)],
    ['RMSprop', () => rmsprop(), () => tf.train.rmsprop(0.001, 0.9, 0, 1e-7)],
    ['RMSprop momentum 0.9', () => rmsprop({ momentum: 0.9 }), () => tf.train.rmsprop(0.001, 0.9, 0.9, 1e-7)],
    ['Adam', () => adam(), () => tf.train.adam(0.001, 0.9, 0.999, 1e-7)],
    ['Adadelta', () => adadelta(), () => tf.train.adadelta(0.001, 0.95, 1e-7)],
    ['Adagrad', () => adagrad(), () => tf.train.adagrad(0.001, 0.1)],
  ];
  console.log(`backend ${backend}, ${Object.keys(SHAPES).length} weights, ${(grads.reduce((a, g) => a + g.size, 0) / 1e6).toFixed(2)}M parameters, median of ${steps} steps`);
  const zeros = grads.map((g) => tf.zerosLike(g));
  const row = (label: string, oursMs: number, refMs: number) =>
    console.log(`${label.padEnd(46)} ${oursMs.toFixed(1).padStart(7)}   ${refMs.toFixed(1).padStart(7)}   ${(oursMs / refMs).toFixed(2).padStart(9)}`);
  console.log(`${'optimizer'.padEnd(46)} weft ms   tfjs ms   weft/tfjs`);
  for (const [name, ours, theirs] of cases) {
    const targets: OptimizerTarget[] = Object.entries(SHAPES).map(([n, s]) => ({ name: n, variable: tf.variable(tf.zeros(s)) }));
    const opt = ours();
    const vars = Object.values(SHAPES).map((s) => tf.variable(tf.zeros(s)));
    const ref = theirs();
    const named = (gs: tf.Tensor[]) => Object.fromEntries(vars.map((v, i) => [v.name, gs[i]]));
    row(name, timeSteps(() => opt.applyGradients(grads, targets), steps), timeSteps(() => ref.applyGradients(named(grads)), steps));
    for (let i = 0; i < DECAY_STEPS; i++) {
      opt.applyGradients(zeros, targets);
      ref.applyGradients(named(zeros));
    }
    row(`${name}, ${DECAY_STEPS} zero-gradient steps on`, timeSteps(() => opt.applyGradients(zeros, targets), steps), timeSteps(() => ref.applyGradients(named(zeros)), steps));
    opt.dispose();
    ref.dispose();
    tf.dispose([...vars, ...targets.map((t) => t.variable)]);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
