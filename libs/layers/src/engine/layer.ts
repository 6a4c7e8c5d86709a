import * as tf from '@tensorflow/tfjs-core';
import './gradients';
import { LayerVariable } from './layer-variable';
import {
  getConstraint,
  getInitializer,
  getRegularizer,
  type ConstraintId,
  type InitializerId,
  type RegularizerId,
} from './leaf-modules';
import { isShapeList, shapeToString, type Shape } from './shape';

export interface LayerArgs {
  name?: string;
  trainable?: boolean;
  /** Input shape without the batch axis; only meaningful on a model's first layer. */
  inputShape?: Shape;
  batchInputShape?: Shape;
  batchSize?: number;
  /** Shorthand for inputShape [inputDim]. */
  inputDim?: number;
  dtype?: tf.DataType;
}

export type Mask = tf.Tensor | null;
export type MaskArg = Mask | Mask[];

export interface CallArgs {
  training?: boolean;
  mask?: MaskArg;
  [k: string]: unknown;
}

export type Tensors = tf.Tensor | tf.Tensor[];

/** Symbolic inputs of a layer call; lists may hold the (list) results of earlier calls. */
export type SymbolicInputs = SymbolicTensor | (SymbolicTensor | SymbolicTensor[])[];

/** What a layer accepts, checked on every call (Keras's InputSpec). Axes may be negative. */
export interface InputSpec {
  ndim?: number;
  minNdim?: number;
  maxNdim?: number;
  axes?: Record<number, number>;
}

export interface AddWeightArgs {
  name: string;
  shape: number[];
  initializer?: InitializerId;
  regularizer?: RegularizerId;
  constraint?: ConstraintId;
  trainable?: boolean;
  dtype?: tf.DataType;
  /** The gradient is row-sparse: a batch touches few rows (see LayerVariable.sparseGradient). */
  sparseGradient?: boolean;
}

/** Keras's to_snake_case: "GlobalMaxPooling1D" -> "global_max_pooling1d", "SimpleRNN" -> "simple_rnn". */
export function toSnakeCase(name: string): string {
  return name
    .replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

const nameCounts = new Map<string, number>();
const usedNames = new Set<string>();

/**
 * "Dense" -> "dense", "dense_1", ... unique in this process, as Keras auto-names layers; names
 * given explicitly (or loaded from a config) are never handed out again.
 */
export function uniqueLayerName(className: string): string {
  const prefix = toSnakeCase(className);
  let n = nameCounts.get(prefix) ?? 0;
  let name = n === 0 ? prefix : `${prefix}_${n}`;
  while (usedNames.has(name)) {
    n += 1;
    name = `${prefix}_${n}`;
  }
  nameCounts.set(prefix, n + 1);
  usedNames.add(name);
  return name;
}

function toList<T>(x: T | T[]): T[] {
  return Array.isArray(x) ? x : [x];
}

// The functional graph: a Layer called on SymbolicTensors records a Node (that call), whose outputs
// are new SymbolicTensors pointing back at the layer. Layer, Node and SymbolicTensor refer to one
// another, so they live in this one file (no import circle).

let nextSymbolicId = 0;

/**
 * A placeholder for a tensor in a functional model: its shape and dtype, and the node (layer
 * call) that produces it. Calling a layer on SymbolicTensors records a Node instead of computing.
 */
export class SymbolicTensor {
  readonly id = nextSymbolicId++;

  constructor(
    readonly shape: Shape,
    readonly dtype: tf.DataType,
    readonly sourceLayer: Layer,
    readonly nodeIndex: number,
    readonly tensorIndex: number,
    readonly name: string,
  ) {}

  /** Shape without the batch axis: what `input({shape})` took. */
  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `SymbolicTensor(${this.name}, shape=${shapeToString(this.shape)}, dtype=${this.dtype})`;
  }
}

/** One call of a layer in a functional graph. */
export class Node {
  constructor(
    readonly layer: Layer,
    readonly inputs: SymbolicTensor[],
    readonly outputs: SymbolicTensor[],
    /** True when the layer was called with a list (even of one), so it gets a list back at run time. */
    readonly inputsAsList: boolean,
    /** Plain (non-tensor) call arguments recorded at graph construction, replayed at run time. */
    readonly callKwargs: Record<string, unknown>,
  ) {}
}

export function isSymbolic(x: unknown): x is SymbolicTensor {
  return x instanceof SymbolicTensor;
}

/**
 * Base class of every layer. Subclasses create weights in build() with addWeight, compute in
 * call(), and describe themselves in getConfig() so that registerLayer + deserializeLayer can
 * rebuild them anywhere (another thread, another process).
 */
export abstract class Layer {
  static className = 'Layer';

  readonly name: string;
  trainable: boolean;
  built = false;
  supportsMasking = false;
  readonly dtype: tf.DataType;
  /** Set from inputShape / batchInputShape / inputDim: the shape a model's first layer expects. */
  readonly batchInputShape: Shape | null;
  inputSpec: InputSpec | (InputSpec | null)[] | null = null;
  /** Nodes where this layer was called on symbolic tensors (functional API). */
  readonly inboundNodes: Node[] = [];

  private readonly ownWeights: LayerVariable[] = [];
  private callLosses: tf.Scalar[] = [];

  constructor(args: LayerArgs = {}) {
    const className = (this.constructor as typeof Layer).className;
    if (args.name !== undefined && (typeof args.name !== 'string' || args.name.length === 0 || args.name.includes('/'))) {
      throw new Error(`Layer names must be non-empty strings without '/'. Received: name=${JSON.stringify(args.name)}`);
    }
    if (args.name !== undefined) usedNames.add(args.name);
    this.name = args.name ?? uniqueLayerName(className);
    this.trainable = args.trainable ?? true;
    this.dtype = args.dtype ?? 'float32';
    let batchInputShape: Shape | null = args.batchInputShape ?? null;
    if (!batchInputShape && args.inputShape) batchInputShape = [args.batchSize ?? null, ...args.inputShape];
    if (!batchInputShape && args.inputDim !== undefined) batchInputShape = [args.batchSize ?? null, args.inputDim];
    if (batchInputShape) {
      for (const d of batchInputShape) {
        if (d !== null && (!Number.isInteger(d) || d < 0)) {
          throw new Error(`Layer '${this.name}': input shape sizes must be non-negative integers or null. Received: batchInputShape=${shapeToString(batchInputShape)}`);
        }
      }
    }
    this.batchInputShape = batchInputShape;
  }

  /** The registered class name ("Dense"), used in configs. */
  getClassName(): string {
    return (this.constructor as typeof Layer).className;
  }

  /** Creates the weights for inputs of this shape. Overrides call addWeight, then super.build(). */
  build(_inputShape: Shape | Shape[]): void {
    this.built = true;
  }

  abstract call(inputs: Tensors, args: CallArgs): Tensors;

  /**
   * Output shape for an input shape. The default runs call() once on zeros (unknown sizes as 2)
   * and reports the batch axis as unknown when it was; layers whose output shape is cheap to state
   * override this.
   */
  computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shapes = isShapeList(inputShape) ? inputShape : [inputShape];
    const xs = shapes.map((s) => tf.zeros(s.map((d) => d ?? 2)));
    const out = this.call(isShapeList(inputShape) ? xs : xs[0], {});
    const toShape = (t: tf.Tensor): Shape => t.shape.map((d, i) => (i === 0 && shapes[0][0] === null ? null : d));
    const result = Array.isArray(out) ? out.map(toShape) : toShape(out);
    tf.dispose([xs, out]);
    return result;
  }

  /** The mask of the outputs. Default: pass the input mask through when masking is supported. */
  computeMask(_inputs: Tensors, mask?: MaskArg): MaskArg {
    if (!this.supportsMasking) return null;
    return mask ?? null;
  }

  addWeight(args: AddWeightArgs): LayerVariable {
    const { name, shape } = args;
    if (this.ownWeights.some((w) => w.name === `${this.name}/${name}`)) {
      throw new Error(`Layer '${this.name}' already has a weight named '${name}'.`);
    }
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) {
        throw new Error(`Layer '${this.name}': weight '${name}' needs a fully known shape. Received: shape=${shapeToString(shape)}`);
      }
    }
    const dtype = args.dtype ?? this.dtype;
    const initializer = getInitializer(args.initializer ?? (dtype.startsWith('float') ? 'glorotUniform' : 'zeros'));
    const value = tf.tidy(() => initializer.apply(shape, dtype));
    const variable = new LayerVariable(
      `${this.name}/${name}`,
      value,
      args.trainable ?? true,
      getConstraint(args.constraint ?? null),
      getRegularizer(args.regularizer ?? null),
      args.sparseGradient ?? false,
    );
    value.dispose();
    this.ownWeights.push(variable);
    return variable;
  }

  /**
   * Adds a loss computed during this call (activity regularization); the trainer sums them. The
   * layer owns it (kept out of tidy scopes) until the next forward pass of its model.
   */
  addLoss(loss: tf.Scalar | (() => tf.Scalar)): void {
    this.callLosses.push(tf.keep(typeof loss === 'function' ? loss() : loss));
  }

  /** Layers this layer owns and calls (wrappers, attention, nested models); their weights are ours. */
  get subLayers(): Layer[] {
    return [];
  }

  /** Losses of the last call plus the weight regularization penalties (computed now). */
  get losses(): tf.Scalar[] {
    const out: tf.Scalar[] = [...this.callLosses];
    for (const w of this.ownWeights) {
      if (w.regularizer && w.trainable) out.push(w.regularizer.apply(w.read()));
    }
    for (const l of this.subLayers) out.push(...l.losses);
    return out;
  }

  /** Frees the losses of the previous call (models do this before each forward pass). */
  clearCallLosses(): void {
    tf.dispose(this.callLosses);
    this.callLosses = [];
    for (const l of this.subLayers) l.clearCallLosses();
  }

  get weights(): LayerVariable[] {
    return [...this.ownWeights, ...this.subLayers.flatMap((l) => l.weights)];
  }

  get trainableWeights(): LayerVariable[] {
    if (!this.trainable) return [];
    return [...this.ownWeights.filter((w) => w.trainable), ...this.subLayers.flatMap((l) => l.trainableWeights)];
  }

  get nonTrainableWeights(): LayerVariable[] {
    if (!this.trainable) return this.weights;
    return [...this.ownWeights.filter((w) => !w.trainable), ...this.subLayers.flatMap((l) => l.nonTrainableWeights)];
  }

  /** Copies of the weight values, in `weights` order; the caller owns (and disposes) them. */
  getWeights(): tf.Tensor[] {
    return this.weights.map((w) => w.read().clone());
  }

  setWeights(values: tf.Tensor[]): void {
    const ws = this.weights;
    if (values.length !== ws.length) {
      throw new Error(
        `Layer '${this.name}' has ${ws.length} weights (${ws.map((w) => w.name).join(', ')}). Received: ${values.length} values`,
      );
    }
    ws.forEach((w, i) => w.assign(values[i]));
  }

  countParams(): number {
    if (!this.built) {
      throw new Error(`Layer '${this.name}' is not built yet, so its weights do not exist: call it on data or build it first.`);
    }
    return this.weights.reduce((n, w) => n + w.variable.size, 0);
  }

  /** Checks inputs (shapes or tensors) against inputSpec with a message naming the layer. */
  protected assertInputCompatibility(shapes: Shape[], dtypes: tf.DataType[]): void {
    dtypes.forEach((dt, i) => {
      if (dt === 'string' || dt === 'complex64') {
        throw new Error(`Input ${i} of layer '${this.name}' must be numeric (float32 or int32). Received: dtype=${dt}`);
      }
    });
    if (!this.inputSpec) return;
    const specs = Array.isArray(this.inputSpec) ? this.inputSpec : shapes.map(() => this.inputSpec as InputSpec);
    if (specs.length !== shapes.length) {
      throw new Error(`Layer '${this.name}' expects ${specs.length} inputs. Received: ${shapes.length} inputs`);
    }
    shapes.forEach((shape, i) => {
      const spec = specs[i];
      if (!spec) return;
      const rank = shape.length;
      const where = `Input ${i} of layer '${this.name}' (${this.getClassName()})`;
      if (spec.ndim !== undefined && rank !== spec.ndim) {
        throw new Error(`${where} is incompatible: expected rank ${spec.ndim}. Received: shape=${shapeToString(shape)} (rank ${rank})`);
      }
      if (spec.minNdim !== undefined && rank < spec.minNdim) {
        throw new Error(`${where} is incompatible: expected rank >= ${spec.minNdim}. Received: shape=${shapeToString(shape)} (rank ${rank})`);
      }
      if (spec.maxNdim !== undefined && rank > spec.maxNdim) {
        throw new Error(`${where} is incompatible: expected rank <= ${spec.maxNdim}. Received: shape=${shapeToString(shape)} (rank ${rank})`);
      }
      for (const [axisKey, size] of Object.entries(spec.axes ?? {})) {
        const axis = Number(axisKey) < 0 ? rank + Number(axisKey) : Number(axisKey);
        if (shape[axis] !== null && shape[axis] !== size) {
          throw new Error(`${where} is incompatible: expected axis ${axisKey} of size ${size}. Received: shape=${shapeToString(shape)}`);
        }
      }
    });
  }

  private ensureBuilt(shapes: Shape[], asList: boolean): void {
    if (this.built) return;
    this.build(asList ? shapes : shapes[0]);
    this.built = true;
  }

  /**
   * Calls the layer. On tensors: builds on first use, checks the inputs, runs call(). On
   * SymbolicTensors: records a node in the functional graph and returns symbolic outputs.
   */
  apply(inputs: SymbolicInputs, args?: CallArgs): SymbolicTensor | SymbolicTensor[];
  apply(inputs: Tensors, args?: CallArgs): Tensors;
  apply(inputs: Tensors | SymbolicInputs, args: CallArgs = {}): Tensors | SymbolicTensor | SymbolicTensor[] {
    if (Array.isArray(inputs)) inputs = (inputs as unknown[]).flat() as tf.Tensor[] | SymbolicTensor[];
    const list = toList(inputs as (tf.Tensor | SymbolicTensor)[] | tf.Tensor | SymbolicTensor);
    const symbolic = list.filter((x) => x instanceof SymbolicTensor).length;
    if (symbolic > 0) {
      if (symbolic !== list.length) {
        throw new Error(`Layer '${this.name}' was called on a mix of symbolic and concrete tensors; use input() for every model input.`);
      }
      return this.applySymbolic(list as SymbolicTensor[], Array.isArray(inputs), args);
    }
    return this.invoke(inputs as Tensors, args, false).outputs;
  }

  /** Eager call returning outputs and (when withMask) their mask; what models use to run their layers. */
  invoke(inputs: Tensors, args: CallArgs = {}, withMask = true): { outputs: Tensors; mask: MaskArg } {
    const list = toList(inputs);
    list.forEach((x, i) => {
      if (!(x instanceof tf.Tensor)) {
        throw new Error(`Input ${i} of layer '${this.name}' must be a tf.Tensor. Received: ${x === null ? 'null' : typeof x}`);
      }
    });
    const shapes = list.map((x) => x.shape as Shape);
    this.assertInputCompatibility(shapes, list.map((x) => x.dtype));
    this.ensureBuilt(shapes, Array.isArray(inputs));
    const mask = args.mask ?? null;
    const outputs = this.call(inputs, { ...args, mask });
    const outMask = !withMask || (mask === null && !this.producesMask) ? null : this.computeMask(inputs, mask);
    return { outputs, mask: outMask };
  }

  /** True for layers that create masks from their inputs (Embedding with maskZero, Masking). */
  protected get producesMask(): boolean {
    return false;
  }

  private applySymbolic(inputs: SymbolicTensor[], asList: boolean, args: CallArgs): SymbolicTensor | SymbolicTensor[] {
    const shapes = inputs.map((x) => x.shape);
    this.assertInputCompatibility(shapes, inputs.map((x) => x.dtype));
    this.ensureBuilt(shapes, asList);
    const outShape = this.computeOutputShape(asList ? shapes : shapes[0]);
    const outShapes = isShapeList(outShape) ? outShape : [outShape];
    const nodeIndex = this.inboundNodes.length;
    const outputs = outShapes.map(
      (s, i) => new SymbolicTensor(s, this.outputDtype, this, nodeIndex, i, `${this.name}/out${nodeIndex}_${i}`),
    );
    const kwargs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(args)) {
      if (k !== 'mask' && !(v instanceof tf.Tensor) && !(v instanceof SymbolicTensor)) kwargs[k] = v;
    }
    this.inboundNodes.push(new Node(this, inputs, outputs, asList, kwargs));
    return isShapeList(outShape) ? outputs : outputs[0];
  }

  /** Dtype of this layer's outputs in a functional graph. */
  protected get outputDtype(): tf.DataType {
    return this.dtype;
  }

  /** The layer's constructor arguments, JSON-serializable. Subclasses spread super.getConfig(). */
  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { name: this.name, trainable: this.trainable, dtype: this.dtype };
    if (this.batchInputShape) config.batchInputShape = this.batchInputShape;
    return config;
  }

  /** Rebuilds a layer from getConfig()'s output; override when the constructor differs. */
  static fromConfig<T extends Layer>(this: new (args: any) => T, config: Record<string, unknown>): T {
    return new this(config);
  }

  /** Frees the weights' memory. */
  dispose(): void {
    for (const w of this.ownWeights) w.dispose();
    for (const l of this.subLayers) l.dispose();
  }
}
