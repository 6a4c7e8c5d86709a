// The examples' dataset readers on small files written here (always run; the real files are read in
// real-datasets.test.ts). Parsing itself (CSV, CoNLL, gzip) is @weft/data's, tested there.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readConlluFile } from './conllu';
import { findDataset } from './datasets-dir';
import { readImdbCsvFile, stripLineBreakTags } from './imdb-reviews';
import { encodeImdbReview } from './imdb-word-index';
import { readSmsSpamFile } from './sms-spam';
import { buildWordIds, encodeTaggedSentences } from './ud-pos';
import { parseExampleOptions } from '../cli-options';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'weft-readers-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `text` to a file in the test folder (gzipped when the name ends in .gz); returns its path. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, name.endsWith('.gz') ? gzipSync(text) : text);
  return path;
}

describe('IMDB', () => {
  it('reads the CSV, labels and text, with <br /> tags turned into spaces', async () => {
    const csv = 'label,rating,file,text\n0,3,train/neg/0_3.txt,"Bad.<br /><br />Really, ""bad""."\n1,9,train/pos/1_9.txt,Good\n';
    expect(await readImdbCsvFile(file('imdb.csv.gz', csv))).toEqual([
      { text: 'Bad.  Really, "bad".', label: 0 },
      { text: 'Good', label: 1 },
    ]);
    expect(stripLineBreakTags('a<br/>b<BR>c')).toBe('a b c');
  });

  it('encodes as keras.datasets.imdb: start 1, rank + 3, oov 2 for unknown words and ids >= numWords', () => {
    const index = new Map([['the', 1], ['movie', 17], ["it's", 42]]);
    // the -> 4, movie -> 20, it's -> 45, zzz -> unknown
    expect(encodeImdbReview("The movie, it's zzz!", index)).toEqual([1, 4, 20, 45, 2]);
    expect(encodeImdbReview("The movie, it's zzz!", index, 21)).toEqual([1, 4, 20, 2, 2]);
  });
});

describe('CoNLL-U', () => {
  const conllu = [
    '# sent_id = 1',
    '# text = I can\'t go.',
    '1\tI\tI\tPRON\tPRP\t_\t3\tnsubj\t_\t_',
    '2-3\tcan\'t\t_\t_\t_\t_\t_\t_\t_\t_',
    '2\tca\tcan\tAUX\tMD\t_\t4\taux\t_\t_',
    '3\tn\'t\tnot\tPART\tRB\t_\t4\tadvmod\t_\t_',
    '4\tgo\tgo\tVERB\tVB\t_\t0\troot\t_\t_',
    '4.1\tgone\tgo\tVERB\tVBN\t_\t_\t_\t4:conj\t_',
    '5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_',
    '',
    '1\tHi\thi\tINTJ\tUH\t_\t0\troot\t_\t_',
    '',
  ].join('\n');

  it('reads words and UPOS tags, skipping comments, multiword tokens and empty nodes', async () => {
    expect(await readConlluFile(file('ewt.conllu', conllu))).toEqual([
      { words: ['I', 'ca', "n't", 'go', '.'], upos: ['PRON', 'AUX', 'PART', 'VERB', 'PUNCT'] },
      { words: ['Hi'], upos: ['INTJ'] },
    ]);
  });

  it('maps words to ids by training frequency (0 padding, 1 unknown) and tags to UPOS indices', () => {
    const sentences = [{ words: ['The', 'dog', 'the'], upos: ['DET', 'NOUN', 'DET'] }];
    const ids = buildWordIds(sentences, 3); // room for one word: 'the'
    expect([...ids]).toEqual([['the', 2]]);
    expect(encodeTaggedSentences(sentences, ids)).toEqual({ x: [[2, 1, 2]], y: [[5, 7, 5]] });
  });
});

describe('SMS spam', () => {
  it('reads label TAB text, the text keeping any further tab', async () => {
    expect(await readSmsSpamFile(file('sms', 'ham\tOk lar\r\nspam\tWIN\tnow\n\n'))).toEqual([
      { label: 'ham', text: 'Ok lar' },
      { label: 'spam', text: 'WIN\tnow' },
    ]);
    await expect(readSmsSpamFile(file('sms-bad', 'maybe\thi\n'))).rejects.toThrow(/sms-bad, line 1: expected 'ham' or 'spam'/);
  });
});

describe('dataset folder and flags', () => {
  it('says where it looked and how to point elsewhere when a dataset is missing', () => {
    const found = findDataset('imdb', ['train.csv.gz'], '/no/such/folder');
    expect(found).toEqual({
      ok: false,
      reason: expect.stringMatching(/dataset 'imdb' not found: \/no\/such\/folder\/imdb\/train\.csv\.gz missing\. .*--data DIR or WEFT_DATASETS=DIR/),
    });
  });

  it('takes WEFT_DATASETS when --data is not given', () => {
    const saved = process.env.WEFT_DATASETS;
    process.env.WEFT_DATASETS = '/elsewhere';
    try {
      expect(findDataset('imdb', ['x'])).toMatchObject({ reason: expect.stringContaining(resolve('/elsewhere/imdb/x')) });
    } finally {
      if (saved === undefined) delete process.env.WEFT_DATASETS;
      else process.env.WEFT_DATASETS = saved;
    }
  });

  it('parses the examples flags and rejects unknown or malformed ones', () => {
    expect(parseExampleOptions(['--epochs', '2', '--samples', '100', '--workers', '2', '--data', '/d'], { epochs: 5, batchSize: 32 })).toEqual({
      epochs: 2, samples: 100, workers: 2, data: '/d', batchSize: 32, backend: 'auto',
    });
    expect(() => parseExampleOptions(['--epochs', 'x'], { epochs: 5, batchSize: 32 })).toThrow(/--epochs must be an integer >= 1. Received: --epochs x/);
    expect(() => parseExampleOptions(['--epoch', '1'], { epochs: 5, batchSize: 32 })).toThrow(/Unknown option '--epoch'.*Flags: --epochs N/);
  });
});
