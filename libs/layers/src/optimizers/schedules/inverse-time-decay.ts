import { LearningRateSchedule, checkDecaySteps } from './learning-rate-schedule';

export interface InverseTimeDecayArgs {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  staircase?: boolean;
}

/** initialLearningRate / (1 + decayRate * step / decaySteps). */
export class InverseTimeDecay extends LearningRateSchedule {
  static override className = 'InverseTimeDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;

  constructor(args: InverseTimeDecayArgs) {
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
    return this.initialLearningRate / (1 + this.decayRate * p);
  }

  getConfig(): Record<string, unknown> {
    return {
      initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps,
      decayRate: this.decayRate, staircase: this.staircase,
    };
  }
}

export const inverseTimeDecay = (args: InverseTimeDecayArgs) => new InverseTimeDecay(args);
