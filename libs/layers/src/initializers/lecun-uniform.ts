import { type SeedArgs } from './initializer';
import { VarianceScaling } from './variance-scaling';

/** Uniform in [-limit, limit], limit = sqrt(3 / fanIn). */
export class LecunUniform extends VarianceScaling {
  static override className = 'LecunUniform';

  constructor(args: SeedArgs = {}) {
    super({ scale: 1, mode: 'fanIn', distribution: 'uniform', seed: args.seed });
  }

  override getConfig(): Record<string, unknown> {
    return { seed: this.seed };
  }
}

export const lecunUniform = (args?: SeedArgs) => new LecunUniform(args);
