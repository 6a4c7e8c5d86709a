import { layers, Sequential, type Layer } from '@weft/layers';
import type { Task } from './read-examples';

/** The seed's architectures (examples/*.ts), by name. */
export const PRESETS = ['fasttext', 'cnn', 'lstm', 'bilstm', 'transformer'] as const;
export type Preset = (typeof PRESETS)[number];

export const DEFAULT_PRESET: Record<Task, Preset> = { classify: 'fasttext', tag: 'bilstm' };

/** Longest sequence each preset gets by default (the Keras examples' maxlen; fastText is cheap, so longer for n-grams). */
export const PRESET_MAX_LENGTH: Record<Preset, number> = { fasttext: 1000, cnn: 400, lstm: 200, bilstm: 200, transformer: 256 };

export const PRESET_HELP = `  fasttext     Embedding(50) -> GlobalAveragePooling1D -> output (imdb-fasttext; tag: a Dense per token)
  cnn          Embedding(50) -> Conv1D(250, 3) -> GlobalMaxPooling1D -> Dense(250) -> output (imdb-cnn)
  lstm         Embedding(128) -> LSTM(128) -> output (imdb-lstm; tag: pos-tagger-lstm, 64 units)
  bilstm       Embedding(128) -> Bidirectional(LSTM(64)) -> Dropout(0.5) -> output (imdb-bidirectional-lstm;
               tag: Embedding(100) -> Dropout(0.25), LSTM(100) each way)
  transformer  Embedding(64) -> TransformerEncoder(4 heads, 128) -> output (no position embeddings)`;

export interface ModelShape {
  task: Task;
  preset: Preset;
  vocabularySize: number;
  sequenceLength: number;
  classes: number;
}

/** The output and how it is trained: one sigmoid unit for two classes, else a softmax over them. */
function head(shape: ModelShape): { output: Layer; loss: string } {
  const binary = shape.task === 'classify' && shape.classes === 2;
  const dense = binary ? layers.dense({ units: 1, activation: 'sigmoid' }) : layers.dense({ units: shape.classes, activation: 'softmax' });
  return {
    output: shape.task === 'tag' ? layers.timeDistributed({ layer: dense }) : dense,
    loss: binary ? 'binaryCrossentropy' : 'sparseCategoricalCrossentropy',
  };
}

/**
 * A compiled model for the task: the preset's layers between token ids [batch, sequenceLength]
 * and the head. Tagging presets keep every step (returnSequences, padding 'same').
 */
export function buildPreset(shape: ModelShape): Sequential {
  const { task, preset, vocabularySize: inputDim, sequenceLength } = shape;
  const tag = task === 'tag';
  const model = new Sequential({ name: `${task}_${preset}` });
  const embed = (outputDim: number, maskZero: boolean) => layers.embedding({ inputDim, outputDim, inputShape: [sequenceLength], maskZero });
  switch (preset) {
    case 'fasttext':
      model.add(embed(50, true));
      if (!tag) model.add(layers.globalAveragePooling1d());
      break;
    case 'cnn':
      model.add(embed(50, false));
      model.add(layers.dropout({ rate: 0.2 }));
      model.add(layers.conv1d({ filters: tag ? 128 : 250, kernelSize: 3, padding: tag ? 'same' : 'valid', activation: 'relu' }));
      if (!tag) {
        model.add(layers.globalMaxPooling1d());
        model.add(layers.dense({ units: 250 }));
        model.add(layers.dropout({ rate: 0.2 }));
        model.add(layers.activation({ activation: 'relu' }));
      }
      break;
    case 'lstm':
      model.add(embed(tag ? 64 : 128, true));
      model.add(layers.lstm({ units: tag ? 64 : 128, returnSequences: tag }));
      break;
    case 'bilstm':
      model.add(embed(tag ? 100 : 128, true));
      if (tag) model.add(layers.dropout({ rate: 0.25 }));
      model.add(layers.bidirectional({ layer: layers.lstm({ units: tag ? 100 : 64, returnSequences: tag }) }));
      model.add(layers.dropout({ rate: 0.5 }));
      break;
    case 'transformer':
      model.add(embed(64, true));
      model.add(layers.transformerEncoder({ intermediateDim: 128, numHeads: 4, dropout: 0.1 }));
      if (!tag) model.add(layers.globalAveragePooling1d());
      break;
  }
  const { output, loss } = head(shape);
  model.add(output);
  model.compile({ optimizer: 'adam', loss, metrics: ['accuracy'] });
  return model;
}
