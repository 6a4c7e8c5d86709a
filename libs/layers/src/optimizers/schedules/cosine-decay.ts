import { LearningRateSchedule, checkDecaySteps } from './learning-rate-schedule';

export interface CosineDecayArgs {
  initialLearningRate: number;
  decaySteps: number;
  /** The final rate as a fraction of the rate the decay starts from. */
  alpha?: number;
  /** When set, the rate first rises linearly from initialLearningRate to this over warmupSteps. */
  warmupTarget?: number | null;
  warmupSteps?: number;
}

/** Cosine decay with optional linear warmup (Keras 3's CosineDecay). */
export class CosineDecay extends LearningRateSchedule {
  static override className = 'CosineDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;

  constructor(args: CosineDecayArgs) {
    super();
    this.initialLearningRate = args.initialLearningRate;
    this.decaySteps = args.decaySteps;
    this.alpha = args.alpha ?? 0;
    this.warmupTarget = args.warmupTarget ?? null;
    this.warmupSteps = args.warmupSteps ?? 0;
    checkDecaySteps(this.decaySteps);
  }

  call(step: number): number {
    if (this.warmupTarget === null) return this.decay(Math.min(step, this.decaySteps), this.initialLearningRate);
    const s = Math.min(step, this.decaySteps + this.warmupSteps);
    if (s < this.warmupSteps) {
      return (this.warmupTarget - this.initialLearningRate) * (s / this.warmupSteps) + this.initialLearningRate;
    }
    return this.decay(s - this.warmupSteps, this.warmupTarget);
  }

  private decay(step: number, from: number): number {
    const cosine = 0.5 * (1 + Math.cos((Math.PI * step) / this.decaySteps));
    return from * ((1 - this.alpha) * cosine + this.alpha);
  }

  getConfig(): Record<string, unknown> {
    return {
      initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, alpha: this.alpha,
      warmupTarget: this.warmupTarget, warmupSteps: this.warmupSteps,
    };
  }
}

export const cosineDecay = (args: CosineDecayArgs) => new CosineDecay(args);
