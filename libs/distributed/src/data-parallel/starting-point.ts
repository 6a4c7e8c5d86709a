import { logger } from '@weft/logging';
import { applyModelSpec, type Model, type ModelSpec } from '@weft/layers';
import type { CheckpointStore } from './checkpoint-store';
import type { PreparedFit } from './prepare-fit';
import { checkResumable, fingerprintOf, renameState, type DataOrder, type TrainingCheckpoint } from './training-checkpoint';

/** The optimizer's learning rate when it is a number (not a schedule). */
export function learningRateOf(model: Model): number | null {
  const learningRate = model.compiled?.optimizer.learningRate;
  return typeof learningRate === 'number' ? learningRate : null;
}

/**
 * Where a fit starts: from the checkpoint a previous fit left in the store (refused, touching
 * nothing, when it is another model's or another data order's; else written into `model`, its
 * weights matched by position), or from `model` as it is. Returns the ranks' model spec, and
 * makes the starting point the store's latest checkpoint (what a restart goes back to).
 */
export function startingPoint(model: Model, prepared: PreparedFit, resume: TrainingCheckpoint | null, store: CheckpointStore): ModelSpec {
  const { spec, plan } = prepared;
  const fingerprint = fingerprintOf(spec);
  const order: DataOrder = { seed: plan.seed, samples: plan.train.xs[0].shape[0], batchSize: plan.batchSize, stepsPerEpoch: plan.stepsPerEpoch, shuffle: plan.shuffle };
  if (!resume) {
    const { weights, optimizerWeights, optimizerIterations } = spec;
    const state = { weights, optimizerWeights, optimizerIterations, dropoutDraws: [] }; // the ranks' Dropouts start their sequences afresh
    store.remember({ fingerprint, order, epoch: prepared.initialEpoch, step: 0, globalStep: 0, learningRate: learningRateOf(model), metricState: null, state });
    return spec;
  }
  checkResumable(resume, fingerprint, order, store.path!);
  const state = renameState(resume.state, spec.weights.map((w) => w.name));
  applyModelSpec(model, state);
  const optimizer = model.compiled?.optimizer;
  if (optimizer && resume.learningRate !== null && typeof optimizer.learningRate === 'number') optimizer.learningRate = resume.learningRate;
  store.remember({ ...resume, state });
  logger.info({ checkpoint: store.path, epoch: resume.epoch, step: resume.step }, `DataParallel: resuming from ${store.path} at epoch ${resume.epoch + 1}, step ${resume.step + 1}`);
  return { ...spec, weights: state.weights, optimizerWeights: state.optimizerWeights, optimizerIterations: state.optimizerIterations };
}
