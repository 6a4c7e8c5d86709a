import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { once } from 'node:events';
import { initBackend, intOption, tf, type BackendRequest } from '@weft/tensor';
import type { Model, TextVectorization } from '@weft/layers';
import { registerCommand } from '../cli';
import { parseCommandArgs } from '../options';
import { readModelDir, type TextModelSpec } from './user-data/model-dir';
import { predictionsOf, type Prediction } from './user-data/predictions';
import { readExamples, type Example } from './user-data/read-examples';
import { TEXT_NAMES, TOKEN_NAMES } from './user-data/columns';
import { disposeEncoded, encodeExamples } from './user-data/text-pipeline';

const HELP = `Usage: weft predict --model DIR --data FILE|- [options]

Predicts with a model written by 'weft train --data': one JSON line per example on stdout,
{"line": N, "label": ..., "probability": ...} for a classifier, {"line": N, "tokens": [...],
"tags": [...]} for a tagger. FILE is read as the training data was (labels, if present, are
ignored); '-' reads stdin: one text per line (a tagger's tokens split on whitespace), or one
JSON object per line.

Options:
  --model DIR        the --out folder of 'weft train --data'
  --data FILE|-      the texts
  --batch-size N     examples per step (default 256)
  --backend NAME     auto | tensorflow | wasm | cpu (default auto)
`;

/** One stdin line as an example: JSON objects by the model's columns, else the raw text. */
function stdinExample(spec: TextModelSpec, line: number, text: string): Example {
  const base: Example = { line, where: 'stdin', text, tokens: [], label: null, tags: null };
  if (text.trimStart().startsWith('{')) {
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new Error(`stdin, line ${line}: not valid JSON (${(err as Error).message}). Write one text, or one JSON object, per line.`);
    }
    const keys = spec.task === 'tag' ? TOKEN_NAMES : TEXT_NAMES;
    const given = spec.columns.text !== undefined && spec.columns.text in value ? spec.columns.text : undefined;
    const key = given ?? Object.keys(value).find((k) => keys.includes(k.toLowerCase()));
    const field = key === undefined ? undefined : value[key];
    if (spec.task === 'tag' && Array.isArray(field)) return { ...base, tokens: field.map(String) };
    if (spec.task === 'classify' && typeof field === 'string') return { ...base, text: field };
    throw new Error(`stdin, line ${line}: no ${spec.task === 'tag' ? 'token array' : 'text'} field${key ? ` '${key}'` : ''} in the object. Give {"${spec.task === 'tag' ? 'tokens' : 'text'}": ...}.`);
  }
  return spec.task === 'tag' ? { ...base, tokens: text.trim().split(/\s+/).filter((t) => t !== '') } : base;
}

async function* stdinExamples(spec: TextModelSpec): AsyncGenerator<Example> {
  let line = 0;
  for await (const text of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    line++;
    if (text.trim() !== '') yield stdinExample(spec, line, text);
  }
}

async function* inChunks<T>(items: AsyncIterable<T> | Iterable<T>, size: number): AsyncGenerator<T[]> {
  let chunk: T[] = [];
  for await (const item of items) {
    chunk.push(item);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

/** A classifier takes the texts themselves (its first layer vectorizes them); a tagger its encoded windows. */
async function predictChunk(model: Model, spec: TextModelSpec, vectorizer: TextVectorization, examples: Example[], batchSize: number): Promise<string> {
  let predictions: Prediction[];
  if (spec.task === 'classify') {
    const output = model.predict(examples.map((e) => e.text), { batchSize }) as tf.Tensor;
    predictions = predictionsOf(spec.task, output, spec.labels, [], examples);
    tf.dispose(output);
  } else {
    const encoded = await encodeExamples(spec.task, vectorizer, spec.labels, examples, { pool: null });
    const output = model.predict(encoded.x, { batchSize }) as tf.Tensor;
    predictions = predictionsOf(spec.task, output, spec.labels, encoded.windows, examples);
    tf.dispose(output);
    disposeEncoded(encoded);
  }
  return predictions
    .map((p, i) => JSON.stringify(spec.task === 'tag' ? { line: examples[i].line, tokens: examples[i].tokens, tags: p.tags } : { line: examples[i].line, ...p }))
    .join('\n');
}

registerCommand('predict', async (args) => {
  const { values } = parseCommandArgs('predict', args, {
    model: { type: 'string' },
    data: { type: 'string' },
    'batch-size': { type: 'string' },
    backend: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!values.model || !values.data) throw new Error("weft predict needs --model DIR and --data FILE (or - for stdin). Run 'weft predict --help'.");
  await initBackend((values.backend ?? 'auto') as BackendRequest);
  const { model, spec, vectorizer } = await readModelDir(resolve(values.model));
  const batchSize = intOption('batch-size', values['batch-size'], 256);
  const examples =
    values.data === '-'
      ? stdinExamples(spec)
      : (await readExamples(resolve(values.data), { task: spec.task, columns: { text: spec.columns.text }, needLabels: false })).examples;
  for await (const chunk of inChunks(examples, batchSize)) await write(`${await predictChunk(model, spec, vectorizer, chunk, batchSize)}\n`);
  model.dispose();
  return 0;
});
