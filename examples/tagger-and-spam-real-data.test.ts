// The tagger (UD English EWT) and the attention classifier (SMS spam) on small real subsets;
// each block skips, saying why, when its dataset is absent.
import { initBackend } from '@weft/tensor';
import { describeWithDataset } from './data/describe-with-dataset';
import { UD_EWT_FILES } from './data/ud-pos';
import { trainPosTagger } from './pos-tagger-lstm';
import { trainAttentionOnSmsSpam } from './simple-attention';

const quiet = { workers: 1, batchSize: 32, backend: 'wasm' } as const;

beforeAll(async () => {
  await initBackend('wasm');
});

describeWithDataset('ud_english_ewt', UD_EWT_FILES, 'POS tagger on UD English EWT', () => {
  it('tags dev tokens well above the most frequent tag (NOUN, ~17%) after 3 epochs on 1,000 sentences', async () => {
    const result = await trainPosTagger({ ...quiet, epochs: 3, batchSize: 16, samples: 1000 }, 0, 40, 2000);
    expect(result.source).toBe('ud_english_ewt');
    expect(result.devTokenAccuracy).toBeGreaterThan(0.3);
  });
});

describeWithDataset('sms_spam', ['SMSSpamCollection'], 'Attention classifier on SMS spam', () => {
  it('trains on 400 messages tokenized by Tokenizer (loss goes down)', async () => {
    const result = await trainAttentionOnSmsSpam({ ...quiet, epochs: 3, samples: 400 }, 0, { maxFeatures: 1000, maxlen: 30, units: 8 });
    expect(result.source).toBe('sms_spam');
    const losses = result.history.history.loss as number[];
    expect(losses[2]).toBeLessThan(losses[0]);
  });
});
