import { type SeedArgs } from './initializer';
import { VarianceScaling } from './variance-scaling';

/** Uniform in [-limit, limit], limit = sqrt(6 / (fanIn + fanOut)). */
export class GlorotUniform extends VarianceScaling {
  static override className = 'GlorotUniform';

  constructor(args: SeedArgs = {}) {
    super({ scale: 1, mode: 'fanAvg', distribution: 'uniform', seed: args.seed });
  }

  override getConfig(): Record<string, unknown> {
    return { seed: this.seed };
  }
}

export const glorotUniform = (args?: SeedArgs) => new GlorotUniform(args);
