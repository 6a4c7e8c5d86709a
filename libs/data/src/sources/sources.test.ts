// Each source on small files written here (plain and gzipped), and each bad input's message.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { conllDataset } from './conll';
import { csvDataset } from './csv';
import { jsonLinesDataset, textLineDataset } from './json-lines';
import { textDirectoryDataset } from './text-directory';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'weft-data-sources-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `text` to `name` under the test folder (gzipped when the name ends in .gz); returns the path. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, name.endsWith('.gz') ? gzipSync(text) : text);
  return path;
}

describe('csvDataset', () => {
  const csv = 'label,text\r\n1,"Good, ""very"" good"\r\n\r\n0,"two\nlines"\n1,plain\n';

  it('parses RFC 4180 (quoted delimiters, doubled quotes, line breaks), skips blank lines, gives each row its first line', async () => {
    const rows = await csvDataset(file('a.csv', csv)).toArray();
    expect(rows).toEqual([
      { line: 2, values: { label: '1', text: 'Good, "very" good' } },
      { line: 4, values: { label: '0', text: 'two\nlines' } },
      { line: 6, values: { label: '1', text: 'plain' } },
    ]);
  });

  it('reads gzip (by its magic bytes) and TSV without quoting; numbers the columns without a header', async () => {
    expect(await csvDataset(file('a.data', '')).toArray()).toEqual([]);
    expect((await csvDataset(file('b.csv.gz', csv)).toArray()).map((r) => r.values.text)).toEqual(['Good, "very" good', 'two\nlines', 'plain']);
    const tsv = file('c.tsv', 'ham\t"Hi" he said, ok\nspam\tWIN\n');
    expect(await csvDataset(tsv, { header: false }).toArray()).toEqual([
      { line: 1, values: { 1: 'ham', 2: '"Hi" he said, ok' } },
      { line: 2, values: { 1: 'spam', 2: 'WIN' } },
    ]);
    expect((await csvDataset(tsv, { header: ['label', 'text'] }).toArray())[1].values).toEqual({ label: 'spam', text: 'WIN' });
  });

  it('names the file and line of a row with the wrong field count, an unclosed quote and a cut-short gzip', async () => {
    const short = file('short.csv', 'label,text\n1,ok\n0\n');
    await expect(csvDataset(short).toArray()).rejects.toThrow(`${short}, line 3: the row has 1 field(s), the header has 2. Quote fields that contain the delimiter, or fix the row.`);
    const unclosed = file('unclosed.csv', 'label,text\n1,"never closed\n');
    await expect(csvDataset(unclosed).toArray()).rejects.toThrow(new RegExp(`^${unclosed}, line \\d: a quoted field is never closed`));
    const gz = gzipSync('label,text\n' + '1,some text here\n'.repeat(5000));
    const cut = join(dir, 'cut.csv.gz');
    writeFileSync(cut, gz.subarray(0, gz.length - 20));
    await expect(csvDataset(cut).toArray()).rejects.toThrow(
      new RegExp(`^${cut}, line \\d+: the gzip data ends early \\(the file is cut short\\), after \\d+ complete line\\(s\\)\\. Download or copy the file again`),
    );
    await expect(csvDataset(join(dir, 'missing.csv')).toArray()).rejects.toThrow(`${join(dir, 'missing.csv')}: cannot read the file (no such file). Check the path.`);
  });
});

describe('jsonLinesDataset and textLineDataset', () => {
  it('parses one JSON value per line, skipping blank lines; names a bad line', async () => {
    expect(await jsonLinesDataset(file('a.jsonl.gz', '{"text":"a","label":"x"}\n\n{"text":"b"}\n')).toArray()).toEqual([
      { line: 1, value: { text: 'a', label: 'x' } },
      { line: 3, value: { text: 'b' } },
    ]);
    const bad = file('bad.jsonl', '{"text":"a"}\n{"text":\n');
    await expect(jsonLinesDataset(bad).toArray()).rejects.toThrow(new RegExp(`^${bad}, line 2: not valid JSON`));
  });

  it('gives the non-blank lines with their numbers', async () => {
    expect(await textLineDataset(file('t.txt', 'one\r\n\ntwo')).toArray()).toEqual([{ line: 1, text: 'one' }, { line: 3, text: 'two' }]);
  });
});

describe('textDirectoryDataset', () => {
  it('labels files by class folder (sorted), reads subfolders and .txt.gz, ignores other files', async () => {
    const root = join(dir, 'reviews');
    file('reviews/pos/b.txt', 'great');
    file('reviews/pos/deep/c.txt.gz', 'superb');
    file('reviews/neg/a.txt', 'awful');
    file('reviews/neg/notes.md', 'not a text');
    const ds = await textDirectoryDataset(root);
    expect(ds.classNames).toEqual(['neg', 'pos']);
    expect((await ds.toArray()).map(({ text, label, className }) => [text, label, className])).toEqual([
      ['awful', 0, 'neg'],
      ['great', 1, 'pos'],
      ['superb', 1, 'pos'],
    ]);
    expect((await (await textDirectoryDataset(root, { classNames: ['pos', 'neg'] })).toArray())[0]).toMatchObject({ text: 'great', label: 0 });
    await expect(textDirectoryDataset(root, { classNames: ['pos', 'meh'] })).rejects.toThrow(`${root}: no subfolder for class(es) meh. The subfolders are: neg, pos.`);
    await expect(textDirectoryDataset(join(dir, 'nowhere'))).rejects.toThrow(/nowhere: cannot read the folder/);
  });
});

describe('conllDataset', () => {
  const conllu = [
    '# sent_id = 1',
    "1\tI\tI\tPRON\tPRP\t_\t3\tnsubj\t_\t_",
    "2-3\tcan't\t_\t_\t_\t_\t_\t_\t_\t_",
    '2\tca\tcan\tAUX\tMD\t_\t4\taux\t_\t_',
    "3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t_\t_",
    '3.1\tgone\tgo\tVERB\tVBN\t_\t_\t_\t4:conj\t_',
    '4\tgo\tgo\tVERB\tVB\t_\t0\troot\t_\t_',
    '',
    '',
    '1\tHi\thi\tINTJ\tUH\t_\t0\troot\t_\t_',
  ].join('\n');

  it('CoNLL-U: words and UPOS (or another column), skipping comments, multiword tokens and empty nodes', async () => {
    const path = file('a.conllu.gz', conllu);
    expect(await conllDataset(path).toArray()).toEqual([
      { line: 2, tokens: ['I', 'ca', "n't", 'go'], tags: ['PRON', 'AUX', 'PART', 'VERB'] },
      { line: 10, tokens: ['Hi'], tags: ['INTJ'] },
    ]);
    expect((await conllDataset(path, { tagColumn: 'xpos' }).toArray())[1].tags).toEqual(['UH']);
    const bad = file('bad.conllu', '1 I I PRON PRP _ 0 root _ _\n');
    await expect(conllDataset(bad).toArray()).rejects.toThrow(`${bad}, line 1: expected 10 tab-separated CoNLL-U columns, got 1.`);
  });

  it('CoNLL-2003 style: whitespace columns, token first, tag last, -DOCSTART- skipped', async () => {
    const path = file('a.conll', '-DOCSTART- -X- O O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\nPeter NNP B-NP B-PER\n');
    expect(await conllDataset(path).toArray()).toEqual([
      { line: 3, tokens: ['EU', 'rejects'], tags: ['B-ORG', 'O'] },
      { line: 6, tokens: ['Peter'], tags: ['B-PER'] },
    ]);
  });
});
