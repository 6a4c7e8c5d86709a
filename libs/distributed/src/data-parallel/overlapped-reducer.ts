import { FlatLayout, STEP_SPANS, StepTracer, tf, type TraceTrack } from '@weft/tensor';
import type { LayerVariable, OverlappedGradientHook } from '@weft/layers';
import { checkSameLayout, scaleInPlace } from '../gradient-buckets';
import type { ProcessGroup, ReduceOptions } from '../process-group';

interface Bucket {
  layout: FlatLayout;
  buffer: Float32Array;
  /** Gradients still to arrive this step. */
  missing: number;
}

/**
 * The gradient hook of a data-parallel rank, overlapped with backward as DDP's Reducer: gradients
 * go into flat buckets laid out in reverse weight order (the order backward finishes them), and a
 * bucket is all-reduced as soon as its last gradient is in, while backward goes on with the
 * layers before it. Buckets are reduced strictly in bucket order on every rank (a rank without
 * rows, joining with zeros, issues the same sequence). Every rank's gradients are weighted by its
 * share of the global batch (rows / batch rows), so the sum is the gradient of the global batch's
 * mean loss, whatever the split.
 */
export function overlappedGradientHook(
  group: ProcessGroup,
  weights: readonly LayerVariable[],
  options: { capBytes: number; timeoutMs: number; rows: () => { mine: number; batch: number }; tracer?: StepTracer },
): OverlappedGradientHook {
  const tracer = options.tracer ?? StepTracer.off;
  // Each bucket's all-reduce, from its start to its end, on a timeline of its own (it overlaps backward).
  const communication: TraceTrack = tracer.track('communication');
  const names = weights.map((w, i) => `${i}:${w.name}`);
  const buckets: Bucket[] = [];
  const where: { bucket: number; name: string }[] = [];
  let bytes = Infinity;
  let specs: { name: string; shape: number[]; index: number }[] = [];
  const close = () => {
    if (specs.length === 0) return;
    const layout = new FlatLayout(specs);
    buckets.push({ layout, buffer: group.allocate(layout.size), missing: specs.length });
    specs = [];
  };
  for (let i = weights.length - 1; i >= 0; i--) {
    const size = weights[i].shape.reduce((a, b) => a * b, 1) * 4;
    if (bytes + size > options.capBytes) {
      close();
      bytes = 0;
    }
    specs.push({ name: names[i], shape: weights[i].shape, index: i });
    where[i] = { bucket: buckets.length, name: names[i] };
    bytes += size;
  }
  close();

  let step: Promise<void> = Promise.resolve();
  // The first failed all-reduce of the step, rethrown where the rank next waits (backward or finish).
  let failure: unknown = null;
  let nextToReduce = 0;
  let checked = false;
  let reduceOptions: ReduceOptions & { scale: number } = { op: 'mean', scale: 1 };
  const startStep = () => {
    const { mine, batch } = options.rows();
    // An even split is a plain mean; scaling every gradient in JavaScript costs about as much as the reduction.
    reduceOptions = mine * group.size === batch ? { op: 'mean', scale: 1, timeoutMs: options.timeoutMs } : { op: 'sum', scale: mine / batch, timeoutMs: options.timeoutMs };
    for (const bucket of buckets) bucket.missing = bucket.layout.entries.length;
    arrived.fill(false);
    nextToReduce = 0;
    failure = null;
    step = checked ? Promise.resolve() : checkSameLayout(group, buckets.map((b) => b.layout)).then(() => void (checked = true));
    step.catch((err) => void (failure ??= err));
  };
  const reduceCompleted = () => {
    while (nextToReduce < buckets.length && buckets[nextToReduce].missing === 0) {
      const bucket = buckets[nextToReduce++];
      const index = nextToReduce - 1;
      step = step.then(() =>
        communication.spanAsync(STEP_SPANS.allReduce, () => {
          scaleInPlace(bucket.buffer, reduceOptions.scale);
          return group.allReduce(bucket.buffer, reduceOptions);
        }, { bucket: index, bytes: bucket.buffer.byteLength }),
      );
      step.catch((err) => void (failure ??= err));
    }
  };
  const arrived: boolean[] = weights.map(() => false);
  const put = (index: number, grad: tf.Tensor) => {
    const { bucket, name } = where[index];
    tracer.span(STEP_SPANS.pack, () => buckets[bucket].layout.packOne(name, grad, buckets[bucket].buffer));
    buckets[bucket].missing--;
    arrived[index] = true;
  };
  let started = false;
  return {
    ready(index, grad) {
      if (failure) throw failure;
      if (!started) {
        startStep();
        started = true;
      }
      put(index, grad);
      reduceCompleted();
      // Let sockets and the chain of all-reduces move while backward goes on.
      return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        if (failure) throw failure;
      });
    },
    async finish(grads) {
      if (!started) startStep();
      started = false;
      if (failure) throw failure;
      // Gradients that never came through ready: a rank joining with zeros, weights the loss does not reach.
      for (let i = 0; i < grads.length; i++) if (!arrived[i]) put(i, grads[i]);
      reduceCompleted();
      await tracer.spanAsync(STEP_SPANS.wait, () => step);
      return tracer.span(STEP_SPANS.unpack, () => {
        const out: tf.Tensor[] = new Array(grads.length);
        for (const bucket of buckets) {
          const unpacked = bucket.layout.unpack(bucket.buffer);
          for (const { name } of bucket.layout.entries) out[Number(name.slice(0, name.indexOf(':')))] = unpacked[name];
        }
        return out;
      });
    },
  };
}
