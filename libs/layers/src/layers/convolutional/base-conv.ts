import * as tf from '@tensorflow/tfjs-core';
import { Layer, type CallArgs, type LayerArgs, type Tensors } from '../../engine/layer';
import type { LayerVariable } from '../../engine/layer-variable';
import {
  getActivation,
  getRegularizer,
  serializeActivation,
  type Activation,
  type ActivationId,
  type Regularizer,
  type RegularizerId,
} from '../../engine/leaf-modules';
import { singleShape, shapeToString, type Shape } from '../../engine/shape';
import { assertOneOf, assertPositiveInt } from '../../engine/validate';
import { serializeWeightSpecs, weightSpecs, type WeightArgs, type WeightSpec } from '../../engine/weight-spec';
import { checkDataFormat, convOutputLength, normalizeTuple, type Padding } from './conv-utils';

/** Bias and activation applied inside the convolution kernel. */
export interface FusedEpilogue {
  bias: tf.Tensor | null;
  activation: 'linear' | 'relu';
}

export interface BaseConvArgs extends LayerArgs, WeightArgs<'kernel' | 'bias'> {
  filters: number;
  kernelSize: number | number[];
  strides?: number | number[];
  /** 'valid', 'same', or (Conv1D only) 'causal': left padding so that output t sees inputs <= t. */
  padding?: Padding;
  dataFormat?: 'channelsLast' | 'channels_last';
  dilationRate?: number | number[];
  activation?: ActivationId;
  useBias?: boolean;
  activityRegularizer?: RegularizerId;
}

/** Convolution over `rank` spatial axes, channels last: kernel [...kernelSize, inChannels, filters]. */
export abstract class BaseConv extends Layer {
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: Padding;
  readonly dilationRate: number[];
  readonly activation: Activation;
  readonly useBias: boolean;
  private readonly specs: Record<'kernel' | 'bias', WeightSpec>;
  private readonly activityRegularizer: Regularizer | null;
  kernel: LayerVariable | null = null;
  bias: LayerVariable | null = null;

  constructor(protected readonly rank: number, args: BaseConvArgs) {
    super(args);
    const owner = (this.constructor as typeof Layer).className;
    this.filters = assertPositiveInt(args?.filters, 'filters', owner);
    this.kernelSize = normalizeTuple(args.kernelSize, rank, 'kernelSize', owner);
    this.strides = normalizeTuple(args.strides ?? 1, rank, 'strides', owner);
    this.padding = assertOneOf(args.padding ?? 'valid', rank === 1 ? ['valid', 'same', 'causal'] : ['valid', 'same'], 'padding', owner);
    checkDataFormat(args.dataFormat, owner);
    this.dilationRate = normalizeTuple(args.dilationRate ?? 1, rank, 'dilationRate', owner);
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1)) {
      throw new Error(
        `${owner}: strides > 1 together with dilationRate > 1 is not supported. Received: strides=${JSON.stringify(this.strides)}, dilationRate=${JSON.stringify(this.dilationRate)}`,
      );
    }
    this.activation = getActivation(args.activation ?? null);
    this.useBias = args.useBias ?? true;
    this.specs = weightSpecs(args, { kernel: 'glorotUniform', bias: 'zeros' });
    this.activityRegularizer = getRegularizer(args.activityRegularizer ?? null);
    this.inputSpec = { ndim: rank + 2 };
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleShape(inputShape, this.name);
    const channels = shape[shape.length - 1];
    if (channels === null || channels === undefined) {
      throw new Error(`${this.getClassName()} '${this.name}' needs a known channel axis (last). Received: input shape ${shapeToString(shape)}`);
    }
    this.kernel = this.addWeight({ name: 'kernel', shape: [...this.kernelSize, channels, this.filters], ...this.specs.kernel });
    if (this.useBias) this.bias = this.addWeight({ name: 'bias', shape: [this.filters], ...this.specs.bias });
    this.inputSpec = { ndim: this.rank + 2, axes: { [-1]: channels } };
    super.build(inputShape);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, this.name);
    const spatial = shape
      .slice(1, -1)
      .map((n, i) => convOutputLength(n, this.kernelSize[i], this.padding, this.strides[i], this.dilationRate[i]));
    return [shape[0], ...spatial, this.filters];
  }

  /**
   * The convolution on channels-last inputs, dilation already in the kernel. With `fused`, the
   * bias and a linear/relu activation go into the same kernel (Conv1D/Conv2D); without, neither.
   */
  protected abstract convolve(x: tf.Tensor, kernel: tf.Tensor, fused: FusedEpilogue | null): tf.Tensor;

  /** Whether convolve() can fuse the bias and activation. */
  protected readonly fusesEpilogue: boolean = false;

  call(inputs: Tensors, _args: CallArgs): Tensors {
    return tf.tidy(() => {
      let x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x.dtype !== 'float32') x = tf.cast(x, 'float32');
      const kernel = dilateKernel(this.kernel!.read(), this.dilationRate);
      const bias = this.bias ? this.bias.read() : null;
      const act = this.activation.name;
      let y: tf.Tensor;
      if (this.fusesEpilogue && (act === 'linear' || act === 'relu')) {
        y = this.convolve(x, kernel, { bias, activation: act });
      } else {
        y = this.convolve(x, kernel, null);
        if (bias) y = tf.add(y, bias);
        y = this.activation.apply(y);
      }
      if (this.activityRegularizer) this.addLoss(tf.keep(this.activityRegularizer.apply(y)));
      return y;
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dataFormat: 'channelsLast',
      dilationRate: this.dilationRate,
      activation: serializeActivation(this.activation),
      useBias: this.useBias,
      ...serializeWeightSpecs(this.specs, { activityRegularizer: this.activityRegularizer }),
    };
  }
}

/**
 * The kernel with (rate - 1) zeros between taps on each spatial axis: a dilated convolution as a
 * plain one. tfjs-core cannot differentiate convolutions with dilations > 1; this can.
 */
export function dilateKernel(kernel: tf.Tensor, rates: number[]): tf.Tensor {
  let k = kernel;
  rates.forEach((rate, axis) => {
    if (rate === 1) return;
    const shape = k.shape;
    const taps = shape[axis];
    const spread = tf.pad(
      tf.expandDims(k, axis + 1),
      shape.map((_, d) => (d === axis ? [0, 0] : [0, 0])).flatMap((p, d) => (d === axis ? [p, [0, rate - 1]] : [p])) as [number, number][],
    );
    const merged = tf.reshape(spread, [...shape.slice(0, axis), taps * rate, ...shape.slice(axis + 1)]);
    k = tf.slice(merged, shape.map(() => 0), [...shape.slice(0, axis), (taps - 1) * rate + 1, ...shape.slice(axis + 1)]);
  });
  return k;
}
