/**
 * A sequence tagger (part of speech): embeddings with padding masked, an LSTM returning every
 * step, and a softmax over the tags at every step. Padded steps are masked out of the loss.
 *
 *   npx tsx examples/pos-tagger-lstm.ts
 */
import { layers, Sequential } from '@weft/layers';
import { initBackend } from '@weft/tensor';
import { syntheticTaggedSentences } from './example-data';

export interface PosTaggerOptions {
  vocabSize?: number;
  maxlen?: number;
  embeddingDims?: number;
  units?: number;
  numTags?: number;
}

export function buildPosTagger(options: PosTaggerOptions = {}): Sequential {
  const { vocabSize = 10000, maxlen = 50, embeddingDims = 64, units = 64, numTags = 6 } = options;
  const model = new Sequential({ name: 'pos_tagger_lstm' });
  model.add(layers.embedding({ inputDim: vocabSize, outputDim: embeddingDims, inputShape: [maxlen], maskZero: true }));
  model.add(layers.lstm({ units, returnSequences: true }));
  model.add(layers.timeDistributed({ layer: layers.dense({ units: numTags, activation: 'softmax' }) }));
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

async function main(): Promise<void> {
  await initBackend('auto');
  const model = buildPosTagger();
  model.summary();
  const { x, y } = syntheticTaggedSentences(64, 50, 10000, 6);
  await model.fit(x, y, { batchSize: 32, epochs: 1 });
}

if (require.main === module) main().catch((err) => { console.error(err); process.exit(1); });
