import * as tf from '@tensorflow/tfjs-core';
import { STEP_SPANS } from '@weft/tensor';
import { CallbackList, type Callback, type Logs, type TrainingParams } from '../callbacks/callback';
import { History } from '../callbacks/history';
import { ProgbarLogger } from '../callbacks/progbar-logger';
import type { Batch, Trainer } from './trainer';
import type { TrainingModel } from './training-model';

/** What the loop tells callbacks around each batch; whoever trains the batches calls it. */
export interface BatchEvents {
  /** Whether a callback reads onBatchEnd's logs (else they are {}, and nothing is read back from the device). */
  readonly wantsLogs: boolean;
  begin(step: number, size: number): Promise<void>;
  end(step: number, logs: Logs): Promise<void>;
  /** A callback asked to stop (model.stopTraining). */
  stopped(): boolean;
}

/**
 * Trains the epochs of runFitLoop: fit's runner trains in this process; a distribution's trains
 * replicas elsewhere and relays their batch ends.
 */
export interface EpochRunner {
  /** Trains one epoch and returns its logs, val_* included. */
  runEpoch(epoch: number, batches: BatchEvents): Promise<Logs>;
  /** Runs after the epoch's callbacks: carry what they changed (the learning rate) to where training runs. */
  afterEpochEnd?(epoch: number): Promise<void>;
}

export interface FitLoopOptions {
  epochs: number;
  initialEpoch: number;
  /** Batches per epoch; null when not known before the first epoch ends (a dataset of unknown length). */
  steps: number | null;
  verbose: 0 | 1 | 2;
  callbacks?: Callback[];
  /** Log names, val_* included (the callbacks' params). */
  metricNames: string[];
}

/**
 * Keras's fit loop, the one fit and every distribution share: the callbacks (with History and the
 * progress bar) around the run, each epoch and each batch, until the epochs run out or a callback
 * sets model.stopTraining. The runner trains.
 */
export async function runFitLoop(model: TrainingModel, runner: EpochRunner, options: FitLoopOptions): Promise<History> {
  const history = new History();
  const callbacks: Callback[] = [...(options.callbacks ?? []), history];
  if (options.verbose > 0) callbacks.push(new ProgbarLogger({ verbose: options.verbose === 2 ? 2 : 1 }));
  const list = new CallbackList(callbacks);
  list.setModel(model);
  const params: TrainingParams = { epochs: options.epochs, steps: options.steps, verbose: options.verbose, metrics: options.metricNames };
  list.setParams(params);
  let stepsSeen = 0;
  const batches: BatchEvents = {
    wantsLogs: list.wantsBatchLogs,
    begin: (step, size) => list.onBatchBegin(step, { batch: step, size }),
    end: (step, logs) => {
      stepsSeen = step + 1;
      return list.onBatchEnd(step, logs);
    },
    stopped: () => model.stopTraining,
  };
  model.stopTraining = false;
  model.history = history;
  await list.onTrainBegin();
  for (let epoch = options.initialEpoch; epoch < options.epochs && !model.stopTraining; epoch++) {
    await list.onEpochBegin(epoch);
    stepsSeen = 0;
    const logs = await runner.runEpoch(epoch, batches);
    await list.onEpochEnd(epoch, logs);
    // As Keras: a dataset's length is known once its first epoch has run.
    if (params.steps === null && !model.stopTraining && stepsSeen > 0) {
      params.steps = stepsSeen;
      list.setParams(params);
    }
    await runner.afterEpochEnd?.(epoch);
  }
  await list.onTrainEnd();
  return history;
}

/** A replica's batch for one step; null when the replica has no rows of that step's global batch. */
export interface StepBatch {
  batch: Batch | null;
  /** Rows of the global batch. */
  size: number;
}

/** What trainSteps reports after each step (a replica may sum logs across replicas here). */
export interface StepEvents {
  begin?(step: number, size: number): Promise<void> | void;
  end(step: number, size: number): Promise<void> | void;
  stopped?(): boolean;
}

/**
 * The step loop of an epoch, in fit and in every data-parallel replica: draws each step's batch,
 * trains it (a replica without rows joins the step with zero gradients, so the all-reduce still
 * meets), frees the batch and reports. Steps `firstStep` to `steps - 1` of the epoch (a part of one
 * when a distribution checkpoints or resumes mid-epoch), or until `next` gives null (a dataset's
 * epoch ran out; steps is then Infinity). Returns the step it stopped before.
 */
export async function trainSteps(
  trainer: Trainer,
  steps: number,
  next: () => StepBatch | null | Promise<StepBatch | null>,
  events: StepEvents,
  firstStep = 0,
): Promise<number> {
  const tracer = trainer.tracer;
  let step = firstStep;
  for (; step < steps && !events.stopped?.(); step++) {
    tracer.begin(STEP_SPANS.step, { step });
    const drawn = await tracer.spanAsync(STEP_SPANS.data, async () => next());
    if (!drawn) {
      tracer.end(STEP_SPANS.step);
      break;
    }
    const { batch, size } = drawn;
    await events.begin?.(step, size);
    if (batch) {
      try {
        await trainer.trainStep(batch);
      } finally {
        tf.dispose([...batch.xs, ...batch.ys, ...(batch.sampleWeights ?? []).filter((w): w is tf.Tensor => w !== null)]);
      }
    } else {
      await trainer.joinStep();
    }
    await events.end(step, size);
    tracer.end(STEP_SPANS.step);
  }
  return step;
}
