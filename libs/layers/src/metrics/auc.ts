import * as tf from '@tensorflow/tfjs-core';
import { check } from '../activations/lookup';
import { flattenBatch } from './confusion';
import { Metric, checkStateLength, divideNoNan, type MetricArgs } from './metric';

export interface AUCArgs extends MetricArgs {
  numThresholds?: number;
  curve?: 'ROC' | 'PR';
  /** How the area between thresholds is summed: 'interpolation' is the trapezoidal rule (PR: Davis & Goadrich). */
  summationMethod?: 'interpolation' | 'minoring' | 'majoring';
  /** Apply a sigmoid to predictions first. */
  fromLogits?: boolean;
}

const EPSILON = 1e-7;

/**
 * Area under the ROC or precision-recall curve, from confusion counts at numThresholds evenly
 * spaced thresholds (Keras's AUC; thresholds -eps and 1+eps at the ends).
 */
export class AUC extends Metric {
  static override className = 'AUC';
  readonly numThresholds: number;
  readonly curve: 'ROC' | 'PR';
  readonly summationMethod: 'interpolation' | 'minoring' | 'majoring';
  readonly fromLogits: boolean;
  private readonly thresholds: number[];
  private tp: number[] = [];
  private fp: number[] = [];
  private tn: number[] = [];
  private fn: number[] = [];

  constructor(args: AUCArgs = {}) {
    super(args, 'auc');
    this.numThresholds = args.numThresholds ?? 200;
    this.curve = args.curve ?? 'ROC';
    this.summationMethod = args.summationMethod ?? 'interpolation';
    this.fromLogits = args.fromLogits ?? false;
    check(this.numThresholds > 1, 'numThresholds', this.numThresholds, 'must be > 1');
    check(['ROC', 'PR'].includes(this.curve), 'curve', this.curve, "must be 'ROC' or 'PR'");
    check(['interpolation', 'minoring', 'majoring'].includes(this.summationMethod), 'summationMethod',
      this.summationMethod, "must be 'interpolation', 'minoring' or 'majoring'");
    const n = this.numThresholds;
    // float32 thresholds, as Keras compares float32 predictions against float32 thresholds.
    this.thresholds = [-EPSILON, ...Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1)), 1 + EPSILON].map(Math.fround);
    this.resetState();
  }

  updateState(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor | null): void {
    const probs = this.fromLogits ? tf.sigmoid(yPred) : yPred;
    let batch;
    try {
      batch = flattenBatch(this.name, yTrue, probs, sampleWeight, {});
    } finally {
      if (probs !== yPred) probs.dispose();
    }
    const { labels, preds, weights } = batch;
    const n = this.numThresholds;
    // Histogram each prediction by how many thresholds it exceeds, then cumulate from the top:
    // the count above threshold j is the sum over buckets > j.
    const pos = new Float64Array(n + 1);
    const neg = new Float64Array(n + 1);
    for (let i = 0; i < preds.length; i++) {
      const exceeded = this.countBelow(preds[i]);
      if (labels[i] !== 0) pos[exceeded] += weights[i];
      else neg[exceeded] += weights[i];
    }
    const totalPos = pos.reduce((a, b) => a + b, 0);
    const totalNeg = neg.reduce((a, b) => a + b, 0);
    let posAbove = totalPos;
    let negAbove = totalNeg;
    for (let j = 0; j < n; j++) {
      posAbove -= pos[j];
      negAbove -= neg[j];
      this.tp[j] += posAbove;
      this.fp[j] += negAbove;
      this.fn[j] += totalPos - posAbove;
      this.tn[j] += totalNeg - negAbove;
    }
  }

  /** The number of thresholds strictly below p (thresholds are sorted). */
  private countBelow(p: number): number {
    let lo = 0;
    let hi = this.thresholds.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.thresholds[mid] < p) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  result(): number {
    const n = this.numThresholds;
    if (this.curve === 'PR' && this.summationMethod === 'interpolation') return this.interpolatePrAuc();
    const recall = this.tp.map((tp, i) => divideNoNan(tp, tp + this.fn[i]));
    let x: number[];
    let y: number[];
    if (this.curve === 'ROC') {
      x = this.fp.map((fp, i) => divideNoNan(fp, fp + this.tn[i]));
      y = recall;
    } else {
      x = recall;
      y = this.tp.map((tp, i) => divideNoNan(tp, tp + this.fp[i]));
    }
    let area = 0;
    for (let i = 0; i < n - 1; i++) {
      const height = this.summationMethod === 'interpolation' ? (y[i] + y[i + 1]) / 2
        : this.summationMethod === 'minoring' ? Math.min(y[i], y[i + 1]) : Math.max(y[i], y[i + 1]);
      area += (x[i] - x[i + 1]) * height;
    }
    return area;
  }

  /** Davis & Goadrich's interpolation of the PR curve between thresholds, as Keras does. */
  private interpolatePrAuc(): number {
    let area = 0;
    for (let i = 0; i < this.numThresholds - 1; i++) {
      const dtp = this.tp[i] - this.tp[i + 1];
      const p0 = this.tp[i] + this.fp[i];
      const p1 = this.tp[i + 1] + this.fp[i + 1];
      const slope = divideNoNan(dtp, Math.max(p0 - p1, 0));
      const intercept = this.tp[i + 1] - slope * p1;
      const ratio = p0 > 0 && p1 > 0 ? divideNoNan(p0, Math.max(p1, 0)) : 1;
      area += divideNoNan(slope * (dtp + intercept * Math.log(ratio)), Math.max(this.tp[i + 1] + this.fn[i + 1], 0));
    }
    return area;
  }

  resetState(): void {
    const zeros = () => new Array<number>(this.numThresholds).fill(0);
    this.tp = zeros();
    this.fp = zeros();
    this.tn = zeros();
    this.fn = zeros();
  }

  /** [tp..., fp..., tn..., fn...], numThresholds each. */
  getState(): number[] {
    return [...this.tp, ...this.fp, ...this.tn, ...this.fn];
  }

  setState(values: number[]): void {
    const n = this.numThresholds;
    checkStateLength(this, values, 4 * n);
    this.tp = values.slice(0, n);
    this.fp = values.slice(n, 2 * n);
    this.tn = values.slice(2 * n, 3 * n);
    this.fn = values.slice(3 * n);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), numThresholds: this.numThresholds, curve: this.curve,
      summationMethod: this.summationMethod, fromLogits: this.fromLogits,
    };
  }
}

export const auc = (args?: AUCArgs) => new AUC(args);
