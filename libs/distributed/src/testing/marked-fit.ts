import { join } from 'node:path';
import { tf } from '@weft/tensor';
import { Sequential, layers } from '@weft/layers';
import { DataParallel } from '../data-parallel/data-parallel';
import { FailOnMarker, MARKER } from './data-parallel-layers';

/**
 * A 2-worker fit (64 rows, global batch 16, no shuffling) whose row 41 holds the marker: rank 1
 * trains rows 40-47 at step 3 of the first epoch, where FailOnMarker throws.
 */
export async function markedFit(transport: 'threads' | 'processes', timeoutMs = 10_000) {
  const model = new Sequential({ layers: [new FailOnMarker({ inputShape: [4] }), layers.dense({ units: 1 })] });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  const values = tf.randomNormal([64, 4], 0, 1, 'float32', 1).arraySync() as number[][];
  values[41][0] = MARKER;
  return model.fit(tf.tensor2d(values), tf.zeros([64, 1]), {
    batchSize: 16,
    epochs: 2,
    shuffle: false,
    verbose: 0,
    distribution: new DataParallel({ workers: 2, transport, timeoutMs, modules: [join(__dirname, 'data-parallel-layers.ts')] }),
  });
}
