import * as tf from '@tensorflow/tfjs-core';

/** What every recurrent sequence op takes. Shapes: batch B, time T, features D, units U. */
export interface SequenceArgs {
  /** [B, T, D], in the order the steps run (reverse it beforehand for goBackwards). */
  inputs: tf.Tensor3D;
  /** [D, gates * U] */
  kernel: tf.Tensor2D;
  /** [U, gates * U] */
  recurrentKernel: tf.Tensor2D;
  bias?: tf.Tensor | null;
  /** [h0] or, for the LSTM, [h0, c0]; each [B, U]. */
  initialStates: tf.Tensor2D[];
  /** [B, T], 1 where the step is real, 0 where it is masked (the state carries through). */
  mask?: tf.Tensor2D | null;
  /** [B, D], already scaled by 1 / (1 - rate); one mask for the whole sequence, as Keras. */
  inputDropoutMask?: tf.Tensor2D | null;
  /** [B, U], applied to the previous output where it enters the recurrent matmul. */
  recurrentDropoutMask?: tf.Tensor2D | null;
  /** false: only the last output is computed. */
  returnSequences: boolean;
}

export interface SequenceResult {
  /** [B, T, U] when returnSequences, else null. A masked step outputs the previous output (zeros before any real step), as Keras. */
  outputs: tf.Tensor3D | null;
  /** [B, U] */
  lastOutput: tf.Tensor2D;
  /** Final states, carried through masked steps: [h] or [h, c]. */
  states: tf.Tensor2D[];
}
