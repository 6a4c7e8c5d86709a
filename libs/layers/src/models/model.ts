import * as tf from '@tensorflow/tfjs-core';
import { InputLayer } from '../engine/input-layer';
import { Layer, Node, SymbolicTensor, type CallArgs, type LayerArgs, type Mask, type MaskArg, type SymbolicInputs, type Tensors } from '../engine/layer';
import { deserializeLayer, registerLayer, serializeLayer, type SerializedLayer } from '../engine/registry';
import { isShapeList, shapeToString, type Shape } from '../engine/shape';
import { compileModel, type CompileArgs, type CompiledModel } from '../training/compile';
import { isTexts, textsToTensor, type DataInput, type Texts } from '../training/data';
import type { Distribution, FitArgs, EvaluateArgs, PredictArgs, TrainOnBatchArgs } from '../training/fit-args';
import { evaluateModel } from '../training/evaluate';
import { fitModel } from '../training/fit';
import type { History } from '../callbacks/history';
import { predictModel } from '../training/predict';
import { isBatchDataset, type BatchDataset } from '../training/dataset-input';
import { evaluateDatasetModel, predictDatasetModel } from '../training/dataset-inference';
import { fitDatasetModel } from '../training/fit-dataset';
import { trainOnBatch } from '../training/train-on-batch';
import type { SavableModel } from '../saving/savable-model';
import { saveModel, saveWeights, type SaveModelArgs } from '../saving/save-model';
import type { TrainingModel } from '../training/training-model';
import { runGraph, topologicalNodes } from './graph';
import { summarize, type SummaryArgs } from './summary';

export interface ModelArgs {
  inputs: SymbolicInputs;
  outputs: SymbolicInputs;
  name?: string;
}

/** [layer name, node index in this model, tensor index]: how configs refer to a tensor. */
type TensorRef = [string, number, number];

interface NodeConfig {
  layer: string;
  inputs: TensorRef[];
  inputsAsList: boolean;
  kwargs: Record<string, unknown>;
}

const asList = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

/**
 * A model: a graph of layers from symbolic inputs to outputs (the functional API), trainable with
 * compile/fit. Also a Layer, so models nest inside other models. Training, callbacks and saving
 * see it through the interfaces it implements (TrainingModel, SavableModel), never import it.
 */
export class Model extends Layer implements TrainingModel, SavableModel {
  static override className = 'Functional';
  inputs: SymbolicTensor[] = [];
  outputs: SymbolicTensor[] = [];
  protected nodes: Node[] = [];
  private graphLayers: Layer[] = [];
  /** Set by compile(); what fit/evaluate use. */
  compiled: CompiledModel | null = null;
  /** Set by callbacks (EarlyStopping, TerminateOnNaN) to end fit after the current batch/epoch. */
  stopTraining = false;
  history: History | null = null;

  constructor(args: ModelArgs | LayerArgs = {}) {
    super({ name: args.name });
    if ('inputs' in args && 'outputs' in args) this.initGraph(asList(args.inputs).flat(), asList(args.outputs).flat());
  }

  /** Wires the graph between inputs and outputs; validates connectivity and layer names. */
  protected initGraph(inputs: SymbolicTensor[], outputs: SymbolicTensor[]): void {
    inputs.forEach((t, i) => {
      if (!(t instanceof SymbolicTensor) || !(t.sourceLayer instanceof InputLayer)) {
        throw new Error(`Model inputs must come from input(). Received: input ${i} = ${String(t)}`);
      }
    });
    outputs.forEach((t, i) => {
      if (!(t instanceof SymbolicTensor)) throw new Error(`Model outputs must be symbolic tensors. Received: output ${i} = ${String(t)}`);
    });
    this.nodes = topologicalNodes(inputs, outputs);
    const layers: Layer[] = inputs.map((t) => t.sourceLayer);
    for (const n of this.nodes) if (!layers.includes(n.layer)) layers.push(n.layer);
    const names = new Map<string, number>();
    for (const l of layers) names.set(l.name, (names.get(l.name) ?? 0) + 1);
    for (const [name, count] of names) {
      if (count > 1) throw new Error(`The name "${name}" is used ${count} times in the model. All layer names should be unique.`);
    }
    this.inputs = inputs;
    this.outputs = outputs;
    this.graphLayers = layers;
    this.built = true;
  }

  /** The layer calls of the graph, in execution order. */
  get graphNodes(): readonly Node[] {
    return this.nodes;
  }

  /** The model's layers in graph order (InputLayers first for functional models). */
  get layers(): Layer[] {
    return this.graphLayers;
  }

  override get subLayers(): Layer[] {
    return this.layers;
  }

  override get weights() {
    // Shared layers appear once; a layer's weights are listed in layer order.
    return this.layers.flatMap((l) => l.weights);
  }

  getLayer(name: string): Layer {
    const layer = this.layers.find((l) => l.name === name);
    if (!layer) throw new Error(`No layer named '${name}' in model '${this.name}'. Layers: ${this.layers.map((l) => l.name).join(', ')}`);
    return layer;
  }

  get inputNames(): string[] {
    return this.inputs.map((t) => t.sourceLayer.name);
  }

  get outputNames(): string[] {
    return this.outputs.map((t) => t.sourceLayer.name);
  }

  /** Checks and casts concrete inputs against the model's Input shapes and dtypes. */
  protected standardizeInputs(inputs: Tensors): tf.Tensor[] {
    const list = asList(inputs);
    if (list.length !== this.inputs.length) {
      throw new Error(`Model '${this.name}' expects ${this.inputs.length} input(s) (${this.inputNames.join(', ')}). Received: ${list.length}`);
    }
    return list.map((input, i) => {
      const spec = this.inputs[i];
      // Texts as [n] where the Input is [n, 1] (Keras's TextVectorization input): the model adds the axis.
      const x = spec.dtype === 'string' && input.rank === 1 && spec.shape.length === 2 && spec.shape[1] === 1 ? tf.reshape(input, [-1, 1]) : input;
      if ((x.dtype === 'string') !== (spec.dtype === 'string') || x.dtype === 'complex64') {
        const expected = spec.dtype === 'string' ? 'strings (texts)' : `numeric (${spec.dtype})`;
        throw new Error(`Input ${i} ('${spec.sourceLayer.name}') of model '${this.name}' must be ${expected}. Received: dtype=${x.dtype}`);
      }
      const ok = x.rank === spec.shape.length && spec.shape.every((d, j) => d === null || d === x.shape[j]);
      if (!ok) {
        throw new Error(
          `Input ${i} ('${spec.sourceLayer.name}') of model '${this.name}' is incompatible: expected shape ` +
            `${shapeToString(spec.shape)}. Received: shape=${shapeToString(x.shape)}`,
        );
      }
      return x.dtype === spec.dtype ? x : tf.cast(x, spec.dtype);
    });
  }

  override invoke(inputs: Tensors, args: CallArgs = {}): { outputs: Tensors; mask: MaskArg } {
    if (!this.built) this.build(asList(inputs).length > 1 ? asList(inputs).map((x) => x.shape) : asList(inputs)[0].shape);
    const xs = this.standardizeInputs(inputs);
    this.clearCallLosses();
    const masks = asList((args.mask ?? null) as Mask | Mask[]);
    const result = runGraph(this.inputs, this.outputs, this.nodes, xs, masks, args);
    const single = this.outputs.length === 1;
    return { outputs: single ? result.outputs[0] : result.outputs, mask: single ? result.masks[0] : result.masks };
  }

  call(inputs: Tensors, args: CallArgs): Tensors {
    return this.invoke(inputs, args).outputs;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const batch = (isShapeList(inputShape) ? inputShape[0] : inputShape)[0];
    const shapes = this.outputs.map((o) => [batch, ...o.shape.slice(1)]);
    return shapes.length === 1 ? shapes[0] : shapes;
  }

  /** Model-level node index of each of a layer's nodes that belong to this model. */
  private localNodeIndex(): Map<Node, number> {
    const index = new Map<Node, number>();
    const counts = new Map<Layer, number>();
    for (const node of this.nodes) {
      const k = counts.get(node.layer) ?? 0;
      index.set(node, k);
      counts.set(node.layer, k + 1);
    }
    return index;
  }

  private tensorRef(t: SymbolicTensor, index: Map<Node, number>): TensorRef {
    if (t.sourceLayer instanceof InputLayer) return [t.sourceLayer.name, 0, 0];
    const node = t.sourceLayer.inboundNodes[t.nodeIndex];
    return [t.sourceLayer.name, index.get(node) as number, t.tensorIndex];
  }

  override getConfig(): Record<string, unknown> {
    const index = this.localNodeIndex();
    const nodes: NodeConfig[] = this.nodes.map((n) => ({
      layer: n.layer.name,
      inputs: n.inputs.map((t) => this.tensorRef(t, index)),
      inputsAsList: n.inputsAsList,
      kwargs: n.callKwargs,
    }));
    return {
      name: this.name,
      trainable: this.trainable,
      layers: this.layers.map((l) => serializeLayer(l)),
      nodes,
      inputLayers: this.inputs.map((t) => this.tensorRef(t, index)),
      outputLayers: this.outputs.map((t) => this.tensorRef(t, index)),
    };
  }

  static override fromConfig<T extends Layer>(this: new (args: any) => T, config: Record<string, unknown>): T {
    const layers = new Map<string, Layer>();
    for (const s of config.layers as SerializedLayer[]) {
      const layer = deserializeLayer(s);
      layers.set(layer.name, layer);
    }
    const produced = new Map<string, SymbolicTensor[][]>();
    for (const l of layers.values()) if (l instanceof InputLayer) produced.set(l.name, [[l.output]]);
    const lookup = ([name, node, tensor]: TensorRef): SymbolicTensor => {
      const t = produced.get(name)?.[node]?.[tensor];
      if (!t) throw new Error(`Model config refers to tensor [${name}, ${node}, ${tensor}] before it is produced.`);
      return t;
    };
    for (const n of config.nodes as NodeConfig[]) {
      const layer = layers.get(n.layer);
      if (!layer) throw new Error(`Model config has a node for unknown layer '${n.layer}'.`);
      const xs = n.inputs.map(lookup);
      const out = layer.apply(n.inputsAsList ? xs : xs[0], n.kwargs);
      produced.set(n.layer, [...(produced.get(n.layer) ?? []), asList(out)]);
    }
    const model = new Model({
      name: config.name as string,
      inputs: (config.inputLayers as TensorRef[]).map(lookup),
      outputs: (config.outputLayers as TensorRef[]).map(lookup),
    });
    model.trainable = (config.trainable as boolean | undefined) ?? true;
    return model as unknown as T;
  }

  /** Prints Keras's summary table (layer, output shape, params, connected to) and the totals. */
  summary(args: SummaryArgs = {}): string {
    return summarize(this, args);
  }

  // --- training (implemented in ../training) ---

  /** Configures the model for training: optimizer, loss(es) and metrics, by name or object. */
  compile(args: CompileArgs): void {
    this.compiled = compileModel(this, args);
  }

  /**
   * Runs `use` with raw texts (x as string[]) turned into the string tensor a string Input takes,
   * disposed once `use` has finished (its Promise settled).
   */
  private withTexts<R>(x: DataInput | Texts, use: (x: DataInput) => R): R {
    if (!isTexts(x)) return use(x);
    const tensor = textsToTensor(x);
    let result: R;
    try {
      result = use(tensor);
    } catch (err) {
      tensor.dispose();
      throw err;
    }
    if (result instanceof Promise) return result.finally(() => tensor.dispose()) as R;
    tensor.dispose();
    return result;
  }

  /**
   * Trains for a number of epochs; hands over to `args.distribution` when given. On tensors
   * `fit(x, y, args)` (x may be texts, string[], for a model that starts with TextVectorization);
   * on a dataset of { x, y } batches `fit(dataset, args)` (Keras's signature: the dataset holds
   * the targets and batches itself).
   */
  async fit(dataset: BatchDataset, args?: FitArgs): Promise<History>;
  async fit(x: DataInput | Texts, y: DataInput, args?: FitArgs): Promise<History>;
  async fit(x: DataInput | Texts | BatchDataset, y?: DataInput | FitArgs, args: FitArgs = {}): Promise<History> {
    if (isBatchDataset(x)) {
      const datasetArgs = datasetCallArgs<FitArgs>('fit', y);
      const { distribution } = datasetArgs;
      if (!distribution) return fitDatasetModel(this, x, datasetArgs);
      if (!distribution.fitDataset) throw new Error(`fit(dataset): this distribution (${distribution.constructor.name}) does not train on datasets; fit without it or on tensors.`);
      return distribution.fitDataset(this, x, datasetArgs);
    }
    if (y === undefined) throw new Error('fit(x, y): y is missing. Pass the targets, or fit on a dataset of { x, y } batches: fit(dataset, args).');
    const ys = y as DataInput;
    return this.withTexts(x, (xs) => (args.distribution ? args.distribution.fit(this, xs, ys, args) : fitModel(this, xs, ys, args)));
  }

  /**
   * Loss and metrics on the given data: [loss, ...metrics], or a single number without metrics;
   * `evaluate(x, y, args)` (x may be texts) or `evaluate(dataset, args)`. Hands over to `args.distribution` when it evaluates.
   */
  async evaluate(dataset: BatchDataset, args?: EvaluateArgs): Promise<number | number[]>;
  async evaluate(x: DataInput | Texts, y: DataInput, args?: EvaluateArgs): Promise<number | number[]>;
  async evaluate(x: DataInput | Texts | BatchDataset, y?: DataInput | EvaluateArgs, args: EvaluateArgs = {}): Promise<number | number[]> {
    if (isBatchDataset(x)) {
      const datasetArgs = datasetCallArgs<EvaluateArgs>('evaluate', y);
      const { distribution } = datasetArgs;
      if (distribution?.evaluateDataset) return distribution.evaluateDataset(this, x, datasetArgs);
      return evaluateDatasetModel(this, x, datasetArgs);
    }
    if (y === undefined) throw new Error('evaluate(x, y): y is missing. Pass the targets, or evaluate a dataset of { x, y } batches: evaluate(dataset).');
    const ys = y as DataInput;
    return this.withTexts(x, (xs) => (args.distribution?.evaluate ? args.distribution.evaluate(this, xs, ys, args) : evaluateModel(this, xs, ys, args)));
  }

  /**
   * Outputs for the inputs, computed in batches (inference mode); with a distribution, on its
   * workers (a Promise). x may be texts (string[]). On a dataset (its batches' x; y ignored), always a Promise.
   */
  predict(dataset: BatchDataset, args?: PredictArgs): Promise<tf.Tensor | tf.Tensor[]>;
  predict(x: DataInput | Texts, args: PredictArgs & { distribution: Distribution }): Promise<tf.Tensor | tf.Tensor[]>;
  predict(x: DataInput | Texts, args?: PredictArgs): tf.Tensor | tf.Tensor[];
  predict(x: DataInput | Texts | BatchDataset, args: PredictArgs = {}): tf.Tensor | tf.Tensor[] | Promise<tf.Tensor | tf.Tensor[]> {
    const { distribution } = args;
    if (isBatchDataset(x)) {
      if (!distribution) return predictDatasetModel(this, x, args);
      if (!distribution.predictDataset) return Promise.reject(new Error(`predict(dataset): this distribution (${distribution.constructor.name}) does not predict on datasets; call predict without it.`));
      return distribution.predictDataset(this, x, args);
    }
    return this.withTexts(x, (xs) => {
      if (!distribution) return predictModel(this, xs, args);
      if (!distribution.predict) throw new Error(`predict(): this distribution (${distribution.constructor.name}) does not predict; call predict without it.`);
      return distribution.predict(this, xs, args);
    });
  }

  /** Saves config, weights and optimizer state to one directory (see saveModel; loadModel reads it); `{ format: 'tfjs' }` writes the tfjs-layers format. */
  async save(dir: string, args: SaveModelArgs = {}): Promise<void> {
    await saveModel(this, dir, args);
  }

  /** Saves only the weights, to one file (see saveWeights; loadWeights reads it). */
  async saveWeights(file: string): Promise<void> {
    await saveWeights(this, file);
  }

  /** One optimizer step on one batch; returns [loss, ...metrics] (a number without metrics). */
  async trainOnBatch(x: DataInput | Texts, y: DataInput, args: TrainOnBatchArgs = {}): Promise<number | number[]> {
    return this.withTexts(x, (xs) => trainOnBatch(this, xs, y, args));
  }
}
registerLayer(Model);

/** The arguments of fit(dataset, args) / evaluate(dataset, args): refused when they look like targets (Keras: the dataset holds them). */
function datasetCallArgs<A extends object>(use: string, args: unknown): A {
  if (args === undefined) return {} as A;
  const values = typeof args === 'object' && args !== null ? Object.entries(args) : [];
  const keyedTargets = values.length > 0 && values.every(([k, v]) => k !== 'sampleWeight' && v instanceof tf.Tensor);
  if (args instanceof tf.Tensor || Array.isArray(args) || isBatchDataset(args) || keyedTargets) {
    throw new Error(`${use}(dataset, ...): the dataset yields the targets (its batches' y). Call ${use}(dataset, args) without y.`);
  }
  return args as A;
}

export const model = (args: ModelArgs) => new Model(args);
