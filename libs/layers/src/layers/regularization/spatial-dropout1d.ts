import { registerLayer } from '../../engine/registry';
import { Dropout } from './dropout';

export interface SpatialDropout1DArgs {
  rate: number;
  seed?: number | null;
  name?: string;
  trainable?: boolean;
}

/**
 * Dropout of whole channels of [batch, steps, channels]: one keep/drop draw per (sample, channel),
 * shared by every step, for when neighbouring steps are strongly correlated (Tompson et al. 2015).
 */
export class SpatialDropout1D extends Dropout {
  static override className = 'SpatialDropout1D';

  constructor(args: SpatialDropout1DArgs) {
    super({ ...args, noiseShape: [null, 1, null] });
    this.inputSpec = { ndim: 3 };
  }

  override getConfig(): Record<string, unknown> {
    const { noiseShape: _noiseShape, ...config } = super.getConfig();
    return config;
  }
}
registerLayer(SpatialDropout1D);

export const spatialDropout1d = (args: SpatialDropout1DArgs) => new SpatialDropout1D(args);
