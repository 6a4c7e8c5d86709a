import * as tf from '@tensorflow/tfjs-core';
import { Layer, type CallArgs, type LayerArgs, type Tensors } from '../../engine/layer';
import { singleShape, type Shape } from '../../engine/shape';
import { assertOneOf } from '../../engine/validate';
import { checkDataFormat, convOutputLength, normalizeTuple } from '../convolutional/conv-utils';

export interface PoolingArgs extends LayerArgs {
  /** Window size; default 2 per spatial axis. */
  poolSize?: number | number[];
  /** Default: poolSize. */
  strides?: number | number[] | null;
  padding?: 'valid' | 'same';
  dataFormat?: 'channelsLast' | 'channels_last';
}

/** Max or average pooling over `rank` spatial axes, channels last. */
export abstract class BasePooling extends Layer {
  readonly poolSize: number[];
  readonly strides: number[];
  readonly padding: 'valid' | 'same';

  constructor(
    private readonly rank: number,
    private readonly kind: 'max' | 'avg',
    args: PoolingArgs = {},
  ) {
    super(args);
    const owner = (this.constructor as typeof Layer).className;
    this.poolSize = normalizeTuple(args.poolSize ?? 2, rank, 'poolSize', owner);
    this.strides = normalizeTuple(args.strides ?? this.poolSize, rank, 'strides', owner);
    this.padding = assertOneOf(args.padding ?? 'valid', ['valid', 'same'], 'padding', owner);
    checkDataFormat(args.dataFormat, owner);
    this.inputSpec = { ndim: rank + 2 };
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, this.name);
    const spatial = shape.slice(1, -1).map((n, i) => convOutputLength(n, this.poolSize[i], this.padding, this.strides[i]));
    return [shape[0], ...spatial, shape[shape.length - 1]];
  }

  call(inputs: Tensors, _args: CallArgs): Tensors {
    return tf.tidy(() => {
      let x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x.dtype !== 'float32') x = tf.cast(x, 'float32');
      const max = this.kind === 'max';
      if (this.rank === 1) {
        const as2d = tf.expandDims(x, 2) as tf.Tensor4D;
        const size: [number, number] = [this.poolSize[0], 1];
        const strides: [number, number] = [this.strides[0], 1];
        const y = max ? tf.maxPool(as2d, size, strides, this.padding) : tf.avgPool(as2d, size, strides, this.padding);
        return tf.squeeze(y, [2]);
      }
      if (this.rank === 2) {
        const size = this.poolSize as [number, number];
        const strides = this.strides as [number, number];
        return max ? tf.maxPool(x as tf.Tensor4D, size, strides, this.padding) : tf.avgPool(x as tf.Tensor4D, size, strides, this.padding);
      }
      const size = this.poolSize as [number, number, number];
      const strides = this.strides as [number, number, number];
      if (max) return tf.maxPool3d(x as tf.Tensor5D, size, strides, this.padding);
      if (this.padding === 'valid') return tf.avgPool3d(x as tf.Tensor5D, size, strides, 'valid');
      return this.avgPool3dSame(x as tf.Tensor5D, size, strides);
    });
  }

  /**
   * tfjs-core's gradient of avgPool3d with 'same' padding is wrong at the borders (checked against
   * finite differences), so pad explicitly, pool 'valid', and divide by the count of real cells.
   */
  private avgPool3dSame(x: tf.Tensor5D, size: [number, number, number], strides: [number, number, number]): tf.Tensor {
    const pads = x.shape.slice(1, 4).map((n, i) => {
      const total = Math.max((Math.ceil(n / strides[i]) - 1) * strides[i] + size[i] - n, 0);
      return [Math.floor(total / 2), total - Math.floor(total / 2)] as [number, number];
    });
    const padding: [number, number][] = [[0, 0], ...pads, [0, 0]];
    const windowSum = tf.mul(tf.avgPool3d(tf.pad(x, padding), size, strides, 'valid'), size[0] * size[1] * size[2]);
    const ones = tf.pad(tf.ones([1, ...x.shape.slice(1, 4), 1]), padding);
    const count = tf.mul(tf.avgPool3d(ones as tf.Tensor5D, size, strides, 'valid'), size[0] * size[1] * size[2]);
    return tf.div(windowSum, count);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      poolSize: this.poolSize,
      strides: this.strides,
      padding: this.padding,
      dataFormat: 'channelsLast',
    };
  }
}
