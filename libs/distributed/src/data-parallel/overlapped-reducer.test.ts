// The gradient hook's hand-over: backward goes straight on (no turn of the event loop) while no
// reduction is in flight, and yields to let one move once it is; the mean comes out either way.
import { initBackend, tf } from '@weft/tensor';
import { Sequential, layers } from '@weft/layers';
import { createShmGroupHandle } from '../shm/shm-layout';
import { ProcessGroupShm } from '../shm/process-group-shm';
import { gradientArenaBytes, overlappedGradientHook } from './overlapped-reducer';

beforeAll(async () => {
  await initBackend('cpu');
});

function weights() {
  const model = new Sequential();
  model.add(layers.dense({ units: 4, inputShape: [3] }));
  model.add(layers.dense({ units: 2 }));
  return model.trainableWeights;
}

/** One step as backward drives it (last weight first): what each ready returned, and the gradients to apply. */
async function step(hook: ReturnType<typeof overlappedGradientHook>, grads: tf.Tensor[]): Promise<{ handovers: string[]; applied: number[][] }> {
  const handovers: string[] = [];
  for (let i = grads.length - 1; i >= 0; i--) {
    const settling = hook.ready(i, grads[i]);
    handovers.push(settling ? 'yields' : 'straight on');
    await settling;
  }
  const out = await hook.finish(grads);
  const applied = out.map((t) => Array.from(t.dataSync()));
  tf.dispose(out);
  return { handovers, applied };
}

it.each([
  // One bucket: it is reduced once its last gradient (the first weight's) is in.
  ['one bucket', 25 << 20, ['straight on', 'straight on', 'straight on', 'yields']],
  // A bucket per weight: each is reduced as it comes, and the next hand-over lets it move.
  ['a bucket per weight', 4, ['yields', 'yields', 'yields', 'yields']],
])('%s: backward yields only while a reduction is in flight', async (_, capBytes, expected) => {
  const ws = weights();
  const options = { capBytes, sparseGradients: false, sidebandLength: 0 };
  const group = new ProcessGroupShm(createShmGroupHandle(1, 4096, gradientArenaBytes(ws, options)), 0);
  const hook = overlappedGradientHook(group, ws, { ...options, timeoutMs: 5000, rows: () => ({ mine: 1, batch: 1 }) });
  const grads = ws.map((w, i) => tf.fill(w.shape, i + 0.5));
  try {
    // The first step also checks that every rank has the same buckets: in flight from the first hand-over.
    expect((await step(hook, grads)).handovers[0]).toBe('yields');
    const { handovers, applied } = await step(hook, grads);
    expect(handovers).toEqual(expected);
    expect(applied).toEqual(ws.map((w, i) => new Array(w.shape.reduce((a, b) => a * b, 1)).fill(i + 0.5)));
  } finally {
    tf.dispose(grads);
    group.destroy();
  }
});
