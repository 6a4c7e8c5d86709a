import * as tf from '@tensorflow/tfjs-core';
import { dropoutMask } from '@weft/tensor';
import { Layer, type CallArgs, type LayerArgs, type Tensors } from '../../engine/layer';
import { registerLayer } from '../../engine/registry';
import type { Shape } from '../../engine/shape';
import { assertRate } from '../../engine/validate';

export interface DropoutArgs extends LayerArgs {
  rate: number;
  /** Shape of the keep/drop mask, broadcast against the input (null entries take the input's size). */
  noiseShape?: (number | null)[] | null;
  /** Makes the sequence of masks reproducible: call k uses a seed derived from (seed, k). */
  seed?: number | null;
}

/**
 * Zeroes a fraction `rate` of the inputs during training and scales the rest by 1/(1 - rate);
 * the identity at inference.
 */
export class Dropout extends Layer {
  static override className = 'Dropout';
  readonly rate: number;
  readonly noiseShape: (number | null)[] | null;
  readonly seed: number | null;
  /** Masks drawn in training so far: where a seeded mask sequence is (a resumed fit restores it). */
  drawnMasks = 0;

  constructor(args: DropoutArgs) {
    super(args);
    this.rate = assertRate(args?.rate, 'rate', 'Dropout');
    this.noiseShape = args.noiseShape ?? null;
    this.seed = args.seed ?? null;
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  /** The seed for the next mask: a fresh stream per call, deterministic when a seed was given. */
  protected nextSeed(): number | undefined {
    if (this.seed === null) return undefined;
    this.drawnMasks += 1;
    return (this.seed * 1000003 + this.drawnMasks * 7919) % 2147483647;
  }

  call(inputs: Tensors, args: CallArgs): Tensors {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!args.training || this.rate === 0) return x;
    return tf.tidy(() => {
      const shape = this.noiseShape ? this.noiseShape.map((d, i) => d ?? x.shape[i]) : x.shape;
      return tf.mul(x, dropoutMask(shape, this.rate, this.nextSeed()));
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, noiseShape: this.noiseShape, seed: this.seed };
  }
}
registerLayer(Dropout);

export const dropout = (args: DropoutArgs) => new Dropout(args);
