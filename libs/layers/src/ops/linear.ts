import * as tf from '@tensorflow/tfjs-core';
import { gemm, reluGradFromOutput, WEFT_GEMM } from '@weft/tensor';

/** Whether the active backend has weft's gemm kernel (wasm with weft's kernels), which `linear` runs on. */
export const hasGemm = (): boolean => !!tf.getKernel(WEFT_GEMM, tf.getBackend());

/**
 * activation(x [M, K] kernel [K, N] + bias [N]), activation linear or relu, with the product and
 * both of its gradients as gemm calls:
 * dx = dy kernel^T (the kernel, small, transposed explicitly) and dkernel = x^T dy (gemm reads x
 * transposed in place), and dbias the column sums of dy. The stock path instead transposes x, the
 * large operand, for the weight gradient, and runs XNNPACK, which repacks the right operand of
 * every call. relu's gradient comes from the output in one pass (reluGradFromOutput).
 */
export function linear(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D | null, activation: 'linear' | 'relu' = 'linear'): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [a, w, b] = args.slice(0, -1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D | undefined];
    const product = gemm(a, w, b ?? null);
    const y = activation === 'relu' ? tf.relu(product) : product;
    save([a, w, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws, ys] = saved as tf.Tensor2D[];
        const dz = (activation === 'relu' ? reluGradFromOutput(dy, ys) : dy) as tf.Tensor2D;
        const grads = [gemm(dz, tf.transpose(ws)), gemm(xs, dz, null, { transposeA: true })];
        return b ? [...grads, tf.sum(dz, 0)] : grads;
      },
    };
  });
  return (bias ? op(x, kernel, bias) : op(x, kernel)) as tf.Tensor2D;
}
