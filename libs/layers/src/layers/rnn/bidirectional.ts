import * as tf from '@tensorflow/tfjs-core';
import { Layer, type CallArgs, type LayerArgs, type MaskArg, type Tensors } from '../../engine/layer';
import { deserializeLayer, registerLayer, serializeLayer, type SerializedLayer } from '../../engine/registry';
import { isShapeList, type Shape } from '../../engine/shape';
import { BaseRnn } from './base-rnn';

export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | 'none';
const MERGE_MODES: readonly MergeMode[] = ['concat', 'sum', 'mul', 'ave', 'none'];

export interface BidirectionalArgs extends LayerArgs {
  /** The recurrent layer to run both ways; Bidirectional builds its own forward and backward copies from its config. */
  layer: BaseRnn;
  /** How the two directions' outputs combine; 'none' (or null) returns both. Default 'concat'. */
  mergeMode?: MergeMode | null;
}

/**
 * Runs a recurrent layer forwards and a copy of it backwards over the sequence and merges the
 * outputs, as Keras's Bidirectional: with returnSequences the backward outputs are put back in
 * time order, and masked steps output zeros in both directions (so their merge is zeros too).
 * Initial states, when given as extra inputs, are the forward states then the backward states.
 */
export class Bidirectional extends Layer {
  static override className = 'Bidirectional';
  readonly forwardLayer: BaseRnn;
  readonly backwardLayer: BaseRnn;
  readonly mergeMode: MergeMode;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  private readonly template: SerializedLayer;

  constructor(args: BidirectionalArgs) {
    super(args);
    if (!(args?.layer instanceof BaseRnn)) {
      throw new Error(
        `Bidirectional expects a recurrent layer (LSTM, GRU, SimpleRNN). Received: layer=${args?.layer ? (args.layer as Layer).getClassName?.() ?? typeof args.layer : String(args?.layer)}`,
      );
    }
    const mode = args.mergeMode === null ? 'none' : args.mergeMode ?? 'concat';
    if (!MERGE_MODES.includes(mode)) {
      throw new Error(`Bidirectional: \`mergeMode\` must be one of ${MERGE_MODES.join(', ')} or null. Received: mergeMode=${JSON.stringify(args.mergeMode)}`);
    }
    this.mergeMode = mode;
    this.template = serializeLayer(args.layer);
    const inner = args.layer;
    this.returnSequences = inner.returnSequences;
    this.returnState = inner.returnState;
    const copy = (direction: 'forward' | 'backward') =>
      deserializeLayer({
        className: this.template.className,
        config: {
          ...this.template.config,
          name: `${direction}_${inner.name}`,
          goBackwards: direction === 'backward' ? !inner.goBackwards : inner.goBackwards,
          zeroOutputForMask: inner.returnSequences,
        },
      }) as BaseRnn;
    this.forwardLayer = copy('forward');
    this.backwardLayer = copy('backward');
    this.supportsMasking = true;
  }

  override get subLayers(): Layer[] {
    return [this.forwardLayer, this.backwardLayer];
  }

  override build(inputShape: Shape | Shape[]): void {
    const x = isShapeList(inputShape) ? inputShape[0] : inputShape;
    const states = isShapeList(inputShape) ? inputShape.slice(1) : [];
    const half = states.length / 2;
    for (const [layer, own] of [[this.forwardLayer, states.slice(0, half)], [this.backwardLayer, states.slice(half)]] as const) {
      layer.build(own.length ? [x, ...own] : x);
      layer.built = true;
    }
    super.build(inputShape);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const x = isShapeList(inputShape) ? inputShape[0] : inputShape;
    const inner = this.forwardLayer.computeOutputShape(x);
    const [output, ...states] = (this.returnState ? inner : [inner]) as Shape[];
    const merged: Shape[] =
      this.mergeMode === 'none'
        ? [output, output]
        : [this.mergeMode === 'concat' ? [...output.slice(0, -1), (output[output.length - 1] as number) * 2] : output];
    if (!this.returnState) return merged.length === 1 ? merged[0] : merged;
    return [...merged, ...states, ...states];
  }

  override computeMask(_inputs: Tensors, mask?: MaskArg): MaskArg {
    const m = (Array.isArray(mask) ? mask[0] : mask) ?? null;
    const outputMask = () => (this.returnSequences && m ? m.clone() : null);
    const outputs = this.mergeMode === 'none' ? [outputMask(), outputMask()] : [outputMask()];
    if (!this.returnState && outputs.length === 1) return outputs[0];
    const stateCount = this.returnState ? 2 * (this.forwardLayer.getClassName() === 'LSTM' ? 2 : 1) : 0;
    return [...outputs, ...Array.from({ length: stateCount }, () => null)];
  }

  call(inputs: Tensors, args: CallArgs): Tensors {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      const x = list[0];
      const states = list.slice(1);
      const half = states.length / 2;
      const mask = (Array.isArray(args.mask) ? args.mask[0] : args.mask) ?? null;
      const run = (layer: BaseRnn, own: tf.Tensor[]) => {
        const out = layer.apply(own.length ? [x, ...own] : x, { training: args.training, mask });
        return Array.isArray(out) ? out : [out];
      };
      const [forwardOut, ...forwardStates] = run(this.forwardLayer, states.slice(0, half));
      const [backwardRaw, ...backwardStates] = run(this.backwardLayer, states.slice(half));
      const backwardOut = this.returnSequences ? tf.reverse(backwardRaw, 1) : backwardRaw;
      const merged = this.merge(forwardOut, backwardOut);
      if (!this.returnState) return merged.length === 1 ? merged[0] : merged;
      return [...merged, ...forwardStates, ...backwardStates];
    });
  }

  private merge(a: tf.Tensor, b: tf.Tensor): tf.Tensor[] {
    switch (this.mergeMode) {
      case 'concat':
        return [tf.concat([a, b], -1)];
      case 'sum':
        return [tf.add(a, b)];
      case 'mul':
        return [tf.mul(a, b)];
      case 'ave':
        return [tf.mul(tf.add(a, b), 0.5)];
      case 'none':
        return [a, b];
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), layer: this.template, mergeMode: this.mergeMode };
  }

  static override fromConfig<T extends Layer>(this: new (args: any) => T, config: Record<string, unknown>): T {
    return new this({ ...config, layer: deserializeLayer(config.layer as SerializedLayer) });
  }
}
registerLayer(Bidirectional);

export const bidirectional = (args: BidirectionalArgs) => new Bidirectional(args);
