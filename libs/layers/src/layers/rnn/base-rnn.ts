import * as tf from '@tensorflow/tfjs-core';
import { dropoutMask } from '@weft/tensor';
import { Layer, type CallArgs, type LayerArgs, type MaskArg, type Tensors } from '../../engine/layer';
import type { LayerVariable } from '../../engine/layer-variable';
import {
  getActivation,
  getRegularizer,
  serializeActivation,
  type Activation,
  type ActivationId,
  type Initializer,
  type Regularizer,
  type RegularizerId,
} from '../../engine/leaf-modules';
import { isShapeList, shapeToString, type Shape } from '../../engine/shape';
import { assertPositiveInt, assertRate } from '../../engine/validate';
import { serializeWeightSpecs, weightSpecs, type WeightArgs, type WeightSpec } from '../../engine/weight-spec';
import type { SequenceArgs, SequenceResult } from './ops';

export interface BaseRnnArgs extends LayerArgs, WeightArgs<'kernel' | 'recurrent' | 'bias'> {
  units: number;
  activation?: ActivationId;
  useBias?: boolean;
  activityRegularizer?: RegularizerId;
  /** Fraction of the input features dropped (one mask per sequence). */
  dropout?: number;
  /** Fraction of the previous output dropped where it enters the recurrent matmul (one mask per sequence). */
  recurrentDropout?: number;
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  /** Keep the final states of each batch as the initial states of the next (needs a fixed batch size). */
  stateful?: boolean;
  /** Masked steps output zeros instead of the previous output (what Bidirectional asks for). */
  zeroOutputForMask?: boolean;
}

/**
 * What SimpleRNN, GRU and LSTM share: argument handling, weights, masks, dropout masks, initial
 * and stateful states, goBackwards, returnSequences/returnState. Subclasses state their gate and
 * state counts and run the sequence (the fused ops in ./ops).
 */
export abstract class BaseRnn extends Layer {
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly stateful: boolean;
  readonly zeroOutputForMask: boolean;
  protected readonly specs: Record<'kernel' | 'recurrent' | 'bias', WeightSpec>;
  private readonly activityRegularizer: Regularizer | null;
  kernel: LayerVariable | null = null;
  recurrentKernel: LayerVariable | null = null;
  bias: LayerVariable | null = null;
  /** Stateful layers: the states carried between calls, created on the first call. */
  private stateVariables: tf.Variable[] | null = null;

  /** Blocks of `units` columns in the kernels (LSTM 4, GRU 3, SimpleRNN 1). */
  protected abstract readonly gateCount: number;
  /** States per sample (LSTM 2: h and c; others 1). */
  protected abstract readonly stateCount: number;

  constructor(args: BaseRnnArgs) {
    super(args);
    const owner = (this.constructor as typeof Layer).className;
    this.units = assertPositiveInt(args?.units, 'units', owner);
    this.activation = getActivation(args.activation === undefined ? 'tanh' : args.activation);
    this.useBias = args.useBias ?? true;
    this.specs = weightSpecs(args, { kernel: 'glorotUniform', recurrent: 'orthogonal', bias: 'zeros' });
    this.activityRegularizer = getRegularizer(args.activityRegularizer ?? null);
    this.dropout = assertRate(args.dropout ?? 0, 'dropout', owner);
    this.recurrentDropout = assertRate(args.recurrentDropout ?? 0, 'recurrentDropout', owner);
    this.returnSequences = args.returnSequences ?? false;
    this.returnState = args.returnState ?? false;
    this.goBackwards = args.goBackwards ?? false;
    this.stateful = args.stateful ?? false;
    this.zeroOutputForMask = args.zeroOutputForMask ?? false;
    this.supportsMasking = true;
  }

  /** Runs the whole sequence (inputs already reversed for goBackwards). */
  protected abstract runSequence(args: SequenceArgs): SequenceResult;

  protected biasShape(): number[] {
    return [this.gateCount * this.units];
  }

  /** The bias initializer as applied to the whole bias (LSTM's unitForgetBias overrides it). */
  protected biasInitializerForBuild(): Initializer {
    return this.specs.bias.initializer;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = isShapeList(inputShape) ? inputShape[0] : inputShape;
    const features = shape[2];
    if (shape.length !== 3 || features === null || features === undefined) {
      throw new Error(
        `${this.getClassName()} '${this.name}' expects inputs of shape [batch, timesteps, features] with known features. ` +
          `Received: input shape ${shapeToString(shape)}`,
      );
    }
    const columns = this.gateCount * this.units;
    this.kernel = this.addWeight({ name: 'kernel', shape: [features, columns], ...this.specs.kernel });
    this.recurrentKernel = this.addWeight({ name: 'recurrent_kernel', shape: [this.units, columns], ...this.specs.recurrent });
    if (this.useBias) {
      this.bias = this.addWeight({ name: 'bias', shape: this.biasShape(), ...this.specs.bias, initializer: this.biasInitializerForBuild() });
    }
    super.build(inputShape);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shape = isShapeList(inputShape) ? inputShape[0] : inputShape;
    const output: Shape = this.returnSequences ? [shape[0], shape[1], this.units] : [shape[0], this.units];
    if (!this.returnState) return output;
    return [output, ...Array.from({ length: this.stateCount }, () => [shape[0], this.units])];
  }

  override computeMask(_inputs: Tensors, mask?: MaskArg): MaskArg {
    const m = (Array.isArray(mask) ? mask[0] : mask) ?? null;
    // A copy: callers own (and may dispose) the masks a layer returns.
    const outputMask = this.returnSequences && m ? m.clone() : null;
    if (!this.returnState) return outputMask;
    return [outputMask, ...Array.from({ length: this.stateCount }, () => null)];
  }

  /**
   * inputs: [batch, steps, features], or [x, ...initialStates]; `initialState` in the call
   * arguments works too. A mask ([batch, steps]) marks the real steps.
   */
  call(inputs: Tensors, args: CallArgs): Tensors {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      let x = list[0].dtype === 'float32' ? list[0] : tf.cast(list[0], 'float32');
      const [batch, , features] = x.shape;
      const given = list.length > 1 ? list.slice(1) : ((args.initialState as tf.Tensor[] | undefined) ?? null);
      const initialStates = this.initialStates(given, batch) as tf.Tensor2D[];
      let mask = (Array.isArray(args.mask) ? args.mask[0] : args.mask) ?? null;
      if (mask) mask = tf.cast(mask, 'float32');
      if (this.goBackwards) {
        x = tf.reverse(x, 1);
        if (mask) mask = tf.reverse(mask, 1);
      }
      const training = args.training === true;
      const result = this.runSequence({
        inputs: x as tf.Tensor3D,
        kernel: this.kernel!.read() as tf.Tensor2D,
        recurrentKernel: this.recurrentKernel!.read() as tf.Tensor2D,
        bias: this.bias ? this.bias.read() : null,
        initialStates,
        mask: mask as tf.Tensor2D | null,
        inputDropoutMask: training && this.dropout > 0 ? dropoutMask([batch, features], this.dropout) as tf.Tensor2D : null,
        recurrentDropoutMask:
          training && this.recurrentDropout > 0 ? dropoutMask([batch, this.units], this.recurrentDropout) as tf.Tensor2D : null,
        returnSequences: this.returnSequences,
      });
      if (this.stateful) this.stateVariables!.forEach((v, i) => v.assign(result.states[i]));
      let output: tf.Tensor = this.returnSequences ? result.outputs! : result.lastOutput;
      if (this.zeroOutputForMask && mask && this.returnSequences) output = tf.mul(output, tf.expandDims(mask, 2));
      if (this.activityRegularizer) this.addLoss(tf.keep(this.activityRegularizer.apply(output)));
      return this.returnState ? [output, ...result.states] : output;
    });
  }

  private checkedStates(given: tf.Tensor[], batch: number): tf.Tensor[] {
    if (given.length !== this.stateCount || given.some((s) => s.rank !== 2 || s.shape[0] !== batch || s.shape[1] !== this.units)) {
      const expected = `${this.stateCount} initial state${this.stateCount > 1 ? 's' : ''} of shape [${batch},${this.units}]`;
      throw new Error(
        `${this.getClassName()} '${this.name}' expects ${expected}. Received: ${given.length} states with shapes ` +
          given.map((s) => `[${s.shape}]`).join(', '),
      );
    }
    return given.map((s) => (s.dtype === 'float32' ? s : tf.cast(s, 'float32')));
  }

  private initialStates(given: tf.Tensor[] | null, batch: number): tf.Tensor[] {
    if (given) return this.checkedStates(given, batch);
    if (!this.stateful) return Array.from({ length: this.stateCount }, () => tf.zeros([batch, this.units]));
    if (!this.stateVariables) {
      this.stateVariables = Array.from({ length: this.stateCount }, () =>
        tf.variable(tf.zeros([batch, this.units]), false),
      );
    } else if (this.stateVariables[0].shape[0] !== batch) {
      throw new Error(
        `Stateful ${this.getClassName()} '${this.name}' keeps states for batch size ${this.stateVariables[0].shape[0]}. ` +
          `Received: a batch of ${batch}; use the same batch size for every call, or call resetStates() first.`,
      );
    }
    return this.stateVariables.map((v) => v.clone());
  }

  /** The states a stateful layer carries (copies), or null before its first call. */
  get states(): tf.Tensor[] | null {
    return this.stateVariables ? this.stateVariables.map((v) => v.clone()) : null;
  }

  /** Stateful layers: zeros (default) or the given values become the next call's initial states. */
  resetStates(values?: tf.Tensor[]): void {
    if (!this.stateful) throw new Error(`resetStates() needs a stateful layer; '${this.name}' was built with stateful: false.`);
    if (!values) {
      this.stateVariables?.forEach((v) => v.assign(tf.zerosLike(v)));
      return;
    }
    const checked = tf.tidy(() => this.checkedStates(values, values[0]?.shape[0] ?? 0).map((s) => s.clone()));
    tf.dispose(this.stateVariables ?? []);
    this.stateVariables = checked.map((s) => tf.variable(s, false));
    tf.dispose(checked);
  }

  override dispose(): void {
    tf.dispose(this.stateVariables ?? []);
    this.stateVariables = null;
    super.dispose();
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: serializeActivation(this.activation),
      useBias: this.useBias,
      ...serializeWeightSpecs(this.specs, { activityRegularizer: this.activityRegularizer }),
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      stateful: this.stateful,
      zeroOutputForMask: this.zeroOutputForMask,
    };
  }
}


