import { check } from '../../activations/lookup';

/** A learning rate as a function of the optimizer step (the number of updates applied so far). */
export abstract class LearningRateSchedule {
  static className: string;

  abstract call(step: number): number;

  abstract getConfig(): Record<string, unknown>;
}

export function checkDecaySteps(decaySteps: number): void {
  check(decaySteps > 0, 'decaySteps', decaySteps, 'must be > 0');
}
