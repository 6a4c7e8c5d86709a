import { LearningRateSchedule, checkDecaySteps } from './learning-rate-schedule';

export interface PolynomialDecayArgs {
  initialLearningRate: number;
  decaySteps: number;
  endLearningRate?: number;
  power?: number;
  /** Restart the decay every decaySteps instead of staying at endLearningRate. */
  cycle?: boolean;
}

/** (initial - end) * (1 - step / decaySteps) ^ power + end. */
export class PolynomialDecay extends LearningRateSchedule {
  static override className = 'PolynomialDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly endLearningRate: number;
  readonly power: number;
  readonly cycle: boolean;

  constructor(args: PolynomialDecayArgs) {
    super();
    this.initialLearningRate = args.initialLearningRate;
    this.decaySteps = args.decaySteps;
    this.endLearningRate = args.endLearningRate ?? 0.0001;
    this.power = args.power ?? 1;
    this.cycle = args.cycle ?? false;
    checkDecaySteps(this.decaySteps);
  }

  call(step: number): number {
    let decaySteps = this.decaySteps;
    let s = step;
    if (this.cycle) decaySteps *= step === 0 ? 1 : Math.ceil(step / this.decaySteps);
    else s = Math.min(step, decaySteps);
    const p = s / decaySteps;
    return (this.initialLearningRate - this.endLearningRate) * Math.pow(1 - p, this.power) + this.endLearningRate;
  }

  getConfig(): Record<string, unknown> {
    return {
      initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps,
      endLearningRate: this.endLearningRate, power: this.power, cycle: this.cycle,
    };
  }
}

export const polynomialDecay = (args: PolynomialDecayArgs) => new PolynomialDecay(args);
