import { StepTracer, writeTrace } from '@weft/tensor';
import type { History } from '../callbacks/history';
import type { FitArgs } from './fit-args';
import { runFitLoop, type BatchEvents, type EpochRunner, type StepEvents } from './fit-loop';
import type { Trainer } from './trainer';
import type { TrainingModel } from './training-model';

/** trainSteps' reports relayed to fit's callbacks, with the trainer's running logs when a callback reads them. */
export function trainerStepEvents(model: TrainingModel, trainer: Trainer, batches: BatchEvents): StepEvents {
  return {
    begin: (step, size) => batches.begin(step, size),
    end: (step) => batches.end(step, batches.wantsLogs ? trainer.logs(model.outputNames) : {}),
    stopped: () => batches.stopped(),
  };
}

/**
 * runFitLoop for a fit that trains here (on tensors or on a dataset): the log names (val_* too
 * when validating), the step trace written to `args.profile`, both trainers disposed at the end.
 */
export async function runTrainerFit(
  model: TrainingModel,
  trainer: Trainer,
  validationTrainer: Trainer,
  runner: EpochRunner,
  args: FitArgs,
  options: { epochs: number; steps: number | null; validating: boolean },
): Promise<History> {
  try {
    const history = await runFitLoop(model, runner, {
      epochs: options.epochs,
      initialEpoch: args.initialEpoch ?? 0,
      steps: options.steps,
      verbose: args.verbose ?? 1,
      callbacks: args.callbacks,
      metricNames: trainer.fitLogNames(model.outputNames, options.validating),
    });
    if (args.profile) await writeTrace(args.profile, (trainer.tracer as StepTracer).events());
    return history;
  } finally {
    if (trainer.tracer instanceof StepTracer) trainer.tracer.close();
    trainer.dispose();
    validationTrainer.dispose();
  }
}
