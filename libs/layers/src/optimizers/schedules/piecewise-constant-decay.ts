import { LearningRateSchedule } from './learning-rate-schedule';

export interface PiecewiseConstantDecayArgs {
  /** Increasing steps at which the rate changes. */
  boundaries: number[];
  /** One more value than boundaries: values[i] applies while step <= boundaries[i]. */
  values: number[];
}

/** A step function: values[0] up to boundaries[0], values[1] up to boundaries[1], ... */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  static override className = 'PiecewiseConstantDecay';
  readonly boundaries: number[];
  readonly values: number[];

  constructor(args: PiecewiseConstantDecayArgs) {
    super();
    if (args.values.length !== args.boundaries.length + 1) {
      throw new Error(
        `values must have one more element than boundaries. Received: boundaries of length ` +
          `${args.boundaries.length}, values of length ${args.values.length}`,
      );
    }
    this.boundaries = [...args.boundaries];
    this.values = [...args.values];
  }

  call(step: number): number {
    const i = this.boundaries.findIndex((b) => step <= b);
    return this.values[i === -1 ? this.values.length - 1 : i];
  }

  getConfig(): Record<string, unknown> {
    return { boundaries: this.boundaries, values: this.values };
  }
}

export const piecewiseConstantDecay = (args: PiecewiseConstantDecayArgs) => new PiecewiseConstantDecay(args);
