// The elastic-restart tests' model, data and fit: a marked row that faults on rank 1 mid-epoch.
import { join } from 'node:path';
import { tf } from '@weft/tensor';
import { BatchSchedule, Sequential, layers, type FitArgs } from '@weft/layers';
import { FAULT_MARKER, FaultOnMarker, type FaultKind } from './fault-layers';

export const FAULT_LAYERS = join(__dirname, 'fault-layers.ts');

/** A fault and the DataParallel that must survive it (run by elastic-fit.ts in a process of its own). */
export interface ElasticCase {
  transport: 'threads' | 'processes';
  /** The faults the marked row injects, one per training of it ([]: an uninterrupted run). */
  faults: FaultKind[];
  counterFile: string;
  maxRestarts: number;
  checkpointDir?: string;
  timeoutMs?: number;
}

/** 64 rows, global batch 8 (8 steps an epoch) shuffled from seed 7, 2 epochs; a checkpoint every 3 steps. */
export const ELASTIC_FIT: FitArgs = { batchSize: 8, epochs: 2, seed: 7, shuffle: true, verbose: 0 };
export const CHECKPOINT_EVERY_STEPS = 3;
const ROWS = 64;

/**
 * The data, with the marker in the row that rank 1 of 2 trains at epoch 1, step 5: after the
 * checkpoint at step 3, so a restart replays steps 4 and 5.
 */
export function elasticData(): [tf.Tensor, tf.Tensor] {
  const schedule = new BatchSchedule(ROWS, ELASTIC_FIT.batchSize!, true, ELASTIC_FIT.seed);
  schedule.skip(4);
  const marked = (schedule.next(2, 1).rows as Int32Array)[1];
  const values = tf.randomNormal([ROWS, 5], 0, 1, 'float32', 21).arraySync() as number[][];
  values[marked][2] = FAULT_MARKER;
  const x = tf.tensor2d(values);
  const labels = tf.argMax(tf.matMul(x, tf.randomNormal([5, 3], 0, 1, 'float32', 22)), -1);
  return [x, tf.oneHot(labels, 3)];
}

/** The model, from fixed weights (the same in every process); its seeded Dropout and BatchNorm carry state a restart must keep. */
export function elasticModel(faults: FaultKind[], counterFile: string): Sequential {
  const model = new Sequential({
    layers: [
      new FaultOnMarker({ inputShape: [5], faults, counterFile }),
      layers.dense({ units: 12, activation: 'tanh' }),
      layers.dropout({ rate: 0.25, seed: 3 }),
      layers.batchNormalization({}),
      layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  model.setWeights(model.weights.map((w, i) => (w.trainable ? tf.randomNormal(w.shape, 0, 0.5, 'float32', 100 + i) : w.read().clone())));
  return model;
}
