import * as tf from '@tensorflow/tfjs-core';
import { Layer, type CallArgs, type LayerArgs, type Tensors } from '../../engine/layer';
import { registerLayer } from '../../engine/registry';
import { singleShape, shapeToString, type Shape } from '../../engine/shape';
import { beforeAfter } from './zero-padding1d';

export interface Cropping1DArgs extends LayerArgs {
  /** Steps removed at the start and at the end: one number for both, or [start, end] (default 1). */
  cropping?: number | [number, number];
}

/** Crops the time axis of [batch, steps, channels]. */
export class Cropping1D extends Layer {
  static override className = 'Cropping1D';
  readonly cropping: [number, number];

  constructor(args: Cropping1DArgs = {}) {
    super(args);
    this.cropping = beforeAfter(args.cropping ?? 1, 'cropping', 'Cropping1D');
    this.inputSpec = { ndim: 3 };
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [batch, steps, channels] = singleShape(inputShape, this.name);
    return [batch, steps === null ? null : steps - this.cropping[0] - this.cropping[1], channels];
  }

  call(inputs: Tensors, _args: CallArgs): Tensors {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const [batch, steps, channels] = x.shape;
    const kept = steps - this.cropping[0] - this.cropping[1];
    if (kept <= 0) {
      throw new Error(
        `Cropping1D '${this.name}' would crop every step: cropping=${JSON.stringify(this.cropping)}. Received: input shape ${shapeToString(x.shape)}`,
      );
    }
    return tf.slice(x, [0, this.cropping[0], 0], [batch, kept, channels]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), cropping: this.cropping };
  }
}
registerLayer(Cropping1D);

export const cropping1d = (args?: Cropping1DArgs) => new Cropping1D(args);
