// `weft train --data`, `weft evaluate` and `weft predict` end to end on small files written here:
// a CSV to classify and a CoNLL-U file to tag (each trained for 2 epochs), then every bad input.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { loadModel } from '@weft/layers';
import { tf } from '@weft/tensor';
import { runCli } from '../cli';
import './index';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'weft-cli-data-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `weft ...` in this process; returns its exit code and stdout. */
async function weft(...argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const logs = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await runCli(argv), out };
  } finally {
    write.mockRestore();
    logs.mockRestore();
  }
}

const file = (name: string, text: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, name.endsWith('.gz') && typeof text === 'string' ? gzipSync(text) : text);
  return path;
};

// Reviews whose label is told by their words: learnable in 2 epochs.
const GOOD = ['great', 'good', 'fine', 'lovely', 'superb'];
const BAD = ['awful', 'bad', 'poor', 'dull', 'boring'];
function reviews(n: number, offset = 0): string {
  const rows = ['label,text'];
  for (let i = offset; i < offset + n; i++) {
    const good = i % 2 === 0;
    const words = good ? GOOD : BAD;
    rows.push(`${good ? 'pos' : 'neg'},"A ${words[i % 5]} film, really ${words[(i + 2) % 5]}. The ""plot"": ${words[(i + 3) % 5]}!"`);
  }
  return `${rows.join('\n')}\n`;
}

const DET = ['the', 'a'];
const NOUN = ['dog', 'cat', 'bird', 'fish'];
const VERB = ['runs', 'sleeps', 'eats'];
function sentences(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const words: [string, string][] = [[DET[i % 2], 'DET'], [NOUN[i % 4], 'NOUN'], [VERB[i % 3], 'VERB'], ['.', 'PUNCT']];
    out.push(`# sent_id = ${i}`, ...words.map(([w, t], j) => `${j + 1}\t${w}\t${w}\t${t}\t_\t_\t0\tdep\t_\t_`), '');
  }
  return out.join('\n');
}

describe('weft train --data, evaluate, predict', () => {
  it('classifies a CSV: trains, writes model/vocabulary/metrics to --out, evaluates and predicts from it', async () => {
    const data = file('reviews.csv.gz', reviews(200));
    const out = join(dir, 'reviews-model');
    const train = await weft('train', '--data', data, '--epochs', '2', '--batch-size', '16', '--out', out, '--verbose', '0');
    expect(train.code).toBe(0);
    expect(train.out).toMatch(/Validation accuracy: 1\.0000 \(20 examples\)/);
    expect(readdirSync(out).sort()).toEqual(['metrics.json', 'model', 'preprocessing.json']);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics).toMatchObject({ task: 'classify', model: 'fasttext', samples: { train: 180, validation: 20 }, labels: ['neg', 'pos'], epochs: 2 });
    expect(metrics.history.loss).toHaveLength(2);
    // The classifier takes raw texts: its first layer is the TextVectorization, vocabulary included.
    const spec = JSON.parse(readFileSync(join(out, 'preprocessing.json'), 'utf8'));
    expect(spec).toMatchObject({ task: 'classify', labels: ['neg', 'pos'] });
    expect(spec.vectorizer).toBeUndefined();
    const saved = JSON.parse(readFileSync(join(out, 'model', 'config.json'), 'utf8'));
    expect(saved.model.config.layers[0]).toMatchObject({ className: 'TextVectorization', config: { truncating: 'pre' } });
    expect(saved.model.config.layers[0].config.vocabulary).toContain('superb');
    const loaded = await loadModel(join(out, 'model'));
    const probabilities = tf.tidy(() => Array.from((loaded.predict(['a superb film', 'awful and dull']) as tf.Tensor).dataSync()));
    expect(probabilities[0]).toBeGreaterThan(0.5);
    expect(probabilities[1]).toBeLessThan(0.5);
    loaded.dispose();

    const test = file('test.csv', reviews(30, 1000));
    expect((await weft('evaluate', '--model', out, '--data', test)).out).toMatch(/^Accuracy: 1\.0000 \(30 examples\), loss \d\.\d{4}\n$/);
    const evaluated = JSON.parse((await weft('evaluate', '--model', out, '--data', test, '--json')).out);
    expect(evaluated).toMatchObject({ accuracy: 1, examples: 30 });

    const predicted = (await weft('predict', '--model', out, '--data', test)).out.trim().split('\n').map((l) => JSON.parse(l));
    expect(predicted).toHaveLength(30);
    expect(predicted[0]).toEqual({ line: 2, label: 'pos', probability: expect.any(Number) });
    expect(predicted[1].label).toBe('neg');

    const stdin = jest.spyOn(process, 'stdin', 'get').mockReturnValue(Readable.from(['a superb and lovely film\n', '{"text": "dull, boring, awful"}\n']) as unknown as typeof process.stdin);
    try {
      const lines = (await weft('predict', '--model', out, '--data', '-')).out.trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.map((l) => [l.line, l.label])).toEqual([[1, 'pos'], [2, 'neg']]);
    } finally {
      stdin.mockRestore();
    }
  });

  it('tags a CoNLL-U file (bilstm by default), and evaluates and predicts token by token', async () => {
    const data = file('train.conllu', sentences(60));
    const out = join(dir, 'tagger');
    const train = await weft('train', '--data', data, '--epochs', '2', '--batch-size', '8', '--out', out, '--verbose', '0');
    expect(train.code).toBe(0);
    expect(train.out).toMatch(/Validation token accuracy: [01]\.\d{4} \(24 tokens\)/);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics).toMatchObject({ task: 'tag', model: 'bilstm', labels: ['DET', 'NOUN', 'PUNCT', 'VERB'] });
    const evaluated = JSON.parse((await weft('evaluate', '--model', out, '--data', data, '--json')).out);
    expect(evaluated.tokens).toBe(240);
    expect(evaluated.accuracy).toBeGreaterThan(0.25);
    const plain = file('sentences.txt', 'the dog runs .\na cat sleeps on a very long line that is longer than the sequence length of the model easily .\n');
    const predicted = (await weft('predict', '--model', out, '--data', plain)).out.trim().split('\n').map((l) => JSON.parse(l));
    expect(predicted[0].tokens).toEqual(['the', 'dog', 'runs', '.']);
    expect(predicted[0].tags).toHaveLength(4);
    expect(predicted[1].tags).toHaveLength(predicted[1].tokens.length); // longer than the sequence length: predicted window by window
    expect(predicted[1].tags.every((t: string) => ['DET', 'NOUN', 'PUNCT', 'VERB'].includes(t))).toBe(true);
  });
});

describe('weft train --data --workers 2', () => {
  it('trains data-parallel over 2 worker threads and writes the same files', async () => {
    const out = join(dir, 'parallel');
    const { code, out: printed } = await weft('train', '--data', file('parallel.csv', reviews(60)), '--epochs', '1', '--workers', '2', '--out', out, '--verbose', '0');
    expect(code).toBe(0);
    expect(printed).toMatch(/Validation accuracy: [01]\.\d{4} \(6 examples\)/);
    expect(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'))).toMatchObject({ workers: 2, samples: { train: 54 } });
  });
});

describe('bad input: a clear error naming the file, line and fix, and nothing written to --out', () => {
  const out = () => join(dir, 'never');
  const train = (...args: string[]) => weft('train', '--epochs', '1', '--verbose', '0', '--out', out(), ...args);
  afterEach(() => {
    expect(existsSync(out())).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a bad column name', async () => {
    const data = file('cols.csv', reviews(20));
    await expect(train('--data', data, '--text-column', 'review')).rejects.toThrow(
      `${data}, line 1: no column named 'review'; the first row has: 'label', 'text'. Pass --text-column with one of those names, or a column number (1-based) for a file without a header.`,
    );
    await expect(train('--data', data, '--label-column', 'Label')).rejects.toThrow(/no column named 'Label' \(did you mean 'label'\?\)/);
  });

  it('an empty file, and a header without rows', async () => {
    const empty = file('empty.csv', '');
    await expect(train('--data', empty)).rejects.toThrow(`${empty}: the file holds no rows. Give a file with one example per row.`);
    const header = file('header.csv', 'label,text\n');
    await expect(train('--data', header)).rejects.toThrow(`${header}: the file holds a header but no rows.`);
  });

  it('an unreadable row', async () => {
    const data = file('ragged.csv', `${reviews(20)}pos,"fine",extra\n`);
    await expect(train('--data', data)).rejects.toThrow(`${data}, line 22: the row has 3 field(s), the first row has 2. Quote fields that contain the delimiter, or fix the row.`);
    const json = file('bad.jsonl', '{"text": "ok", "label": "a"}\n{"text": "no closing"\n');
    await expect(train('--data', json)).rejects.toThrow(new RegExp(`^${json}, line 2: not valid JSON`));
  });

  it('a label seen only at evaluation or validation time', async () => {
    const data = file('known.csv', reviews(40));
    const model = join(dir, 'known-model');
    await weft('train', '--data', data, '--epochs', '1', '--out', model, '--verbose', '0');
    const unseen = file('unseen.csv', 'label,text\npos,good\nmeh,so-so\n');
    await expect(weft('evaluate', '--model', model, '--data', unseen)).rejects.toThrow(
      `${unseen}, line 3: the label 'meh' was not in the training data; the model knows 2: neg, pos. Remove or relabel the row, or retrain with data that has 'meh'.`,
    );
    await expect(train('--data', data, '--validation', unseen)).rejects.toThrow(`${unseen}, line 3: the label 'meh' was not in the training data`);
  });

  it('a gzip file cut short', async () => {
    const gz = gzipSync(reviews(3000));
    const cut = file('cut.csv.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    await expect(train('--data', cut)).rejects.toThrow(new RegExp(`^${cut}, line \\d+: the gzip data ends early \\(the file is cut short\\), after \\d+ complete line\\(s\\)\\. Download or copy the file again`));
  });

  it('an --out that holds other files is refused before training', async () => {
    const data = file('some.csv', reviews(20));
    const busy = join(dir, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'notes.txt'), 'mine');
    await expect(weft('train', '--data', data, '--out', busy)).rejects.toThrow(`--out ${busy} holds other files (notes.txt) and would be replaced. Choose a new or empty folder.`);
    expect(readFileSync(join(busy, 'notes.txt'), 'utf8')).toBe('mine');
    rmSync(busy, { recursive: true });
  });
});
