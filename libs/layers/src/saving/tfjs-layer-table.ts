// How each built-in weft layer is written in the tfjs-layers (Keras) format: class name, config,
// weights in tfjs-layers' order and layout, and what tfjs-layers' class does with a mask.
// weft's layers keep Keras's argument names and weight layouts (LSTM gates i, f, c, o; GRU z, r, h;
// kernels [..., in, out]), so most entries pass getConfig() and the layer's weights through.
import type { Layer } from '../engine/layer';
import type { GRU } from '../layers/rnn/gru';
import type { Bidirectional } from '../layers/rnn/bidirectional';
import type { TimeDistributed } from '../layers/rnn/time-distributed';
import type { BaseRnn } from '../layers/rnn/base-rnn';
import type { Embedding } from '../layers/core/embedding';
import type { BaseGlobalPooling } from '../layers/pooling/base-global-pooling';
import { ownWeights, type TfjsExportEntry, type TfjsExporter, type TfjsMaskRule } from './tfjs-export-registry';

/** getConfig() without the keys tfjs-layers does not have. */
const sameConfig = (...drop: string[]): TfjsExporter => (layer) => {
  const config = layer.getConfig();
  for (const key of drop) delete config[key];
  return { className: layer.getClassName(), config, weights: ownWeights(layer) };
};

const same = (masks: TfjsMaskRule, ...drop: string[]): TfjsExportEntry => ({ toTfjs: sameConfig(...drop), masks });

/** Recurrent layers output a mask only with returnSequences; their states never carry one. */
const rnnMasks = (layer: Layer, [masked]: boolean[]): boolean[] => {
  const rnn = layer as BaseRnn;
  const states = rnn.returnState ? (rnn.getClassName() === 'LSTM' ? 2 : 1) : 0;
  return [rnn.returnSequences && masked, ...Array<boolean>(states).fill(false)];
};

// zeroOutputForMask is weft's switch for Bidirectional's copies (Keras sets it internally too).
const rnn = (unsupported?: (layer: Layer) => string | null): TfjsExportEntry => ({
  toTfjs: sameConfig('zeroOutputForMask'),
  masks: rnnMasks,
  unsupported,
});

const globalPooling: TfjsExportEntry = {
  toTfjs: sameConfig('keepdims'),
  masks: 'refuse',
  unsupported: (layer) => ((layer as BaseGlobalPooling).keepdims ? "keepdims: true (tfjs-layers' global pooling has no keepdims)" : null),
};

const bidirectional: TfjsExportEntry = {
  toTfjs: (layer, context) => {
    const b = layer as Bidirectional;
    const { layer: template, mergeMode: _mergeMode, ...base } = b.getConfig() as { layer: { config: Record<string, unknown> } } & Record<string, unknown>;
    const forward = context.inner(b.forwardLayer);
    const backward = context.inner(b.backwardLayer);
    // tfjs-layers rebuilds the two copies from the wrapped layer's config, named forward_<name> and backward_<name>.
    const wrapped = forward.keras.json as { config: Record<string, unknown> };
    wrapped.config = { ...wrapped.config, name: template.config.name, go_backwards: template.config.goBackwards ?? false };
    return {
      className: 'Bidirectional',
      config: { ...base, layer: forward.keras, mergeMode: b.mergeMode === 'none' ? null : b.mergeMode },
      weights: [
        ...forward.weights.map((w) => ({ ...w, name: `${b.forwardLayer.name}/${w.name}` })),
        ...backward.weights.map((w) => ({ ...w, name: `${b.backwardLayer.name}/${w.name}` })),
      ],
    };
  },
  masks: (layer, inputs) => {
    const b = layer as Bidirectional;
    const [output, ...states] = rnnMasks(b.forwardLayer, inputs);
    return [...(b.mergeMode === 'none' ? [output, output] : [output]), ...states, ...states];
  },
};

// tfjs-layers builds the wrapped layer inside the wrapper's name scope: its weights are <wrapper>/kernel.
const timeDistributed: TfjsExportEntry = {
  toTfjs: (layer, context) => {
    const td = layer as TimeDistributed;
    const { layer: _inner, ...base } = td.getConfig();
    const inner = context.inner(td.layer);
    return { className: 'TimeDistributed', config: { ...base, layer: inner.keras }, weights: inner.weights };
  },
  masks: 'pass',
};

/** Built-in weft layers that tfjs-layers 4.22 has, by weft class name. */
export const TFJS_LAYER_TABLE: Record<string, TfjsExportEntry> = {
  InputLayer: same('refuse'),
  // core
  Dense: same('pass'),
  Embedding: { toTfjs: sameConfig(), masks: (layer) => [(layer as Embedding).maskZero] },
  Masking: { toTfjs: sameConfig(), masks: () => [true] },
  Activation: same('pass'),
  // regularization
  Dropout: same('pass'),
  SpatialDropout1D: same('pass'),
  // reshaping
  Flatten: same('refuse'),
  Reshape: same('refuse'),
  Permute: same('refuse'),
  RepeatVector: same('refuse'),
  // merging
  Add: same('pass'),
  Multiply: same('pass'),
  Average: same('pass'),
  Maximum: same('pass'),
  Minimum: same('pass'),
  Concatenate: same('pass'),
  Dot: same('consume'),
  // convolution and pooling
  Conv1D: {
    ...same('refuse'),
    unsupported: (layer) => (layer.getConfig().padding === 'causal' ? "padding: 'causal' (tfjs-layers 4.22 loads it, but its Conv1D cannot run it)" : null),
  },
  Conv2D: same('refuse'),
  Conv3D: same('refuse'),
  MaxPooling1D: same('refuse'),
  MaxPooling2D: same('refuse'),
  MaxPooling3D: same('refuse'),
  AveragePooling1D: same('refuse'),
  AveragePooling2D: same('refuse'),
  AveragePooling3D: same('refuse'),
  GlobalMaxPooling1D: globalPooling,
  GlobalMaxPooling2D: globalPooling,
  GlobalAveragePooling1D: globalPooling,
  GlobalAveragePooling2D: globalPooling,
  // normalization
  BatchNormalization: same('pass'),
  LayerNormalization: same('pass'),
  // recurrent
  SimpleRNN: rnn(),
  LSTM: rnn(),
  GRU: rnn((layer) =>
    (layer as GRU).resetAfter
      ? "resetAfter: true (Keras 2's default, and weft's); tfjs-layers' GRU implements only resetAfter: false. Build the GRU with resetAfter: false to export it"
      : null,
  ),
  Bidirectional: bidirectional,
  TimeDistributed: timeDistributed,
};

/** weft layers tfjs-layers 4.22 lacks, and what it has instead. */
export const TFJS_LAYER_GAPS: Record<string, string> = {
  Subtract: 'tfjs-layers has no Subtract layer',
  ZeroPadding1D: 'tfjs-layers has only ZeroPadding2D',
  Cropping1D: 'tfjs-layers has only Cropping2D',
  UpSampling1D: 'tfjs-layers has only UpSampling2D',
  Attention: 'tfjs-layers has no Attention layer',
  AdditiveAttention: 'tfjs-layers has no AdditiveAttention layer',
  MultiHeadAttention: "tfjs-layers' MultiHeadAttention is internal to its NLP models and not in tf.layers",
  TransformerEncoder: 'tfjs-layers has no TransformerEncoder layer',
};
