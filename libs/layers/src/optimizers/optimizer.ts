import * as tf from '@tensorflow/tfjs-core';
import { check, isSerialized, type Serialized } from '../activations/lookup';
import type { Constraint } from '../constraints/constraint';
import { getSchedule, serializeSchedule } from './schedules/get-schedule';
import { LearningRateSchedule } from './schedules/learning-rate-schedule';
import { touchedRowsOf } from './touched-rows';

/** A trainable weight as the optimizer sees it (the engine's LayerVariable implements it). */
export interface OptimizerTarget {
  readonly name: string;
  readonly variable: tf.Variable;
  readonly constraint?: Constraint | null;
}

export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

export interface OptimizerArgs {
  learningRate?: number | LearningRateSchedule | Serialized;
  /** Decoupled weight decay: w -= w * weightDecay * learningRate before each update. */
  weightDecay?: number | null;
  /** Clip each gradient to this L2 norm. */
  clipnorm?: number | null;
  /** Clip each gradient element to [-clipvalue, clipvalue]. */
  clipvalue?: number | null;
  /** Scale all gradients together so that their joint L2 norm is at most this. */
  globalClipnorm?: number | null;
  name?: string;
}

const ITERATIONS = 'iterations';

/**
 * Keras 3's optimizer contract: clip gradients, apply weight decay, run the per-variable update,
 * then project each weight through its constraint; slot variables are created lazily and keyed
 * by target name, so replicas that apply the same gradients hold the same state.
 */
export abstract class Optimizer {
  static className: string;
  readonly name: string;
  learningRate: number | LearningRateSchedule;
  /** Number of updates applied so far (the step a schedule sees). */
  iterations = 0;
  readonly weightDecay: number | null;
  readonly clipnorm: number | null;
  readonly clipvalue: number | null;
  readonly globalClipnorm: number | null;
  /** Slot variable names, in creation order for getWeights. */
  protected abstract readonly slotNames: readonly string[];
  private readonly slots = new Map<string, tf.Variable>();
  private excludedFromWeightDecay: string[] = [];

  constructor(args: OptimizerArgs, defaults: { learningRate: number; name: string }) {
    const lr = args.learningRate ?? defaults.learningRate;
    this.learningRate = typeof lr === 'number' ? lr : isSerialized(lr) ? getSchedule(lr) : lr;
    if (typeof this.learningRate === 'number') {
      check(this.learningRate >= 0, 'learningRate', this.learningRate, 'must be a non-negative number');
    }
    this.name = args.name ?? defaults.name;
    this.weightDecay = args.weightDecay ?? null;
    this.clipnorm = args.clipnorm ?? null;
    this.clipvalue = args.clipvalue ?? null;
    this.globalClipnorm = args.globalClipnorm ?? null;
    const clips = [this.clipnorm, this.clipvalue, this.globalClipnorm].filter((c) => c !== null);
    if (clips.length > 1) {
      throw new Error(
        `Only one of clipnorm, clipvalue and globalClipnorm can be set. Received: clipnorm=` +
          `${this.clipnorm}, clipvalue=${this.clipvalue}, globalClipnorm=${this.globalClipnorm}`,
      );
    }
    for (const [what, v] of [['clipnorm', this.clipnorm], ['clipvalue', this.clipvalue],
      ['globalClipnorm', this.globalClipnorm], ['weightDecay', this.weightDecay]] as const) {
      if (v !== null) check(v >= 0, what, v, 'must be a non-negative number');
    }
  }

  /** The learning rate for the next update (the schedule evaluated at `iterations`). */
  currentLearningRate(): number {
    return typeof this.learningRate === 'number' ? this.learningRate : this.learningRate.call(this.iterations);
  }

  /** Weights whose name contains any of these strings get no weight decay. */
  excludeFromWeightDecay(nameParts: string[]): void {
    this.excludedFromWeightDecay = [...nameParts];
  }

  /**
   * Applies one update. grads[i] is the gradient for targets[i]; a null gradient skips that
   * target (as Keras does for variables the loss does not depend on).
   */
  applyGradients(grads: (tf.Tensor | null)[], targets: OptimizerTarget[]): void {
    if (grads.length !== targets.length) {
      throw new Error(
        `applyGradients needs one gradient per target. Received: ${grads.length} gradients for ` +
          `${targets.length} targets`,
      );
    }
    const pairs = targets.map((t, i) => ({ target: t, grad: grads[i] })).filter((p) => p.grad !== null);
    if (pairs.length === 0) throw new Error('No gradients provided for any variable.');
    const seen = new Set<string>();
    for (const { target, grad } of pairs) {
      if (seen.has(target.name)) {
        throw new Error(`Two optimizer targets share the name '${target.name}': optimizer state is keyed by name, so names must be unique.`);
      }
      seen.add(target.name);
      if (!tf.util.arraysEqual(grad!.shape, target.variable.shape)) {
        throw new Error(
          `Gradient for '${target.name}' has shape [${grad!.shape}] but the weight has shape ` +
            `[${target.variable.shape}].`,
        );
      }
    }
    const lr = this.currentLearningRate();
    tf.tidy(() => {
      const clipped = this.clipGradients(pairs.map((p) => p.grad!));
      if (this.weightDecay) {
        for (const { target } of pairs) {
          if (this.excludedFromWeightDecay.some((part) => target.name.includes(part))) continue;
          const v = target.variable;
          v.assign(tf.sub(v, tf.mul(v, this.weightDecay * lr)));
        }
      }
      pairs.forEach(({ target }, i) => {
        // A clipped gradient is a new tensor, without declared rows: clipping by norm reads every row.
        const rows = this.updatesOnlyTouchedRows ? touchedRowsOf(clipped[i]) : null;
        if (rows) this.updateRows(clipped[i], target, rows, lr);
        else this.updateStep(clipped[i], target.variable, lr, (slot, init) => this.slot(target, slot, init));
      });
      for (const { target } of pairs) {
        if (target.constraint) target.variable.assign(target.constraint.apply(target.variable));
      }
    });
    this.iterations += 1;
  }

  /** Updates one variable in place; `slot(name)` returns (creating on first use) its state. */
  protected abstract updateStep(
    gradient: tf.Tensor, variable: tf.Variable, learningRate: number,
    slot: (name: string, initialValue?: number) => tf.Variable,
  ): void;

  /**
   * Whether updateStep leaves every element whose gradient is +0 exactly as it was, in the weight
   * and in its slots (SGD without momentum, Adagrad): then a gradient with declared touched rows
   * (declareTouchedRows) updates those rows alone. Not so for Adam, RMSprop or momentum, whose
   * moments decay in every row at every step, which then moves every row: in Keras (and TF's
   * dense-equivalent sparse Adam) an exact update touches all rows. TF Addons' LazyAdam and
   * PyTorch's SparseAdam update only the touched rows' moments and weights, a different rule that
   * weft does not implement.
   */
  protected get updatesOnlyTouchedRows(): boolean {
    return false;
  }

  /** updateStep on the gathered rows of the weight and its slots, scattered back: the dense update's bits there, nothing elsewhere. */
  private updateRows(gradient: tf.Tensor, target: OptimizerTarget, rows: Int32Array, lr: number): void {
    const indices = tf.tensor1d(rows, 'int32');
    const parts = new Map<tf.Variable, tf.Variable>();
    const rowsOf = (full: tf.Variable) => {
      let part = parts.get(full);
      if (!part) {
        part = tf.variable(tf.gather(full, indices), false);
        parts.set(full, part);
      }
      return part;
    };
    try {
      this.updateStep(tf.gather(gradient, indices), rowsOf(target.variable), lr, (slot, init) => rowsOf(this.slot(target, slot, init)));
      if (rows.length === 0) return;
      const at = tf.reshape(indices, [-1, 1]);
      for (const [full, part] of parts) full.assign(tf.tensorScatterUpdate(full, at, part));
    } finally {
      for (const part of parts.values()) part.dispose();
    }
  }

  private clipGradients(grads: tf.Tensor[]): tf.Tensor[] {
    if (this.clipnorm) {
      const c = this.clipnorm;
      return grads.map((g) => tf.div(tf.mul(g, c), tf.maximum(tf.norm(g), c)));
    }
    if (this.globalClipnorm) {
      const c = this.globalClipnorm;
      const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
      // (norm - norm) turns the scale into NaN when the norm is inf or NaN, as in Keras.
      const scale = tf.add(tf.div(c, tf.maximum(norm, c)), tf.sub(norm, norm));
      return grads.map((g) => tf.mul(g, scale));
    }
    if (this.clipvalue) {
      const c = this.clipvalue;
      return grads.map((g) => tf.clipByValue(g, -c, c));
    }
    return grads;
  }

  private slot(target: OptimizerTarget, slotName: string, initialValue = 0): tf.Variable {
    const key = `${target.name}/${slotName}`;
    let v = this.slots.get(key);
    if (!v) {
      v = newVariable(tf.fill(target.variable.shape, initialValue, 'float32'));
      this.slots.set(key, v);
    }
    return v;
  }

  /**
   * The optimizer state: 'iterations' then '<target>/<slot>' for every slot created so far.
   * Slot tensors are the live variables: copy them before the next update, do not dispose them.
   */
  getWeights(): NamedTensor[] {
    const weights: NamedTensor[] = [{ name: ITERATIONS, tensor: tf.scalar(this.iterations) }];
    for (const [name, tensor] of this.slots) weights.push({ name, tensor });
    return weights;
  }

  /** Restores state saved by getWeights (slots are created when missing). */
  setWeights(weights: NamedTensor[]): void {
    for (const { name, tensor } of weights) {
      if (name === ITERATIONS) {
        this.iterations = tensor.dataSync()[0];
        continue;
      }
      const slotName = name.slice(name.lastIndexOf('/') + 1);
      if (!name.includes('/') || !this.slotNames.includes(slotName)) {
        throw new Error(
          `${this.name} has no state named '${name}': expected 'iterations' or '<weight>/<slot>' ` +
            `with slot one of ${this.slotNames.join(', ')}.`,
        );
      }
      const existing = this.slots.get(name);
      if (!existing) this.slots.set(name, newVariable(tf.cast(tensor, 'float32')));
      else if (!tf.util.arraysEqual(existing.shape, tensor.shape)) {
        throw new Error(`Optimizer state '${name}' has shape [${existing.shape}], not [${tensor.shape}].`);
      } else tf.tidy(() => existing.assign(tf.cast(tensor, 'float32')));
    }
  }

  /** Releases the slot variables. */
  dispose(): void {
    for (const v of this.slots.values()) v.dispose();
    this.slots.clear();
  }

  getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      learningRate: typeof this.learningRate === 'number' ? this.learningRate : serializeSchedule(this.learningRate),
      weightDecay: this.weightDecay,
      clipnorm: this.clipnorm,
      clipvalue: this.clipvalue,
      globalClipnorm: this.globalClipnorm,
    };
  }
}

/** A non-trainable variable holding `initial`'s value; `initial` itself is disposed. */
function newVariable(initial: tf.Tensor): tf.Variable {
  const v = tf.variable(initial, false);
  initial.dispose();
  return v;
}
