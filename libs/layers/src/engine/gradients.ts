// tfjs-core's CommonJS bundle registers no gradient functions (the tfjs union package and
// tfjs-layers do, on load). Loading tfjs-layers' bundle registers tfjs-core's gradient configs for
// every kernel, which training needs; nothing else of tfjs-layers is used at run time.
import '@tensorflow/tfjs-layers';
import { tf } from '@weft/tensor';

/**
 * Sum's and Mean's gradients broadcast dy back over the reduced axes. tfjs's configs do it as
 * dy * ones(x.shape), building the ones in a JavaScript array each step: for a pooling over a
 * batch of sequences (32 x 400 x 50 in the IMDB fastText) that is a 2.5 MB array filled in a JS
 * loop, copied into the backend and freed (page faults), over a third of the step on wasm. Here
 * the backend fills the ones (its Fill kernel; wasm's Tile was measured 3x slower than the whole
 * old step). Mean divides dy by the count before broadcasting: the same division of the same values.
 */
function reductionGradConfig(kernelName: string, mean: boolean): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const axes = tf.util.parseAxisParam((attrs as unknown as tf.SumAttrs).axis, x.shape);
      const kept = x.shape.map((size, i) => (axes.includes(i) ? 1 : size));
      const count = axes.reduce((n, a) => n * x.shape[a], 1);
      const scaled = mean ? tf.div(dy as tf.Tensor, count) : (dy as tf.Tensor);
      return { x: () => tf.mul(tf.reshape(scaled, kept), tf.fill(x.shape, 1)) };
    },
  };
}

export const sumGradConfig = reductionGradConfig(tf.Sum, false);
export const meanGradConfig = reductionGradConfig(tf.Mean, true);

tf.registerGradient(sumGradConfig);
tf.registerGradient(meanGradConfig);
