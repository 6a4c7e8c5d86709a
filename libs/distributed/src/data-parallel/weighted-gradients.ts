import type { GradientHook, LayerVariable } from '@weft/layers';
import { GradientBuckets } from '../gradient-buckets';
import type { ProcessGroup } from '../process-group';
import { RowSparseExchange } from '../sparse-rows';

/** A weight whose gradient is 2-D and usually zero in most rows (an Embedding's table). */
const isRowSparse = (w: LayerVariable) => w.sparseGradient && w.shape.length === 2;

/**
 * The gradient hook of a data-parallel rank: sums every rank's gradients weighted by its share of
 * the global batch (rows / batch rows), so the result is the gradient of the global batch's mean
 * loss, whatever the split. Gradients travel in buckets on the group's own memory, except those
 * of row-sparse weights (LayerVariable.sparseGradient): each has an exchange of its own, which
 * sends only the rows a batch touched when that is smaller (unless `sparseGradients` is false),
 * with the bits of the dense all-reduce either way.
 */
export function weightedGradientHook(
  group: ProcessGroup,
  weights: readonly LayerVariable[],
  options: { capBytes: number; timeoutMs: number; rows: () => { mine: number; batch: number }; sparseGradients?: boolean },
): GradientHook {
  const names = weights.map((w, i) => `${i}:${w.name}`);
  const dense = weights.flatMap((w, i) => (isRowSparse(w) ? [] : [i]));
  const buckets = new GradientBuckets(
    dense.map((i) => ({ name: names[i], shape: weights[i].shape })),
    { capBytes: options.capBytes, allocate: (n) => group.allocate(n) },
  );
  const exchanges = weights.flatMap((w, i) => (isRowSparse(w) ? [{ i, exchange: new RowSparseExchange(group, names[i], w.shape) }] : []));
  return async (grads) => {
    const named = Object.fromEntries(dense.map((i) => [names[i], grads[i]]));
    const { mine, batch } = options.rows();
    // An even split is a plain mean; scaling every gradient in JavaScript costs about as much as the reduction.
    const weighting = mine * group.size === batch ? ({ op: 'mean' } as const) : ({ op: 'sum', scale: mine / batch } as const);
    const reduced = await buckets.allReduceTensors(group, named, { ...weighting, timeoutMs: options.timeoutMs });
    const out = names.map((name) => reduced[name]);
    for (const { i, exchange } of exchanges) {
      out[i] = await exchange.allReduceTensor(grads[i], { ...weighting, timeoutMs: options.timeoutMs, sparse: options.sparseGradients });
    }
    return out;
  };
}
