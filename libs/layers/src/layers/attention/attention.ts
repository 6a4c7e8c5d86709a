import * as tf from '@tensorflow/tfjs-core';
import type { LayerVariable } from '../../engine/layer-variable';
import { registerLayer } from '../../engine/registry';
import type { Shape } from '../../engine/shape';
import { assertOneOf } from '../../engine/validate';
import { BaseDenseAttention, type BaseDenseAttentionArgs } from './base-dense-attention';

export interface AttentionArgs extends BaseDenseAttentionArgs {
  /** Learn a scalar that multiplies the scores (initialised to 1). */
  useScale?: boolean;
  /** 'dot': query . key; 'concat': sum(tanh(query + key)) times a learned scalar. */
  scoreMode?: 'dot' | 'concat';
}

/** Dot-product (Luong-style) attention, as Keras's Attention layer. */
export class Attention extends BaseDenseAttention {
  static override className = 'Attention';
  readonly useScale: boolean;
  readonly scoreMode: 'dot' | 'concat';
  scale: LayerVariable | null = null;
  concatScoreWeight: LayerVariable | null = null;

  constructor(args: AttentionArgs = {}) {
    super(args);
    this.useScale = args.useScale ?? false;
    this.scoreMode = assertOneOf(args.scoreMode ?? 'dot', ['dot', 'concat'], 'scoreMode', 'Attention');
  }

  override build(inputShape: Shape | Shape[]): void {
    this.inputShapes(inputShape);
    if (this.useScale) this.scale = this.addWeight({ name: 'scale', shape: [], initializer: 'ones' });
    if (this.scoreMode === 'concat') {
      this.concatScoreWeight = this.addWeight({ name: 'concat_score_weight', shape: [], initializer: 'ones' });
    }
    super.build(inputShape);
  }

  protected scores(query: tf.Tensor3D, key: tf.Tensor3D): tf.Tensor3D {
    if (this.scoreMode === 'dot') {
      const scores = tf.matMul(query, key, false, true);
      return (this.scale ? tf.mul(scores, this.scale.read()) : scores) as tf.Tensor3D;
    }
    let sum: tf.Tensor = tf.add(tf.expandDims(query, 2), tf.expandDims(key, 1));
    if (this.scale) sum = tf.mul(sum, this.scale.read());
    return tf.mul(tf.sum(tf.tanh(sum), -1), this.concatScoreWeight!.read()) as tf.Tensor3D;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), useScale: this.useScale, scoreMode: this.scoreMode };
  }
}
registerLayer(Attention);

export const attention = (args?: AttentionArgs) => new Attention(args);
