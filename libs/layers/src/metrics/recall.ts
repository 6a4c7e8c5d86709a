import { TruePositiveRatio, type PrecisionArgs } from './confusion';

/** truePositives / (truePositives + falseNegatives). */
export class Recall extends TruePositiveRatio {
  static override className = 'Recall';

  constructor(args: PrecisionArgs = {}) {
    super(args, 'recall');
  }

  protected isMiss(actual: boolean, predicted: boolean): boolean {
    return actual && !predicted; // a false negative
  }
}

export const recall = (args?: PrecisionArgs) => new Recall(args);
