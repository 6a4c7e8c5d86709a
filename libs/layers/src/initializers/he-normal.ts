import { type SeedArgs } from './initializer';
import { VarianceScaling } from './variance-scaling';

/** Truncated normal with variance 2 / fanIn. */
export class HeNormal extends VarianceScaling {
  static override className = 'HeNormal';

  constructor(args: SeedArgs = {}) {
    super({ scale: 2, mode: 'fanIn', distribution: 'truncatedNormal', seed: args.seed });
  }

  override getConfig(): Record<string, unknown> {
    return { seed: this.seed };
  }
}

export const heNormal = (args?: SeedArgs) => new HeNormal(args);
