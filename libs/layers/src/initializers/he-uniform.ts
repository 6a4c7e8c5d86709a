import { type SeedArgs } from './initializer';
import { VarianceScaling } from './variance-scaling';

/** Uniform in [-limit, limit], limit = sqrt(6 / fanIn). */
export class HeUniform extends VarianceScaling {
  static override className = 'HeUniform';

  constructor(args: SeedArgs = {}) {
    super({ scale: 2, mode: 'fanIn', distribution: 'uniform', seed: args.seed });
  }

  override getConfig(): Record<string, unknown> {
    return { seed: this.seed };
  }
}

export const heUniform = (args?: SeedArgs) => new HeUniform(args);
