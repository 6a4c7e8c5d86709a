import * as tf from '@tensorflow/tfjs-core';
import type { LayerArgs, MaskArg, Tensors } from '../../engine/layer';
import { registerLayer } from '../../engine/registry';
import { shapeToString, type Shape } from '../../engine/shape';
import { Merge } from './merge';

export interface DotArgs extends LayerArgs {
  /** Axis (or one axis per input) along which to take the dot product; 1 or 2 (or -1). */
  axes: number | [number, number];
  /** L2-normalize along the dot axes first, so the result is the cosine similarity. */
  normalize?: boolean;
}

/** Batched dot product of two inputs of rank 2 or 3 along the given axes. */
export class Dot extends Merge {
  static override className = 'Dot';
  protected override maxInputs = 2;
  readonly axes: number | [number, number];
  readonly normalize: boolean;

  constructor(args: DotArgs) {
    super(args);
    const axes = args?.axes;
    const ok = (a: unknown) => Number.isInteger(a) && (a as number) !== 0;
    if (!(ok(axes) || (Array.isArray(axes) && axes.length === 2 && axes.every(ok)))) {
      throw new Error(`Dot: \`axes\` must be a non-zero integer or a pair of them. Received: axes=${JSON.stringify(axes)}`);
    }
    this.axes = axes;
    this.normalize = args.normalize ?? false;
    this.supportsMasking = false;
  }

  private resolvedAxes(shapes: Shape[]): [number, number] {
    const pair = Array.isArray(this.axes) ? this.axes : [this.axes, this.axes];
    const [a, b] = pair.map((ax, i) => (ax < 0 ? shapes[i].length + ax : ax));
    const [sa, sb] = shapes;
    if (sa.length !== sb.length || sa.length < 2 || sa.length > 3 || a < 1 || b < 1 || a >= sa.length || b >= sb.length) {
      throw new Error(`Dot '${this.name}' supports two inputs of rank 2 or 3 and axes >= 1. Received: shapes ${shapes.map(shapeToString).join(', ')}, axes=${JSON.stringify(this.axes)}`);
    }
    if (sa[a] !== null && sb[b] !== null && sa[a] !== sb[b]) {
      throw new Error(`Dot '${this.name}': sizes on the dot axes differ. Received: shapes ${shapes.map(shapeToString).join(', ')}, axes=${JSON.stringify(this.axes)}`);
    }
    return [a, b];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = this.checkInputs(inputShape);
    const [a, b] = this.resolvedAxes(shapes);
    const rest = (s: Shape, ax: number) => s.filter((_, i) => i !== 0 && i !== ax);
    const out = [shapes[0][0], ...rest(shapes[0], a), ...rest(shapes[1], b)];
    return out.length === 1 ? [...out, 1] : out;
  }

  protected merge(inputs: tf.Tensor[]): tf.Tensor {
    const [a, b] = this.resolvedAxes(inputs.map((x) => x.shape));
    let [x, y] = inputs;
    if (this.normalize) {
      x = tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), a, true), 1e-12)));
      y = tf.div(y, tf.sqrt(tf.maximum(tf.sum(tf.square(y), b, true), 1e-12)));
    }
    if (x.rank === 2) return tf.sum(tf.mul(x, y), 1, true);
    // [b, n, d] . [b, m, d] along d -> [b, n, m] via one batched matmul with transposes as needed.
    return tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D, a === 1, b === 2);
  }

  override computeMask(_inputs: Tensors, _mask?: MaskArg): MaskArg {
    return null;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axes: this.axes, normalize: this.normalize };
  }
}
registerLayer(Dot);

export const dot = (args: DotArgs) => new Dot(args);
