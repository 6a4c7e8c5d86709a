import type * as tf from '@tensorflow/tfjs-core';
import { input, InputLayer } from '../engine/input-layer';
import { Layer, SymbolicTensor, type CallArgs, type Mask, type MaskArg, type Tensors } from '../engine/layer';
import { deserializeLayer, registerLayer, serializeLayer, type SerializedLayer } from '../engine/registry';
import { isShapeList, type Shape } from '../engine/shape';
import { Model } from './model';

export interface SequentialArgs {
  layers?: Layer[];
  name?: string;
}

/**
 * The dtype of the data a first layer takes: an Input's own, strings for a layer that takes texts
 * (TextVectorization), a built model's input's; otherwise the default, float32.
 */
function inputDtypeOf(layer: Layer): tf.DataType | undefined {
  if (layer instanceof InputLayer || layer.dtype === 'string') return layer.dtype;
  return layer instanceof Model && layer.inputs.length === 1 ? layer.inputs[0].dtype : undefined;
}

/**
 * A linear stack of layers. The first layer's inputShape/inputDim (or an input() added first)
 * fixes the input shape; otherwise the model is built on the first data it sees.
 */
export class Sequential extends Model {
  static override className = 'Sequential';
  private stack: Layer[] = [];
  /** The declared input (from a first layer's shape or an added input()), or null until built. */
  private inputTensor: SymbolicTensor | null = null;

  constructor(args: SequentialArgs = {}) {
    super({ name: args.name });
    this.built = false;
    for (const l of args.layers ?? []) this.add(l);
  }

  override get layers(): Layer[] {
    return [...this.stack];
  }

  /** Appends a layer (or an input() as the first entry); checks it fits the previous output. */
  add(layer: Layer | SymbolicTensor): void {
    if (layer instanceof SymbolicTensor) {
      if (!(layer.sourceLayer instanceof InputLayer) || this.stack.length > 0 || this.inputTensor) {
        throw new Error('Sequential.add accepts an input() only as its first entry.');
      }
      this.inputTensor = layer;
      return;
    }
    if (!(layer instanceof Layer)) {
      throw new Error(`Sequential.add expects a Layer. Received: ${layer === null ? 'null' : typeof layer}`);
    }
    if (this.stack.some((l) => l.name === layer.name)) {
      throw new Error(`The name "${layer.name}" is used 2 times in the model. All layer names should be unique.`);
    }
    if (this.stack.length === 0 && !this.inputTensor && layer.batchInputShape) {
      this.inputTensor = input({ batchShape: layer.batchInputShape, dtype: inputDtypeOf(layer) });
      if (layer instanceof InputLayer) return;
    }
    this.stack.push(layer);
    if (this.inputTensor) this.rebuildGraph();
  }

  /** Removes the last layer. */
  pop(): Layer {
    const layer = this.stack.pop();
    if (!layer) throw new Error('There are no layers in the model to pop.');
    if (this.inputTensor && this.stack.length > 0) this.rebuildGraph();
    else {
      this.outputs = [];
      this.built = false;
    }
    return layer;
  }

  /** Chains the layers on the input symbolically: validates shapes and records output shapes. */
  private rebuildGraph(): void {
    let x = this.inputTensor as SymbolicTensor;
    for (const layer of this.stack) {
      const out = layer.apply(x);
      if (Array.isArray(out)) {
        throw new Error(`All layers in a Sequential model should have a single output tensor; '${layer.name}' has ${out.length}. Use the functional API.`);
      }
      x = out;
    }
    this.initGraph([this.inputTensor as SymbolicTensor], [x]);
  }

  override build(inputShape: Shape | Shape[]): void {
    if (this.inputTensor && this.built) return;
    if (isShapeList(inputShape)) throw new Error(`A Sequential model takes one input. Received: ${inputShape.length} input shapes`);
    if (this.stack.length === 0) throw new Error('Sequential model has no layers: add() some before using it.');
    this.inputTensor = input({ batchShape: [null, ...inputShape.slice(1)], dtype: inputDtypeOf(this.stack[0]) });
    this.rebuildGraph();
  }

  override invoke(inputs: Tensors, args: CallArgs = {}): { outputs: Tensors; mask: MaskArg } {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (!this.built) this.build(list[0].shape);
    let [x] = this.standardizeInputs(list);
    this.clearCallLosses();
    let mask: Mask = (Array.isArray(args.mask) ? args.mask[0] : args.mask) ?? null;
    for (const layer of this.stack) {
      const r = layer.invoke(x, { training: args.training, mask: layer.supportsMasking ? mask : null });
      x = r.outputs as tf.Tensor;
      mask = (Array.isArray(r.mask) ? r.mask[0] : r.mask) ?? null;
    }
    return { outputs: x, mask };
  }

  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { name: this.name, trainable: this.trainable, layers: this.stack.map((l) => serializeLayer(l)) };
    if (this.inputTensor) config.buildInputShape = this.inputTensor.shape;
    if (this.inputTensor && this.inputTensor.dtype !== 'float32') config.inputDtype = this.inputTensor.dtype;
    return config;
  }

  static override fromConfig<T extends Layer>(this: new (args: any) => T, config: Record<string, unknown>): T {
    const model = new Sequential({ name: config.name as string });
    if (config.buildInputShape) {
      model.add(input({ batchShape: config.buildInputShape as Shape, dtype: (config.inputDtype as tf.DataType | undefined) ?? 'float32' }));
    }
    for (const s of config.layers as SerializedLayer[]) model.add(deserializeLayer(s));
    model.trainable = (config.trainable as boolean | undefined) ?? true;
    return model as unknown as T;
  }
}
registerLayer(Sequential);

export const sequential = (args?: SequentialArgs) => new Sequential(args);
