import { type SeedArgs } from './initializer';
import { VarianceScaling } from './variance-scaling';

/** Truncated normal with variance 2 / (fanIn + fanOut). */
export class GlorotNormal extends VarianceScaling {
  static override className = 'GlorotNormal';

  constructor(args: SeedArgs = {}) {
    super({ scale: 1, mode: 'fanAvg', distribution: 'truncatedNormal', seed: args.seed });
  }

  override getConfig(): Record<string, unknown> {
    return { seed: this.seed };
  }
}

export const glorotNormal = (args?: SeedArgs) => new GlorotNormal(args);
