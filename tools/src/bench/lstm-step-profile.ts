/**
 * Where one training step of the IMDB LSTM (Embedding 20000x128, LSTM 128, length 80, Dense 1,
 * batch 32, Adam; or with --model cnn the IMDB CNN of layers-speed.ts) spends its time: wall ms and kernel launches per phase, and the kernels that cost
 * most. Phases are marked from outside the library: each layer's forward is wrapped, and an
 * identity with a custom gradient on each layer's output switches the phase when backprop reaches it.
 *
 *   npx tsx tools/src/bench/lstm-step-profile.ts [--backend wasm|cpu] [--steps 10] [--shapes] [--model lstm|cnn]
 * (--shapes: kernels listed by input shapes and attributes too)
 */
import { BACKEND_REQUESTS, choiceOption, initBackend, intOption, parseFlags, tf } from '@weft/tensor';
import { layers, Sequential, Trainer, type Layer } from '@weft/layers';
import { printTable, ms } from './timing';

const BATCH = 32;
const LENGTH = 80;
const VOCAB = 20000;

class PhaseClock {
  phase = 'other';
  private last = performance.now();
  readonly wall = new Map<string, number>();
  readonly launches = new Map<string, number>();
  readonly kernelMs = new Map<string, { ms: number; n: number }>();
  enter(phase: string): void {
    const now = performance.now();
    this.wall.set(this.phase, (this.wall.get(this.phase) ?? 0) + now - this.last);
    this.last = now;
    this.phase = phase;
  }
  kernel(name: string, elapsed: number): void {
    this.launches.set(this.phase, (this.launches.get(this.phase) ?? 0) + 1);
    const k = this.kernelMs.get(`${this.phase} ${name}`) ?? { ms: 0, n: 0 };
    k.ms += elapsed;
    k.n += 1;
    this.kernelMs.set(`${this.phase} ${name}`, k);
  }
  reset(): void {
    this.wall.clear();
    this.launches.clear();
    this.kernelMs.clear();
    this.last = performance.now();
  }
}

/** Wraps every kernel registered for the backend so that each launch is timed and charged to the current phase. */
function instrumentKernels(backend: string, clock: PhaseClock, withShapes: boolean): void {
  for (const config of tf.getKernelsForBackend(backend)) {
    const inner = config.kernelFunc;
    (config as { kernelFunc: tf.KernelFunc }).kernelFunc = (args) => {
      const start = performance.now();
      const out = inner(args);
      const shapes = withShapes ? ` ${Object.values(args.inputs).map((t) => `[${t?.shape}]`).join('')}${JSON.stringify(args.attrs ?? {})}` : '';
      clock.kernel(config.kernelName + shapes, performance.now() - start);
      return out;
    };
  }
}

/** Marks a layer: its forward is phase 'fwd <name>', and backprop entering its output starts 'bwd <name>'. */
function markLayer(layer: Layer, clock: PhaseClock): void {
  const invoke = layer.invoke.bind(layer);
  const marker = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.clone(args[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => {
      clock.enter(`bwd ${layer.name}`);
      return dy;
    },
  }));
  layer.invoke = (inputs, args, withMask) => {
    clock.enter(`fwd ${layer.name}`);
    const r = invoke(inputs, args, withMask);
    clock.enter('other');
    return { ...r, outputs: marker(r.outputs as tf.Tensor) };
  };
}

async function main(): Promise<void> {
  const { values } = parseFlags(
    process.argv.slice(2),
    { backend: { type: 'string' }, steps: { type: 'string' }, shapes: { type: 'boolean' }, model: { type: 'string' } },
    { help: 'Usage: npx tsx tools/src/bench/lstm-step-profile.ts [--backend wasm|cpu] [--steps 10] [--shapes] [--model lstm|cnn]' },
  );
  const backend = choiceOption('backend', values.backend, BACKEND_REQUESTS, 'wasm');
  const steps = intOption('steps', values.steps, 10);
  const cnn = choiceOption('model', values.model, ['lstm', 'cnn'] as const, 'lstm') === 'cnn';
  await initBackend(backend);
  const clock = new PhaseClock();
  const length = cnn ? 400 : LENGTH;
  const stack = cnn
    ? [
        layers.embedding({ inputDim: VOCAB, outputDim: 50, inputShape: [length], name: 'embedding' }),
        layers.dropout({ rate: 0.2, name: 'dropout' }),
        layers.conv1d({ filters: 250, kernelSize: 3, activation: 'relu', name: 'conv1d' }),
        layers.globalMaxPooling1d({ name: 'pool' }),
        layers.dense({ units: 250, name: 'hidden' }),
        layers.dropout({ rate: 0.2, name: 'dropout2' }),
        layers.activation({ activation: 'relu', name: 'relu' }),
        layers.dense({ units: 1, activation: 'sigmoid', name: 'dense' }),
      ]
    : [
        layers.embedding({ inputDim: VOCAB, outputDim: 128, inputShape: [length], name: 'embedding' }),
        layers.lstm({ units: 128, name: 'lstm' }),
        layers.dense({ units: 1, activation: 'sigmoid', name: 'dense' }),
      ];
  const model = new Sequential({ layers: stack });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  for (const l of stack) markLayer(l, clock);
  const loss = model.compiled!.losses[0];
  const applyLoss = loss.apply.bind(loss);
  loss.apply = (...args: Parameters<typeof loss.apply>) => {
    clock.enter('loss fwd+bwd');
    return applyLoss(...args);
  };
  instrumentKernels(tf.getBackend(), clock, values.shapes ?? false);

  const x = tf.randomUniform([BATCH, length], 1, VOCAB, 'int32', 1);
  const y = tf.cast(tf.greater(tf.randomUniform([BATCH, 1], 0, 1, 'float32', 2), 0.5), 'float32');
  const trainer = new Trainer(model);
  const step = () => {
    clock.enter('other');
    const { loss: l, grads, outputs } = trainer.computeGradients({ xs: [x], ys: [y] });
    clock.enter('optimizer');
    trainer.applyGradients(grads);
    clock.enter('dispose');
    tf.dispose([l, ...grads, ...outputs]);
    clock.enter('other');
  };
  for (let i = 0; i < 2; i++) step();
  clock.reset();
  const start = performance.now();
  for (let i = 0; i < steps; i++) step();
  clock.enter('other');
  const total = (performance.now() - start) / steps;

  console.log(`backend ${tf.getBackend()}: ${ms(total)} ms per step (${(BATCH / total * 1000).toFixed(1)} samples/s), ${steps} steps\n`);
  const names = stack.map((l) => l.name);
  const order = [...names.map((n) => `fwd ${n}`), 'loss fwd+bwd', ...[...names].reverse().map((n) => `bwd ${n}`), 'optimizer', 'dispose', 'other'];
  const kernelSum = (phase: string) =>
    [...clock.kernelMs].filter(([k]) => k.startsWith(`${phase} `)).reduce((s, [, v]) => s + v.ms, 0);
  printTable(
    ['phase', 'wall ms', 'kernel ms', 'launches'],
    order.map((p) => [p, ms((clock.wall.get(p) ?? 0) / steps), ms(kernelSum(p) / steps), String((clock.launches.get(p) ?? 0) / steps)]),
  );
  const launches = [...clock.launches.values()].reduce((a, b) => a + b, 0) / steps;
  console.log(`\nlaunches per step: ${launches}\n\ncostliest kernels (per step):`);
  const top = [...clock.kernelMs].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20);
  printTable(['phase kernel', 'ms', 'launches'], top.map(([k, v]) => [k, ms(v.ms / steps), String(v.n / steps)]));
  tf.dispose([x, y]);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
