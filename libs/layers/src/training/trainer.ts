import * as tf from '@tensorflow/tfjs-core';
import { STEP_SPANS, StepTracer, variableGradsStaged, type TraceTrack } from '@weft/tensor';
import type { Mask, Tensors } from '../engine/layer';
import type { LayerVariable } from '../engine/layer-variable';
import type { Metric } from '../metrics';
import type { CompiledModel } from './compile';

/**
 * Runs between computing and applying gradients; a data-parallel distribution all-reduces them
 * here. Returns the gradients to apply (or nothing to apply the ones it was given). Async so that
 * a collective can await its peers.
 */
export type GradientHook = (grads: tf.Tensor[], targets: readonly LayerVariable[]) => Promise<tf.Tensor[] | void> | tf.Tensor[] | void;

/**
 * A gradient hook that overlaps its communication with the backward pass, as DDP's Reducer does:
 * it hears each gradient the moment it is final (the last layers' first; backward resumes when
 * `ready` settles, at once where it returns nothing), then gives the gradients to apply once
 * backward is done.
 */
export interface OverlappedGradientHook {
  /**
   * What backward starts from instead of 1, read once per step as it starts: the gradients
   * that reach `ready` are this times the loss's (a data-parallel rank's weight in an uneven
   * split, applied by backward itself rather than by a pass over every gradient).
   */
  lossGradient?(): number;
  ready(index: number, grad: tf.Tensor): void | Promise<void>;
  /** Every gradient, in trainableWeights order (zeros where the loss does not depend on a weight); returns new tensors to apply. */
  finish(grads: tf.Tensor[]): Promise<tf.Tensor[]>;
}

/** The model surface the trainer drives. */
export interface TrainableModel {
  readonly name: string;
  readonly trainableWeights: LayerVariable[];
  readonly losses: tf.Scalar[];
  compiled: CompiledModel | null;
  invoke(inputs: Tensors, args: { training?: boolean }): { outputs: Tensors; mask: Mask | Mask[] };
  clearCallLosses(): void;
}

export interface Batch {
  xs: tf.Tensor[];
  ys: tf.Tensor[];
  /** Per-output sample weights (null: none). */
  sampleWeights?: (tf.Tensor | null)[];
}

const asList = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

export function requireCompiled(model: TrainableModel, what: string): CompiledModel {
  if (!model.compiled) {
    throw new Error(
      `You must call compile() before ${what}() on model '${model.name}', e.g. ` +
        `model.compile({optimizer: 'rmsprop', loss: 'categoricalCrossentropy', metrics: ['accuracy']}).`,
    );
  }
  return model.compiled;
}

/**
 * One model's training step, split as data-parallel training needs it: compute gradients ->
 * gradient hook (all-reduce) -> apply gradients. Tracks the mean loss and the compiled metrics
 * with state in plain numbers (getMetricState/setMetricState let a distribution sum replicas).
 */
export class Trainer {
  /** Sum of batch loss x batch size since the last reset, kept on the device: read only for logs. */
  private lossSum: tf.Scalar | null = null;
  private lossCount = 0;
  /** Where the step's phases are traced (fit's `profile`); off by default. */
  tracer: TraceTrack = StepTracer.off;

  constructor(
    readonly model: TrainableModel,
    private readonly gradientHook: GradientHook | OverlappedGradientHook | null = null,
  ) {}

  private get compiled(): CompiledModel {
    return requireCompiled(this.model, 'fit');
  }

  /** Total loss (weighted output losses + regularization) for outputs and targets; call inside a tidy/tape. */
  private totalLoss(outputs: tf.Tensor[], masks: Mask[], batch: Batch, withRegularization: boolean): tf.Scalar {
    const { losses, lossWeights } = this.compiled;
    const terms: tf.Scalar[] = outputs.map((out, i) => {
      const l = losses[i].apply(batch.ys[i], out, batch.sampleWeights?.[i] ?? null, masks[i] ?? null);
      return lossWeights[i] === 1 ? l : tf.mul(l, lossWeights[i]);
    });
    if (withRegularization) terms.push(...this.model.losses);
    return (terms.length === 1 ? terms[0] : tf.addN(terms)) as tf.Scalar;
  }

  private forward(batch: Batch, training: boolean): { outputs: tf.Tensor[]; masks: Mask[] } {
    this.model.clearCallLosses();
    const r = this.model.invoke(batch.xs.length === 1 ? batch.xs[0] : batch.xs, { training });
    const outputs = asList(r.outputs);
    const masks = Array.isArray(r.mask) ? r.mask : outputs.map(() => r.mask as Mask);
    return { outputs, masks };
  }

  /**
   * Forward and backward pass. Returns the loss, one gradient per trainable weight (zeros where
   * the loss does not depend on it), and the outputs/masks for metrics; the caller disposes them.
   */
  computeGradients(batch: Batch): { loss: tf.Scalar; grads: tf.Tensor[]; outputs: tf.Tensor[]; masks: Mask[] } {
    const targets = this.model.trainableWeights;
    if (targets.length === 0) throw new Error(`Model '${this.model.name}' has no trainable weights to train.`);
    let kept: { outputs: tf.Tensor[]; masks: Mask[] } = { outputs: [], masks: [] };
    const { value, grads } = tf.variableGrads(() => {
      const f = this.forward(batch, true);
      kept = { outputs: f.outputs.map((o) => tf.keep(o)), masks: f.masks.map((m) => (m ? tf.keep(m) : null)) };
      return this.totalLoss(f.outputs, f.masks, batch, true);
    }, targets.map((t) => t.variable));
    this.model.clearCallLosses();
    const ordered = targets.map((t) => grads[t.variable.name] ?? tf.zerosLike(t.variable));
    return { loss: value, grads: ordered, ...kept };
  }

  /** computeGradients with the backward pass in stages: `hook.ready` hears each gradient as soon as it is final. */
  private async computeGradientsOverlapped(batch: Batch, hook: OverlappedGradientHook) {
    const targets = this.model.trainableWeights;
    if (targets.length === 0) throw new Error(`Model '${this.model.name}' has no trainable weights to train.`);
    let kept: { outputs: tf.Tensor[]; masks: Mask[] } = { outputs: [], masks: [] };
    const tracer = this.tracer;
    // Backward is traced in stages: each hand-over to the hook (packing, and a shared-memory
    // all-reduce, which runs right there) is an all-reduce span between two backward spans.
    let inBackward = false;
    const backward = (on: boolean) => {
      if (on !== inBackward) (on ? tracer.begin : tracer.end).call(tracer, STEP_SPANS.backward);
      inBackward = on;
    };
    const { value, grads } = await variableGradsStaged(
      () => {
        const f = tracer.span(STEP_SPANS.forward, () => this.forward(batch, true));
        kept = { outputs: f.outputs.map((o) => tf.keep(o)), masks: f.masks.map((m) => (m ? tf.keep(m) : null)) };
        const loss = tracer.span(STEP_SPANS.forward, () => this.totalLoss(f.outputs, f.masks, batch, true));
        backward(true);
        return loss;
      },
      targets.map((t) => t.variable),
      (i, grad) => {
        backward(false);
        tracer.begin(STEP_SPANS.allReduce);
        const handedOver = () => {
          tracer.end(STEP_SPANS.allReduce);
          backward(true);
        };
        let settling: void | Promise<void> = undefined;
        try {
          settling = hook.ready(i, grad);
        } finally {
          if (!settling) handedOver();
        }
        return settling?.finally(handedOver);
      },
      hook.lossGradient?.() ?? 1,
    ).finally(() => backward(false));
    this.model.clearCallLosses();
    const ordered = grads.map((g, i) => g ?? tf.zerosLike(targets[i].variable));
    return { loss: value, grads: ordered, ...kept };
  }

  /** Applies gradients (in trainableWeights order) with the compiled optimizer, then the weights' constraints. */
  applyGradients(grads: tf.Tensor[]): void {
    this.compiled.optimizer.applyGradients(grads, this.model.trainableWeights);
  }

  /** One training step. Reads nothing back from the device: the loss is accumulated there (see logs()). */
  async trainStep(batch: Batch): Promise<void> {
    const hook = this.gradientHook;
    const overlapped = hook && typeof hook !== 'function' ? hook : null;
    const tracer = this.tracer;
    const { loss, grads, outputs, masks } = overlapped
      ? await this.computeGradientsOverlapped(batch, overlapped)
      : tracer.span(STEP_SPANS.backward, () => this.computeGradients(batch));
    try {
      let toApply = grads;
      if (overlapped) {
        toApply = await overlapped.finish(grads);
      } else if (hook) {
        const replaced = await tracer.spanAsync(STEP_SPANS.allReduce, async () => (hook as GradientHook)(grads, this.model.trainableWeights));
        if (replaced) toApply = replaced;
      }
      tracer.span(STEP_SPANS.optimizer, () => this.applyGradients(toApply));
      if (toApply !== grads) tf.dispose(toApply);
      this.updateMetrics(batch, outputs, masks);
      this.trackLoss(loss, batch);
    } finally {
      tf.dispose([loss, ...grads, ...outputs, ...(masks.filter((m) => m) as tf.Tensor[])]);
    }
  }

  /**
   * A data-parallel step for a replica with no rows of the global batch: zero gradients through
   * the hook (so the replica meets the others' all-reduce), then the same update as theirs.
   */
  async joinStep(): Promise<void> {
    const weights = this.model.trainableWeights;
    const zeros = weights.map((w) => tf.zerosLike(w.variable));
    const hook = this.gradientHook;
    const replaced = !hook ? undefined : typeof hook === 'function' ? await hook(zeros, weights) : await hook.finish(zeros);
    const toApply = replaced ?? zeros;
    try {
      this.applyGradients(toApply);
    } finally {
      tf.dispose(toApply === zeros ? zeros : [...zeros, ...toApply]);
    }
  }

  /** Forward pass in inference mode; loss and metrics updated. */
  testStep(batch: Batch): void {
    const { loss, outputs, masks } = tf.tidy(() => {
      const f = this.forward(batch, false);
      const l = this.totalLoss(f.outputs, f.masks, batch, true);
      return { loss: l, outputs: f.outputs, masks: f.masks.filter((m): m is tf.Tensor => m !== null) };
    });
    this.model.clearCallLosses();
    try {
      this.updateMetrics(batch, outputs, outputs.map((_, i) => masks[i] ?? null));
      this.trackLoss(loss, batch);
    } finally {
      tf.dispose([loss, ...outputs, ...masks]);
    }
  }

  /** Keras's loss tracker: the mean of batch losses weighted by batch size. */
  private trackLoss(loss: tf.Scalar, batch: Batch): void {
    const n = batch.xs[0].shape[0];
    const previous = this.lossSum;
    this.lossSum = tf.keep(tf.tidy(() => (previous ? tf.add(previous, tf.mul(loss, n)) : tf.mul(loss, n))) as tf.Scalar);
    previous?.dispose();
    this.lossCount += n;
  }

  private lossTotal(): number {
    return this.lossSum ? this.lossSum.dataSync()[0] : 0;
  }

  private updateMetrics(batch: Batch, outputs: tf.Tensor[], masks: Mask[]): void {
    const metrics = this.compiled.metrics;
    outputs.forEach((out, i) => {
      if (metrics[i].length === 0) return;
      const sw = batch.sampleWeights?.[i] ?? null;
      const mask = masks[i] ?? null;
      const weight = mask ? tf.tidy(() => (sw ? tf.mul(tf.cast(mask, 'float32'), tf.reshape(sw, [...sw.shape, ...Array(mask.rank - sw.rank).fill(1)])) : tf.cast(mask, 'float32'))) : sw;
      for (const m of metrics[i]) m.updateState(batch.ys[i], out, weight);
      if (weight && weight !== sw) weight.dispose();
    });
  }

  /** The compiled metrics, flat, with their log names (output-prefixed for multi-output models). */
  metricEntries(outputNames: string[]): { name: string; metric: Metric }[] {
    const metrics = this.compiled.metrics;
    return metrics.flatMap((ms, i) => ms.map((metric) => ({ name: metrics.length > 1 ? `${outputNames[i]}_${metric.name}` : metric.name, metric })));
  }

  /** fit's log names, History's keys: loss, the metrics, then val_ of each when validating. */
  fitLogNames(outputNames: string[], validating: boolean): string[] {
    const names = ['loss', ...this.metricEntries(outputNames).map((e) => e.name)];
    return validating ? [...names, ...names.map((m) => `val_${m}`)] : names;
  }

  resetMetrics(): void {
    this.lossSum?.dispose();
    this.lossSum = null;
    this.lossCount = 0;
    for (const ms of this.compiled.metrics) for (const m of ms) m.resetState();
  }

  /** Loss tracker and metric accumulators, flat; they sum across data-parallel replicas. */
  getMetricState(): number[] {
    return [this.lossTotal(), this.lossCount, ...this.compiled.metrics.flat().flatMap((m) => m.getState())];
  }

  setMetricState(values: number[]): void {
    const expected = this.getMetricState().length;
    if (values.length !== expected) throw new Error(`setMetricState expects ${expected} numbers (from getMetricState). Received: ${values.length}`);
    this.lossSum?.dispose();
    this.lossSum = tf.keep(tf.scalar(values[0]));
    this.lossCount = values[1];
    let k = 2;
    for (const m of this.compiled.metrics.flat()) {
      const n = m.getState().length;
      m.setState(values.slice(k, k + n));
      k += n;
    }
  }

  /** Frees the device-side loss accumulator. */
  dispose(): void {
    this.lossSum?.dispose();
    this.lossSum = null;
  }

  /** {loss, metric names...}: the running means since the last reset (one read of the loss sum). */
  logs(outputNames: string[]): Record<string, number> {
    const logs: Record<string, number> = { loss: this.lossCount === 0 ? 0 : this.lossTotal() / this.lossCount };
    for (const { name, metric } of this.metricEntries(outputNames)) logs[name] = metric.result();
    return logs;
  }
}
