import { TruePositiveRatio, type PrecisionArgs } from './confusion';

export type { PrecisionArgs };

/** truePositives / (truePositives + falsePositives). */
export class Precision extends TruePositiveRatio {
  static override className = 'Precision';

  constructor(args: PrecisionArgs = {}) {
    super(args, 'precision');
  }

  protected isMiss(actual: boolean, predicted: boolean): boolean {
    return predicted && !actual; // a false positive
  }
}

export const precision = (args?: PrecisionArgs) => new Precision(args);
