import { LearningRateSchedule, checkDecaySteps } from './learning-rate-schedule';

export interface ExponentialDecayArgs {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  /** Decay in whole intervals of decaySteps. */
  staircase?: boolean;
}

/** initialLearningRate * decayRate ^ (step / decaySteps). */
export class ExponentialDecay extends LearningRateSchedule {
  static override className = 'ExponentialDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;

  constructor(args: ExponentialDecayArgs) {
    super();
    this.initialLearningRate = args.initialLearningRate;
    this.decaySteps = args.decaySteps;
    this.decayRate = args.decayRate;
    this.staircase = args.staircase ?? false;
    checkDecaySteps(this.decaySteps);
  }

  call(step: number): number {
    let p = step / this.decaySteps;
    if (this.staircase) p = Math.floor(p);
    return this.initialLearningRate * Math.pow(this.decayRate, p);
  }

  getConfig(): Record<string, unknown> {
    return {
      initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps,
      decayRate: this.decayRate, staircase: this.staircase,
    };
  }
}

export const exponentialDecay = (args: ExponentialDecayArgs) => new ExponentialDecay(args);
