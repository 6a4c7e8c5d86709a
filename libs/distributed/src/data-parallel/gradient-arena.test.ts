// gradientArenaBytes against the gradient hook itself: the shared memory DataParallel reserves per
// rank is exactly what the hook allocates, so that every bucket and row-sparse table is reduced in
// place (a bucket that does not fit is copied through the slots instead, several times slower).
import { initBackend } from '@weft/tensor';
import { Sequential, layers } from '@weft/layers';
import { createShmGroupHandle } from '../shm/shm-layout';
import { ProcessGroupShm } from '../shm/process-group-shm';
import { gradientArenaBytes, overlappedGradientHook } from './overlapped-reducer';

beforeAll(async () => {
  await initBackend('cpu');
});

/** Weights of odd sizes (a bias of 1, of 3), a row-sparse table, and weights after it. */
function weights() {
  const model = new Sequential();
  model.add(layers.embedding({ inputDim: 37, outputDim: 5, inputLength: 6 }));
  model.add(layers.lstm({ units: 3 }));
  model.add(layers.dense({ units: 1 }));
  model.build([null, 6]);
  return model.trainableWeights;
}

describe('gradientArenaBytes', () => {
  it.each([
    ['one bucket', { capBytes: 25 << 20, sparseGradients: false, sidebandLength: 0 }],
    ['a bucket per weight', { capBytes: 4, sparseGradients: false, sidebandLength: 0 }],
    ['the table apart, a sideband', { capBytes: 25 << 20, sparseGradients: true, sidebandLength: 4 }],
    ['small buckets, the table apart, a sideband', { capBytes: 100, sparseGradients: true, sidebandLength: 6 }],
  ])('is exactly what the hook allocates: %s', (_, options) => {
    const ws = weights();
    const bytes = gradientArenaBytes(ws, options);
    const group = new ProcessGroupShm(createShmGroupHandle(1, 4096, bytes), 0);
    const sideband = options.sidebandLength > 0 ? { length: options.sidebandLength, write: () => undefined, read: () => undefined } : undefined;
    overlappedGradientHook(group, ws, { ...options, timeoutMs: 1000, rows: () => ({ mine: 1, batch: 1 }), sideband });
    expect(group.arenaBytesFree).toBe(0);
    group.destroy();
  });
});
