import * as tf from '@tensorflow/tfjs-core';
import { Layer, type CallArgs, type LayerArgs, type Tensors } from '../../engine/layer';
import { registerLayer } from '../../engine/registry';
import { singleShape, type Shape } from '../../engine/shape';

export interface ZeroPadding1DArgs extends LayerArgs {
  /** Zeros added before and after the steps: one number for both, or [before, after] (default 1). */
  padding?: number | [number, number];
}

/** Pads the time axis of [batch, steps, channels] with zeros. */
export class ZeroPadding1D extends Layer {
  static override className = 'ZeroPadding1D';
  readonly padding: [number, number];

  constructor(args: ZeroPadding1DArgs = {}) {
    super(args);
    this.padding = beforeAfter(args.padding ?? 1, 'padding', 'ZeroPadding1D');
    this.inputSpec = { ndim: 3 };
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [batch, steps, channels] = singleShape(inputShape, this.name);
    return [batch, steps === null ? null : steps + this.padding[0] + this.padding[1], channels];
  }

  call(inputs: Tensors, _args: CallArgs): Tensors {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.pad(x, [[0, 0], this.padding, [0, 0]]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), padding: this.padding };
  }
}
registerLayer(ZeroPadding1D);

export const zeroPadding1d = (args?: ZeroPadding1DArgs) => new ZeroPadding1D(args);

/** One non-negative integer for both sides, or [before, after]. */
export function beforeAfter(value: unknown, arg: string, owner: string): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || pair.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new Error(
      `${owner}: \`${arg}\` must be a non-negative integer or a pair [before, after] of them. Received: ${arg}=${JSON.stringify(value)}`,
    );
  }
  return [pair[0], pair[1]];
}
