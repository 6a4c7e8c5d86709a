// The readers on the real datasets (../shared/datasets or WEFT_DATASETS); each block skips, saying
// why, when its dataset is absent.
import { resolve } from 'node:path';
import { readConlluFile, UPOS_TAGS } from './conllu';
import { describeWithDataset } from './describe-with-dataset';
import { IMDB_FILES } from './imdb';
import { readImdbCsvFile, type Review } from './imdb-reviews';
import { encodeImdbReview, IMDB_OOV, readWordIndexFile } from './imdb-word-index';
import { readSmsSpamFile } from './sms-spam';
import { UD_EWT_FILES } from './ud-pos';

describeWithDataset('imdb', IMDB_FILES, 'IMDB files', (dir) => {
  let reviews: Review[];
  beforeAll(async () => {
    reviews = await readImdbCsvFile(resolve(dir, 'test.csv.gz'));
  });

  it('test.csv.gz: 25,000 balanced reviews, negatives first, no <br /> left', () => {
    expect(reviews).toHaveLength(25000);
    expect(reviews.filter((r) => r.label === 1)).toHaveLength(12500);
    expect(reviews[0].label).toBe(0);
    expect(reviews.some((r) => /<br/i.test(r.text))).toBe(false);
  });

  it("the word index: 88,584 words, 'the' = 1, and it covers the reviews' words (under 1% oov)", async () => {
    const index = await readWordIndexFile(resolve(dir, 'imdb_word_index.json.gz'));
    expect(index.size).toBe(88584);
    expect(index.get('the')).toBe(1);
    const some = reviews.slice(0, 500);
    const ids = some.flatMap((r) => encodeImdbReview(r.text, index).slice(1));
    expect(ids.filter((id) => id === IMDB_OOV).length / ids.length).toBeLessThan(0.01);
    const capped = some.flatMap((r) => encodeImdbReview(r.text, index, 20000));
    expect(Math.max(...capped)).toBeLessThan(20000);
  });
});

describeWithDataset('ud_english_ewt', UD_EWT_FILES, 'UD English EWT files', (dir) => {
  it('dev: 2,001 sentences, every tag one of the 17 UPOS tags', async () => {
    const sentences = await readConlluFile(resolve(dir, 'en_ewt-ud-dev.conllu.gz'));
    expect(sentences).toHaveLength(2001);
    const tags = new Set(sentences.flatMap((s) => s.upos));
    expect([...tags].every((t) => (UPOS_TAGS as readonly string[]).includes(t))).toBe(true);
    expect(tags.size).toBe(17);
    expect(sentences.every((s) => s.words.length === s.upos.length)).toBe(true);
  });
});

describeWithDataset('sms_spam', ['SMSSpamCollection'], 'SMS Spam Collection file', (dir) => {
  it('5,574 messages, 747 spam', async () => {
    const messages = await readSmsSpamFile(resolve(dir, 'SMSSpamCollection'));
    expect(messages).toHaveLength(5574);
    expect(messages.filter((m) => m.label === 'spam')).toHaveLength(747);
  });
});
