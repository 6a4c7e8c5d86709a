// Custom layers for the DataParallel tests; workers load this module through `modules`.
import { tf } from '@weft/tensor';
import { Layer, registerLayer, type CallArgs, type LayerVariable, type Shape, type Tensors } from '@weft/layers';

/** The value that makes FailOnMarker throw when a batch holds it. */
export const MARKER = 999;

/** Identity, except that a batch containing MARKER throws (wherever that row is trained). */
export class FailOnMarker extends Layer {
  static override className = 'FailOnMarker';

  call(inputs: Tensors, _args: CallArgs): Tensors {
    const x = inputs as tf.Tensor;
    if (tf.tidy(() => tf.any(tf.equal(x, MARKER)).dataSync()[0])) throw new Error('FailOnMarker: the marked row reached this layer');
    return tf.clone(x);
  }
}

/** Scales its input by a weight that it nudges at random in every training call: replicas diverge. */
export class RandomDrift extends Layer {
  static override className = 'RandomDrift';
  private scale: LayerVariable | null = null;

  override build(inputShape: Shape | Shape[]): void {
    this.scale = this.addWeight({ name: 'scale', shape: [1], initializer: 'ones' });
    super.build(inputShape);
  }

  call(inputs: Tensors, args: CallArgs): Tensors {
    const scale = this.scale!.variable;
    if (args.training) scale.assign(tf.tidy(() => tf.add(scale, Math.random() * 1e-3)));
    return tf.mul(inputs as tf.Tensor, scale);
  }
}

registerLayer(FailOnMarker);
registerLayer(RandomDrift);
