// The dataset readers on inline fixtures (always run; the real files are read in real-datasets.test.ts).
import { resolve } from 'node:path';
import { readConllu } from './conllu';
import { csvRecords, csvRows } from './csv';
import { findDataset } from './datasets-dir';
import { readImdbCsv, stripLineBreakTags } from './imdb-reviews';
import { encodeImdbReview } from './imdb-word-index';
import { readSmsSpam } from './sms-spam';
import { lines } from './text-stream';
import { buildWordIds, encodeTaggedSentences } from './ud-pos';
import { parseExampleOptions } from '../cli-options';

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};
/** The text cut into one-character chunks: every token boundary falls between chunks somewhere. */
const charChunks = (text: string) => Array.from(text);

describe('csvRecords (RFC 4180)', () => {
  const text = 'a,b,c\r\n1,"x, y","say ""hi"""\r\n2,"two\nlines",\n"",plain,"end"';
  const expected = [['a', 'b', 'c'], ['1', 'x, y', 'say "hi"'], ['2', 'two\nlines', ''], ['', 'plain', 'end']];

  it('parses quoted commas, doubled quotes, line breaks in quotes, CRLF and LF, empty fields', async () => {
    expect(await collect(csvRecords([text]))).toEqual(expected);
  });

  it('gives the same records however the text is split into chunks', async () => {
    expect(await collect(csvRecords(charChunks(text)))).toEqual(expected);
  });

  it('adds no empty record for a final line break, and fails on an unclosed quote', async () => {
    expect(await collect(csvRecords(['a,b\r\n']))).toEqual([['a', 'b']]);
    await expect(collect(csvRecords(['a,"b']))).rejects.toThrow(/ends inside a quoted field/);
  });

  it('keys rows by the header and names a row with the wrong field count', async () => {
    expect(await collect(csvRows(['k,v\n1,"a,b"\n']))).toEqual([{ k: '1', v: 'a,b' }]);
    await expect(collect(csvRows(['k,v\n1,2,3\n']))).rejects.toThrow(/record 2 has 3 fields, the header has 2/);
  });
});

describe('IMDB', () => {
  it('reads the CSV, labels and text, with <br /> tags turned into spaces', async () => {
    const csv = 'label,rating,file,text\n0,3,train/neg/0_3.txt,"Bad.<br /><br />Really, ""bad""."\n1,9,train/pos/1_9.txt,Good\n';
    expect(await readImdbCsv(charChunks(csv))).toEqual([
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
    expect(await readConllu(charChunks(conllu))).toEqual([
      { words: ['I', 'ca', "n't", 'go', '.'], upos: ['PRON', 'AUX', 'PART', 'VERB', 'PUNCT'] },
      { words: ['Hi'], upos: ['INTJ'] },
    ]);
  });

  it('names a line without 10 columns', async () => {
    await expect(readConllu(['# c\n1\tx\n'])).rejects.toThrow(/line 2: expected 10 tab-separated columns, got 2/);
  });

  it('maps words to ids by training frequency (0 padding, 1 unknown) and tags to UPOS indices', () => {
    const sentences = [{ words: ['The', 'dog', 'the'], upos: ['DET', 'NOUN', 'DET'] }];
    const ids = buildWordIds(sentences, 3); // room for one word: 'the'
    expect([...ids]).toEqual([['the', 2]]);
    expect(encodeTaggedSentences(sentences, ids)).toEqual({ x: [[2, 1, 2]], y: [[5, 7, 5]] });
  });
});

describe('SMS spam and lines', () => {
  it('reads label TAB text, the text keeping any further tab', async () => {
    expect(await readSmsSpam(['ham\tOk lar\r\nspam\tWIN\tnow\n\n'])).toEqual([
      { label: 'ham', text: 'Ok lar' },
      { label: 'spam', text: 'WIN\tnow' },
    ]);
    await expect(readSmsSpam(['maybe\thi\n'])).rejects.toThrow(/line 1: expected 'ham' or 'spam'/);
  });

  it('splits chunks into lines across chunk boundaries', async () => {
    expect(await collect(lines(['a\r', '\nb', 'c\n', 'd']))).toEqual(['a', 'bc', 'd']);
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
