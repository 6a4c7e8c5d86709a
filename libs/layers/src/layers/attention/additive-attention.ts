import * as tf from '@tensorflow/tfjs-core';
import type { LayerVariable } from '../../engine/layer-variable';
import { registerLayer } from '../../engine/registry';
import type { Shape } from '../../engine/shape';
import { BaseDenseAttention, type BaseDenseAttentionArgs } from './base-dense-attention';

export interface AdditiveAttentionArgs extends BaseDenseAttentionArgs {
  /** Learn a per-feature scale of the tanh terms (default true). */
  useScale?: boolean;
}

/** Additive (Bahdanau-style) attention: scores = sum(scale * tanh(query + key)), as Keras's AdditiveAttention. */
export class AdditiveAttention extends BaseDenseAttention {
  static override className = 'AdditiveAttention';
  readonly useScale: boolean;
  scale: LayerVariable | null = null;

  constructor(args: AdditiveAttentionArgs = {}) {
    super(args);
    this.useScale = args.useScale ?? true;
  }

  override build(inputShape: Shape | Shape[]): void {
    const [query] = this.inputShapes(inputShape);
    const dim = query[query.length - 1];
    if (this.useScale) {
      if (dim === null) throw new Error(`AdditiveAttention '${this.name}' needs a known feature size for its scale.`);
      this.scale = this.addWeight({ name: 'scale', shape: [dim], initializer: 'glorotUniform' });
    }
    super.build(inputShape);
  }

  protected scores(query: tf.Tensor3D, key: tf.Tensor3D): tf.Tensor3D {
    let terms = tf.tanh(tf.add(tf.expandDims(query, 2), tf.expandDims(key, 1)));
    if (this.scale) terms = tf.mul(terms, this.scale.read());
    return tf.sum(terms, -1) as tf.Tensor3D;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), useScale: this.useScale };
  }
}
registerLayer(AdditiveAttention);

export const additiveAttention = (args?: AdditiveAttentionArgs) => new AdditiveAttention(args);
