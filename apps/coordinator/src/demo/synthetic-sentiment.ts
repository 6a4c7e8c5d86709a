import { seededRandom } from '@weft/layers';

/**
 * A sentiment-like text task the project makes itself, so the main job runs on a fresh machine
 * without downloads: each "review" is a sequence of token ids; a few ids are positive words, a
 * few negative; the label is 1 when positive words outnumber negative ones. Deterministic per seed.
 */
export interface SyntheticSentimentOptions {
  samples: number;
  sequenceLength: number;
  vocabularySize: number;
  seed: number;
}

export interface TokenDataset {
  /** Token ids, row-major [samples, sequenceLength]; 0 is padding. */
  tokens: Int32Array;
  /** 0/1 labels, one per sample. */
  labels: Float32Array;
  samples: number;
  sequenceLength: number;
  vocabularySize: number;
}

const SENTIMENT_WORDS = 10; // ids 1..10 positive, 11..20 negative; the rest neutral

export function syntheticSentiment(options: SyntheticSentimentOptions): TokenDataset {
  const { samples, sequenceLength, vocabularySize, seed } = options;
  if (vocabularySize <= 2 * SENTIMENT_WORDS + 1) {
    throw new Error(`syntheticSentiment needs vocabularySize > ${2 * SENTIMENT_WORDS + 1}. Received: vocabularySize=${vocabularySize}`);
  }
  const random = seededRandom(seed); // every process derives the same data from the same seed
  const tokens = new Int32Array(samples * sequenceLength);
  const labels = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    const length = Math.max(4, Math.floor(sequenceLength * (0.5 + 0.5 * random())));
    let score = 0;
    for (let t = 0; t < length; t++) {
      const r = random();
      let id: number;
      if (r < 0.1) id = 1 + Math.floor(random() * SENTIMENT_WORDS);
      else if (r < 0.2) id = 1 + SENTIMENT_WORDS + Math.floor(random() * SENTIMENT_WORDS);
      else id = 1 + 2 * SENTIMENT_WORDS + Math.floor(random() * (vocabularySize - 1 - 2 * SENTIMENT_WORDS));
      if (id <= SENTIMENT_WORDS) score++;
      else if (id <= 2 * SENTIMENT_WORDS) score--;
      // Pre-padding, as Keras's pad_sequences does by default.
      tokens[i * sequenceLength + (sequenceLength - length) + t] = id;
    }
    labels[i] = score > 0 || (score === 0 && random() < 0.5) ? 1 : 0;
  }
  return { tokens, labels, samples, sequenceLength, vocabularySize };
}
