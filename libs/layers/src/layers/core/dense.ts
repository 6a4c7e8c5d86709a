import * as tf from '@tensorflow/tfjs-core';
import { hasGemm, linear } from '../../ops/linear';
import { Layer, type CallArgs, type LayerArgs, type Tensors } from '../../engine/layer';
import type { LayerVariable } from '../../engine/layer-variable';
import {
  getActivation,
  getRegularizer,
  serializeActivation,
  type Activation,
  type Regularizer,
  type ActivationId,
  type RegularizerId,
} from '../../engine/leaf-modules';
import { registerLayer } from '../../engine/registry';
import { singleShape, shapeToString, type Shape } from '../../engine/shape';
import { assertPositiveInt } from '../../engine/validate';
import { serializeWeightSpecs, weightSpecs, type WeightArgs, type WeightSpec } from '../../engine/weight-spec';

export interface DenseArgs extends LayerArgs, WeightArgs<'kernel' | 'bias'> {
  units: number;
  activation?: ActivationId;
  useBias?: boolean;
  activityRegularizer?: RegularizerId;
}

/** Activations the fused matmul kernel can differentiate (tfjs-core supports linear and relu). */
const FUSABLE = new Set(['linear', 'relu']);

/** output = activation(dot(input, kernel) + bias), on the last axis. */
export class Dense extends Layer {
  static override className = 'Dense';
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  private readonly specs: Record<'kernel' | 'bias', WeightSpec>;
  private readonly activityRegularizer: Regularizer | null;
  kernel: LayerVariable | null = null;
  bias: LayerVariable | null = null;

  constructor(args: DenseArgs) {
    super(args);
    this.units = assertPositiveInt(args?.units, 'units', 'Dense');
    this.activation = getActivation(args.activation ?? null);
    this.useBias = args.useBias ?? true;
    this.specs = weightSpecs(args, { kernel: 'glorotUniform', bias: 'zeros' });
    this.activityRegularizer = getRegularizer(args.activityRegularizer ?? null);
    this.supportsMasking = true;
    this.inputSpec = { minNdim: 2 };
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape, this.name);
    const inputDim = shape[shape.length - 1];
    if (inputDim === null || inputDim === undefined) {
      throw new Error(`Dense '${this.name}' needs a known last input axis. Received: input shape ${shapeToString(shape)}`);
    }
    this.kernel = this.addWeight({ name: 'kernel', shape: [inputDim, this.units], ...this.specs.kernel });
    if (this.useBias) this.bias = this.addWeight({ name: 'bias', shape: [this.units], ...this.specs.bias });
    this.inputSpec = { minNdim: 2, axes: { [-1]: inputDim } };
    super.build(inputShape);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, this.name);
    return [...shape.slice(0, -1), this.units];
  }

  call(inputs: Tensors, _args: CallArgs): Tensors {
    return tf.tidy(() => {
      let x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x.dtype !== 'float32') x = tf.cast(x, 'float32');
      const kernel = this.kernel!.read();
      const bias = this.bias ? this.bias.read() : undefined;
      const outShape = [...x.shape.slice(0, -1), this.units];
      const x2 = x.rank === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [-1, x.shape[x.rank - 1]]) as tf.Tensor2D;
      let y: tf.Tensor;
      if (hasGemm()) {
        // weft's gemm forward and backward (ops/linear.ts); relu rides along.
        const fusable = this.activation.name === 'relu';
        y = linear(x2, kernel as tf.Tensor2D, (bias as tf.Tensor1D | undefined) ?? null, fusable ? 'relu' : 'linear');
        if (!fusable) y = this.activation.apply(y);
      } else if (FUSABLE.has(this.activation.name)) {
        y = tf.fused.matMul({ a: x2, b: kernel as tf.Tensor2D, bias, activation: this.activation.name as 'relu' | 'linear' });
      } else {
        y = tf.matMul(x2, kernel as tf.Tensor2D);
        if (bias) y = tf.add(y, bias);
        y = this.activation.apply(y);
      }
      if (x.rank !== 2) y = tf.reshape(y, outShape);
      // Keras 3 divides the activity penalty by the batch size.
      if (this.activityRegularizer) this.addLoss(tf.div(this.activityRegularizer.apply(y), y.shape[0]) as tf.Scalar);
      return y;
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: serializeActivation(this.activation),
      useBias: this.useBias,
      ...serializeWeightSpecs(this.specs, { activityRegularizer: this.activityRegularizer }),
    };
  }
}
registerLayer(Dense);

export const dense = (args: DenseArgs) => new Dense(args);
