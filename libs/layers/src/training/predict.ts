import * as tf from '@tensorflow/tfjs-core';
import { assertPositiveInt } from '../engine/validate';
import { toTensorList, type DataInput } from './data';
import type { PredictArgs } from './fit-args';
import type { TrainingModel } from './training-model';

/** Outputs in inference mode, computed batch by batch and concatenated. */
export function predictModel(model: TrainingModel, x: DataInput, args: PredictArgs = {}): tf.Tensor | tf.Tensor[] {
  const xs = toTensorList(x, model.inputNames, 'x', model.name);
  const batchSize = assertPositiveInt(args.batchSize ?? 32, 'batchSize', 'predict()');
  if (!model.built) model.build(xs.length === 1 ? xs[0].shape : xs.map((t) => t.shape));
  const n = xs[0].shape[0];
  const chunks: tf.Tensor[][] = [];
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(start + batchSize, n);
    chunks.push(
      tf.tidy(() => {
        const batch = xs.map((t) => (start === 0 && end === n ? t : tf.slice(t, [start], [end - start])));
        const out = model.invoke(batch.length === 1 ? batch[0] : batch, { training: false }).outputs;
        // An identity model returns its input: copy so the caller owns every result.
        return (Array.isArray(out) ? out : [out]).map((o) => (xs.includes(o) ? o.clone() : o));
      }),
    );
  }
  model.clearCallLosses(); // activity-regularization terms mean nothing at inference
  const outputs = chunks[0].map((_, i) => (chunks.length === 1 ? chunks[0][i] : tf.concat(chunks.map((c) => c[i]), 0)));
  if (chunks.length > 1) tf.dispose(chunks.flat());
  return outputs.length === 1 ? outputs[0] : outputs;
}
