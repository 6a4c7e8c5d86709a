import * as tf from '@tensorflow/tfjs-core';
import { check } from '../activations/lookup';
import { computeFans } from './fans';
import { Initializer, type SeedArgs } from './initializer';

export type FanMode = 'fanIn' | 'fanOut' | 'fanAvg';
export type VarianceDistribution = 'truncatedNormal' | 'untruncatedNormal' | 'uniform';

export interface VarianceScalingArgs extends SeedArgs {
  scale?: number;
  /** Also accepts Keras's 'fan_in', 'fan_out', 'fan_avg'. */
  mode?: FanMode | 'fan_in' | 'fan_out' | 'fan_avg';
  /** Also accepts Keras's 'truncated_normal', 'untruncated_normal'. */
  distribution?: VarianceDistribution | 'truncated_normal' | 'untruncated_normal' | 'normal';
}

const MODES: FanMode[] = ['fanIn', 'fanOut', 'fanAvg'];
const DISTRIBUTIONS: VarianceDistribution[] = ['truncatedNormal', 'untruncatedNormal', 'uniform'];
// Standard deviation of a unit normal truncated to [-2, 2]: dividing by it restores the variance.
const TRUNCATED_STDDEV = 0.8796256610342398;

const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/**
 * Draws with variance scale / n, where n is fanIn, fanOut or their average (Keras's
 * VarianceScaling); the base of the Glorot, He and LeCun initializers.
 */
export class VarianceScaling extends Initializer {
  static override className = 'VarianceScaling';
  readonly scale: number;
  readonly mode: FanMode;
  readonly distribution: VarianceDistribution;
  readonly seed?: number;

  constructor(args: VarianceScalingArgs = {}) {
    super();
    this.scale = args.scale ?? 1;
    const mode = camel(args.mode ?? 'fanIn') as FanMode;
    const distribution = camel(args.distribution ?? 'truncatedNormal');
    this.mode = mode;
    this.distribution = (distribution === 'normal' ? 'truncatedNormal' : distribution) as VarianceDistribution;
    this.seed = args.seed;
    check(this.scale > 0, 'scale', this.scale, 'must be a positive number');
    check(MODES.includes(this.mode), 'mode', args.mode, `must be one of ${MODES.join(', ')}`);
    check(
      DISTRIBUTIONS.includes(this.distribution), 'distribution', args.distribution,
      `must be one of ${DISTRIBUTIONS.join(', ')}`,
    );
  }

  apply(shape: number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    const { fanIn, fanOut } = computeFans(shape);
    const n = this.mode === 'fanIn' ? fanIn : this.mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
    const variance = this.scale / Math.max(1, n);
    const float = dtype as 'float32';
    if (this.distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      return tf.randomUniform(shape, -limit, limit, float, this.seed);
    }
    if (this.distribution === 'untruncatedNormal') {
      return tf.randomNormal(shape, 0, Math.sqrt(variance), float, this.seed);
    }
    return tf.truncatedNormal(shape, 0, Math.sqrt(variance) / TRUNCATED_STDDEV, float, this.seed);
  }

  override getConfig(): Record<string, unknown> {
    return { scale: this.scale, mode: this.mode, distribution: this.distribution, seed: this.seed };
  }
}

export const varianceScaling = (args?: VarianceScalingArgs) => new VarianceScaling(args);
