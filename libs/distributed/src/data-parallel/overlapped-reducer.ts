import { FlatLayout, STEP_SPANS, StepTracer, tf, type TraceTrack } from '@weft/tensor';
import type { LayerVariable, OverlappedGradientHook } from '@weft/layers';
import { checkSameLayout } from '../gradient-buckets';
import type { ProcessGroup, ReduceOptions } from '../process-group';
import { RowSparseExchange } from '../sparse-rows';
import { arenaBytesOf } from '../shm/process-group-shm';

/** A weight whose gradient is 2-D and usually zero in most rows (an Embedding's table). */
const isRowSparse = (w: GradientShape) => w.sparseGradient && w.shape.length === 2;

/**
 * How many times fewer bytes an Embedding's touched rows must send than its dense all-reduce.
 * IMDB fastText over TCP, rows 2.1x fewer bytes: 5.7 ms a step sent as rows, 3.3 ms dense; the
 * IMDB LSTM's rows, 6x fewer bytes: 4.2 ms against 7.6 ms dense.
 */
const SPARSE_ADVANTAGE = 4;

/**
 * A few floats every rank puts into the step's first reduction, beside its gradients: they come
 * back as the ranks' mean (the same bits on every rank) with no collective of their own.
 */
export interface StepSideband {
  readonly length: number;
  /** Fills this rank's floats (zeros before) as its step's reductions start. */
  write(into: Float32Array): void;
  /** Hears the mean of every rank's floats once the step's first reduction is done. */
  read(mean: Float32Array): void;
}

/** The sideband's name in the first bucket's layout (no weight's name: those are 'index:name'). */
const SIDEBAND = 'sideband';

/** A weight's gradient's name in a bucket's layout: unique even where weights share a name. */
const gradientName = (index: number, w: GradientShape) => `${index}:${w.name}`;

/** What is reduced as one: a flat bucket of dense gradients, or one row-sparse gradient with its own exchange. */
type Item =
  | { kind: 'bucket'; layout: FlatLayout; buffer: Float32Array; missing: number; size: number }
  | { kind: 'rows'; index: number; exchange: RowSparseExchange; grad: tf.Tensor | null; reduced: tf.Tensor | null; missing: number; size: number };

export interface OverlappedHookOptions {
  capBytes: number;
  timeoutMs: number;
  /** This rank's rows of the current global batch, and the batch's rows. */
  rows: () => { mine: number; batch: number };
  /**
   * Row-sparse weights send only the rows a batch touched when that is fewer bytes (default true);
   * false: their gradients are bucketed with the others.
   */
  sparseGradients?: boolean;
  tracer?: StepTracer;
  /**
   * Hears that this rank's backward is done, before it waits for the reductions, with the seconds
   * the step spent in the hook so far (packing, yields, reductions that ran on this thread and
   * their waits for other ranks): the rest of the step was this rank's own computing.
   */
  onGradientsComputed?: (handoverSeconds: number) => void;
  /** Rides in the first bucket of every step (which holds nothing else when the last weight's gradient is row-sparse). */
  sideband?: StepSideband;
}

/** How the hook groups the gradients: flat buckets (with the weights' indices), or one row-sparse weight apart. */
type ItemPlan = { kind: 'bucket'; layout: FlatLayout; indices: number[] } | { kind: 'rows'; index: number };

/**
 * The hook's items, in the order backward finishes them (reverse weight order): buckets of at
 * most `capBytes` (the sideband's floats open the first), each row-sparse weight apart when
 * `rowsApart`. Every rank plans alike from the same weights.
 */
function planItems(weights: readonly GradientShape[], capBytes: number, rowsApart: boolean, sidebandLength: number): ItemPlan[] {
  const items: ItemPlan[] = [];
  let bytes = sidebandLength > 0 ? sidebandLength * 4 : Infinity;
  let specs: { name: string; shape: readonly number[] }[] = sidebandLength > 0 ? [{ name: SIDEBAND, shape: [sidebandLength] }] : [];
  let indices: number[] = [];
  const closeBucket = () => {
    if (specs.length === 0) return;
    // Cache-line aligned: bucket copies in and out of shared memory run at memcpy speed.
    items.push({ kind: 'bucket', layout: new FlatLayout(specs, { alignFloats: 16 }), indices });
    specs = [];
    indices = [];
  };
  for (let i = weights.length - 1; i >= 0; i--) {
    // Without the sparse exchange a row-sparse gradient is dense like the rest, and joins a bucket:
    // every separate item costs its own collective, and with it a wait for the slowest rank.
    if (rowsApart && isRowSparse(weights[i])) {
      closeBucket();
      bytes = Infinity;
      items.push({ kind: 'rows', index: i });
      continue;
    }
    const size = weights[i].shape.reduce((a, b) => a * b, 1) * 4;
    if (bytes + size > capBytes) {
      closeBucket();
      bytes = 0;
    }
    specs.push({ name: gradientName(i, weights[i]), shape: weights[i].shape });
    indices.push(i);
    bytes += size;
  }
  closeBucket();
  return items;
}

/** What planItems reads of a weight. */
type GradientShape = Pick<LayerVariable, 'name' | 'shape' | 'sparseGradient'>;

/**
 * The shared-memory arena a rank's gradient hook fills (ProcessGroupShm.allocate): its buckets
 * and row-sparse tables, each rounded as allocate rounds. Sized any smaller, a bucket that does
 * not fit is reduced through the group's slots instead of in place: copies in and out, in rounds.
 */
export function gradientArenaBytes(weights: readonly GradientShape[], options: { capBytes: number; sparseGradients: boolean; sidebandLength: number }): number {
  const floats = planItems(weights, options.capBytes, options.sparseGradients, options.sidebandLength).map((item) =>
    item.kind === 'bucket' ? item.layout.size : weights[item.index].shape.reduce((a, b) => a * b, 1),
  );
  return floats.reduce((bytes, n) => bytes + arenaBytesOf(n), 0);
}

/**
 * The gradient hook of a data-parallel rank, overlapped with backward as DDP's Reducer: gradients
 * go into flat buckets laid out in reverse weight order (the order backward finishes them), and a
 * bucket is all-reduced as soon as its last gradient is in, while backward goes on with the
 * layers before it. A row-sparse weight (an Embedding's table, LayerVariable.sparseGradient) is an
 * item of its own, exchanged as its touched rows when that is smaller (RowSparseExchange: the bits
 * of the dense all-reduce either way). Items are reduced strictly in order on every rank (a rank
 * without rows, joining with zeros, issues the same sequence). Every rank's gradients are
 * weighted by its share of the global batch (rows / batch rows) by backward itself (lossGradient:
 * no pass over them), so their mean is the gradient of the global batch's mean loss, whatever the
 * split.
 */
export function overlappedGradientHook(group: ProcessGroup, weights: readonly LayerVariable[], options: OverlappedHookOptions): OverlappedGradientHook {
  const tracer = options.tracer ?? StepTracer.off;
  // Each item's reduction, from its start to its end, on a timeline of its own (it overlaps backward).
  const communication: TraceTrack = tracer.track('communication');
  const names = weights.map((w, i) => gradientName(i, w));
  const itemOf: number[] = [];
  const sideband = options.sideband;
  const items: Item[] = planItems(weights, options.capBytes, options.sparseGradients ?? true, sideband?.length ?? 0).map((planned, k) => {
    if (planned.kind === 'rows') {
      const { index } = planned;
      itemOf[index] = k;
      return { kind: 'rows', index, exchange: new RowSparseExchange(group, names[index], weights[index].shape, communication), grad: null, reduced: null, missing: 1, size: 1 };
    }
    for (const index of planned.indices) itemOf[index] = k;
    const { layout } = planned;
    return { kind: 'bucket', layout, buffer: group.allocate(layout.size), missing: layout.entries.length, size: layout.entries.length };
  });
  const buckets = items.flatMap((item) => (item.kind === 'bucket' ? [item.layout] : []));
  // The sideband's floats in the first bucket (which it opened).
  const first = items[0];
  const side = sideband && first.kind === 'bucket' ? { band: sideband, view: first.layout.views(first.buffer)[SIDEBAND], bucket: first } : null;

  let chain: Promise<void> = Promise.resolve();
  // The first failed reduction of the step, rethrown where the rank next waits (backward or finish).
  let failure: unknown = null;
  let nextToReduce = 0;
  let checked = false;
  let started = false;
  let handoverMs = 0;
  // Reductions launched and not yet settled (the layout check, buckets, row-sparse tables).
  let inFlight = 0;
  const reduceOptions: ReduceOptions = { op: 'mean', timeoutMs: options.timeoutMs };
  const arrived: boolean[] = weights.map(() => false);

  const startStep = () => {
    for (const item of items) item.missing = item.size;
    arrived.fill(false);
    failure = null;
    nextToReduce = 0;
    handoverMs = 0;
    started = true;
    if (side) {
      side.view.fill(0);
      side.band.write(side.view);
      side.bucket.missing--;
    }
    chain = checked ? Promise.resolve() : launched(checkSameLayout(group, buckets).then(() => void (checked = true)));
    chain.catch((err) => void (failure ??= err));
  };
  const launched = (reduction: Promise<void>): Promise<void> => {
    inFlight++;
    return reduction.finally(() => void inFlight--);
  };
  const reduce = (item: Item): Promise<void> => {
    if (item.kind === 'bucket') {
      const reduced = group.allReduce(item.buffer, reduceOptions);
      return item === side?.bucket ? reduced.then(() => side.band.read(side.view)) : reduced;
    }
    const grad = item.grad!;
    return item.exchange.allReduceTensor(grad, { ...reduceOptions, sparse: options.sparseGradients ?? true, sparseAdvantage: SPARSE_ADVANTAGE }).then((reduced) => {
      // Made while backward's scope may still be open: kept, so that closing it does not free it.
      item.reduced = tf.keep(reduced);
    });
  };
  const reduceCompleted = () => {
    while (nextToReduce < items.length && items[nextToReduce].missing === 0) {
      const index = nextToReduce++;
      const item = items[index];
      const args = item.kind === 'bucket' ? { item: index, kind: item.kind, inPlace: group.reducesInPlace(item.buffer) } : { item: index, kind: item.kind };
      chain = launched(chain.then(() => communication.spanAsync(STEP_SPANS.allReduce, () => reduce(item), args)));
      chain.catch((err) => void (failure ??= err));
    }
  };
  const put = (index: number, grad: tf.Tensor) => {
    const item = items[itemOf[index]];
    if (item.kind === 'bucket') tracer.span(STEP_SPANS.pack, () => item.layout.packOne(names[index], grad, item.buffer));
    else item.grad = grad;
    item.missing--;
    arrived[index] = true;
  };
  const unpack = (grads: tf.Tensor[]): tf.Tensor[] => {
    const out: tf.Tensor[] = new Array(grads.length);
    for (const item of items) {
      if (item.kind === 'rows') {
        out[item.index] = item.reduced!;
        item.grad = item.reduced = null;
        continue;
      }
      const unpacked = item.layout.unpack(item.buffer);
      for (const { name } of item.layout.entries) {
        if (name === SIDEBAND) unpacked[name].dispose();
        else out[Number(name.slice(0, name.indexOf(':')))] = unpacked[name];
      }
    }
    return out;
  };

  return {
    lossGradient() {
      // Mean of the ranks' gradients, each weighted by size x its share of the batch: the gradient
      // of the global batch's mean loss, whatever the split (exactly 1 for an even one).
      const { mine, batch } = options.rows();
      return mine * group.size === batch ? 1 : (group.size * mine) / batch;
    },
    ready(index, grad) {
      if (failure) throw failure;
      const handedAt = performance.now();
      if (!started) startStep();
      put(index, grad);
      reduceCompleted();
      if (inFlight === 0) {
        // Nothing to move: backward goes straight on (a turn of the event loop costs tens of microseconds).
        handoverMs += performance.now() - handedAt;
        return;
      }
      // Let sockets and the chain of reductions move while backward goes on.
      return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        handoverMs += performance.now() - handedAt;
        if (failure) throw failure;
      });
    },
    async finish(grads) {
      if (!started) startStep();
      options.onGradientsComputed?.(handoverMs / 1000);
      started = false;
      if (failure) throw failure;
      // Gradients that never came through ready: a rank joining with zeros, weights the loss does not reach.
      for (let i = 0; i < grads.length; i++) if (!arrived[i]) put(i, grads[i]);
      reduceCompleted();
      await tracer.spanAsync(STEP_SPANS.wait, () => chain);
      return tracer.span(STEP_SPANS.unpack, () => unpack(grads));
    },
  };
}
