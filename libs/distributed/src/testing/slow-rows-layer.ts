// A layer that makes the rank training certain rows slower, for the row-balancing tests; ranks load this module through `modules`.
import { tf } from '@weft/tensor';
import { Layer, registerLayer, type CallArgs, type LayerArgs, type Tensors } from '@weft/layers';

/** The first input column's value that marks a slow row (absent from normal data). */
export const SLOW_MARKER = 7;

export interface SlowRowsArgs extends LayerArgs {
  /** Milliseconds of busy work per marked row in a training call. */
  msPerRow: number;
}

/** Identity; in training, spins `msPerRow` for every row whose first column is SLOW_MARKER. */
export class SlowRows extends Layer {
  static override className = 'SlowRows';
  readonly msPerRow: number;

  constructor(args: SlowRowsArgs) {
    super(args);
    this.msPerRow = args.msPerRow;
  }

  call(inputs: Tensors, args: CallArgs): Tensors {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
    if (args.training) {
      const marked = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.slice(x, [0, 0], [-1, 1]), SLOW_MARKER), 'float32')).dataSync()[0]);
      const until = performance.now() + marked * this.msPerRow;
      while (performance.now() < until);
    }
    return tf.clone(x);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), msPerRow: this.msPerRow };
  }
}
registerLayer(SlowRows);
