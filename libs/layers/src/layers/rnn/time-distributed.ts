import * as tf from '@tensorflow/tfjs-core';
import { Layer, type CallArgs, type LayerArgs, type MaskArg, type Tensors } from '../../engine/layer';
import { deserializeLayer, registerLayer, serializeLayer, type SerializedLayer } from '../../engine/registry';
import { singleShape, shapeToString, type Shape } from '../../engine/shape';

export interface TimeDistributedArgs extends LayerArgs {
  /** Applied to every timestep (axis 1) independently, with the same weights. */
  layer: Layer;
}

/**
 * Applies a layer to every timestep of [batch, steps, ...]: the steps are folded into the batch,
 * so it is one call of the inner layer. A [batch, steps] mask passes through unchanged (the loss
 * then skips masked steps), as in Keras.
 */
export class TimeDistributed extends Layer {
  static override className = 'TimeDistributed';
  readonly layer: Layer;

  constructor(args: TimeDistributedArgs) {
    super(args);
    if (!(args?.layer instanceof Layer)) {
      throw new Error(`TimeDistributed expects a layer to wrap. Received: layer=${String(args?.layer)}`);
    }
    this.layer = args.layer;
    this.supportsMasking = true;
    this.inputSpec = { minNdim: 3 };
  }

  override get subLayers(): Layer[] {
    return [this.layer];
  }

  private innerShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, this.name);
    if (shape.length < 3) {
      throw new Error(`TimeDistributed '${this.name}' expects inputs of shape [batch, steps, ...]. Received: input shape ${shapeToString(shape)}`);
    }
    return [null, ...shape.slice(2)];
  }

  override build(inputShape: Shape | Shape[]): void {
    if (!this.layer.built) {
      this.layer.build(this.innerShape(inputShape));
      this.layer.built = true;
    }
    super.build(inputShape);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = singleShape(inputShape, this.name);
    const inner = this.layer.computeOutputShape(this.innerShape(inputShape)) as Shape;
    return [shape[0], shape[1], ...inner.slice(1)];
  }

  override computeMask(_inputs: Tensors, mask?: MaskArg): MaskArg {
    const m = (Array.isArray(mask) ? mask[0] : mask) ?? null;
    return m ? m.clone() : null;
  }

  call(inputs: Tensors, args: CallArgs): Tensors {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [batch, steps, ...rest] = x.shape;
      const folded = tf.reshape(x, [batch * steps, ...rest]);
      const y = this.layer.apply(folded, { training: args.training }) as tf.Tensor;
      return tf.reshape(y, [batch, steps, ...y.shape.slice(1)]);
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), layer: serializeLayer(this.layer) };
  }

  static override fromConfig<T extends Layer>(this: new (args: any) => T, config: Record<string, unknown>): T {
    return new this({ ...config, layer: deserializeLayer(config.layer as SerializedLayer) });
  }
}
registerLayer(TimeDistributed);

export const timeDistributed = (args: TimeDistributedArgs) => new TimeDistributed(args);
