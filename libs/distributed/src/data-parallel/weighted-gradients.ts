import type { GradientHook, LayerVariable } from '@weft/layers';
import { GradientBuckets } from '../gradient-buckets';
import type { ProcessGroup } from '../process-group';

/**
 * The gradient hook of a data-parallel rank: sums every rank's gradients weighted by its share of
 * the global batch (rows / batch rows), so the result is the gradient of the global batch's mean
 * loss, whatever the split. Gradients travel in buckets on the group's own memory.
 */
export function weightedGradientHook(
  group: ProcessGroup,
  weights: readonly LayerVariable[],
  options: { capBytes: number; timeoutMs: number; rows: () => { mine: number; batch: number } },
): GradientHook {
  const names = weights.map((w, i) => `${i}:${w.name}`);
  const buckets = new GradientBuckets(
    weights.map((w, i) => ({ name: names[i], shape: w.shape })),
    { capBytes: options.capBytes, allocate: (n) => group.allocate(n) },
  );
  return async (grads) => {
    const named = Object.fromEntries(grads.map((g, i) => [names[i], g]));
    const { mine, batch } = options.rows();
    // An even split is a plain mean; scaling every gradient in JavaScript costs about as much as the reduction.
    const weighting = mine * group.size === batch ? ({ op: 'mean' } as const) : ({ op: 'sum', scale: mine / batch } as const);
    const reduced = await buckets.allReduceTensors(group, named, { ...weighting, timeoutMs: options.timeoutMs });
    return names.map((name) => reduced[name]);
  };
}
