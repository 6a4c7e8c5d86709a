import * as tf from '@tensorflow/tfjs-core';
import { WEFT_LSTM_BACKWARD } from './lstm-backward';
import { WEFT_LSTM_FORWARD } from './lstm-forward';

export interface LstmForwardInputs {
  /** [T, B, 4U] inputs x kernel + bias for every step. */
  projected: tf.Tensor3D;
  /** [U, 4U] */
  recKernel: tf.Tensor2D;
  h0: tf.Tensor2D;
  c0: tf.Tensor2D;
  /** [T, B] float: 1 for a real step, 0 for padding (the state carries over). */
  mask?: tf.Tensor2D | null;
  /** [B, U] recurrent dropout mask, applied to h before the recurrent matmul. */
  recMask?: tf.Tensor2D | null;
}

export interface LstmForwardResult {
  /** [T + 1, B, U]: the carried h of every step, then the final c. */
  packed: tf.Tensor3D;
  /**
   * Saved for lstmSequenceBackward: gate sigmoids [T, B, 4U] (sigmoid(2z) for the cell candidate), tanh of
   * new cells, previous cells, recurrent inputs [T, B, U].
   */
  S: tf.Tensor3D;
  C: tf.Tensor3D;
  CP: tf.Tensor3D;
  H: tf.Tensor3D;
}

const present = (named: Record<string, tf.Tensor | null | undefined>): tf.NamedTensorMap =>
  Object.fromEntries(Object.entries(named).filter(([, t]) => t)) as tf.NamedTensorMap;

/** Whether the active backend runs whole LSTM sequences in one kernel each way (wasm with weft's kernels). */
export function hasLstmSequenceKernels(): boolean {
  const backend = tf.getBackend();
  return !!tf.getKernel(WEFT_LSTM_FORWARD, backend) && !!tf.getKernel(WEFT_LSTM_BACKWARD, backend);
}

/** An LSTM's step loop (sigmoid gates, tanh cell) in one kernel; see lstm-forward.ts. Not differentiable itself. */
export function lstmSequenceForward(inputs: LstmForwardInputs): LstmForwardResult {
  const [packed, S, C, CP, H] = tf.engine().runKernel(WEFT_LSTM_FORWARD, present({ ...inputs })) as tf.Tensor3D[];
  return { packed, S, C, CP, H };
}

export interface LstmBackwardInputs {
  /** [T + 1, B, U] gradient of `packed`. */
  dy: tf.Tensor3D;
  S: tf.Tensor3D;
  C: tf.Tensor3D;
  CP: tf.Tensor3D;
  /** [4U, U] the recurrent kernel, transposed. */
  recKernelT: tf.Tensor2D;
  mask?: tf.Tensor2D | null;
  recMask?: tf.Tensor2D | null;
}

export interface LstmBackwardResult {
  /** [T, B, 4U] gradients of the gate pre-activations. */
  dZ: tf.Tensor3D;
  /** [4U, T * B] the same, transposed (the better left operand for the kernel gradients). */
  dZT: tf.Tensor2D;
  dh0: tf.Tensor2D;
  dc0: tf.Tensor2D;
}

/** Backprop through time for lstmSequenceForward. */
export function lstmSequenceBackward(inputs: LstmBackwardInputs, returnSequences: boolean): LstmBackwardResult {
  const [dZ, dh0, dc0, dZT] = tf.engine().runKernel(WEFT_LSTM_BACKWARD, present({ ...inputs }), { returnSequences }) as tf.Tensor[];
  return { dZ: dZ as tf.Tensor3D, dZT: dZT as tf.Tensor2D, dh0: dh0 as tf.Tensor2D, dc0: dc0 as tf.Tensor2D };
}
