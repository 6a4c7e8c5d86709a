import { type SeedArgs } from './initializer';
import { VarianceScaling } from './variance-scaling';

/** Truncated normal with variance 1 / fanIn. */
export class LecunNormal extends VarianceScaling {
  static override className = 'LecunNormal';

  constructor(args: SeedArgs = {}) {
    super({ scale: 1, mode: 'fanIn', distribution: 'truncatedNormal', seed: args.seed });
  }

  override getConfig(): Record<string, unknown> {
    return { seed: this.seed };
  }
}

export const lecunNormal = (args?: SeedArgs) => new LecunNormal(args);
