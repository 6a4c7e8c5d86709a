import { resolve } from 'node:path';
import { initBackend, intOption, tf, type BackendRequest } from '@weft/tensor';
import { registerCommand } from '../cli';
import { parseCommandArgs } from '../options';
import type { Model, TextVectorization } from '@weft/layers';
import { readModelDir, type TextModelSpec } from './user-data/model-dir';
import { accuracyOf, predictionsOf } from './user-data/predictions';
import { readExamples, type Example } from './user-data/read-examples';
import { classTargets, disposeEncoded, encodeExamples } from './user-data/text-pipeline';

const HELP = `Usage: weft evaluate --model DIR --data FILE [options]

Evaluates a model written by 'weft train --data' on labeled data read as its training data was
(the same columns): prints the loss and the accuracy (token accuracy for taggers).

Options:
  --model DIR        the --out folder of 'weft train --data'
  --data FILE        labeled data (CSV/TSV, JSON Lines, a class folder, CoNLL; gzipped or not)
  --batch-size N     batch size (default 256)
  --json             print the metrics as JSON
  --backend NAME     auto | tensorflow | wasm | cpu (default auto)
`;

interface Evaluation {
  loss: number;
  accuracy: number;
  count: number;
}

/** A classifier on the texts themselves: its first layer vectorizes them. */
async function evaluateTexts(model: Model, spec: TextModelSpec, examples: Example[], batchSize: number): Promise<Evaluation> {
  const texts = examples.map((e) => e.text);
  const y = classTargets(spec.labels, examples);
  const [loss] = (await model.evaluate(texts, y, { batchSize, verbose: 0 })) as number[];
  const output = model.predict(texts, { batchSize }) as tf.Tensor;
  const result = { loss, ...accuracyOf(spec.task, predictionsOf(spec.task, output, spec.labels, [], examples), examples) };
  tf.dispose([y, output]);
  return result;
}

/** A tagger on its encoded sentence windows, weighted to count real tokens only. */
async function evaluateTags(model: Model, spec: TextModelSpec, vectorizer: TextVectorization, examples: Example[], batchSize: number): Promise<Evaluation> {
  const encoded = await encodeExamples(spec.task, vectorizer, spec.labels, examples, { pool: null });
  const [loss] = (await model.evaluate(encoded.x, encoded.y as tf.Tensor, { batchSize, sampleWeight: encoded.sampleWeight ?? undefined, verbose: 0 })) as number[];
  const output = model.predict(encoded.x, { batchSize }) as tf.Tensor;
  const result = { loss, ...accuracyOf(spec.task, predictionsOf(spec.task, output, spec.labels, encoded.windows, examples), examples) };
  tf.dispose(output);
  disposeEncoded(encoded);
  return result;
}

registerCommand('evaluate', async (args) => {
  const { values } = parseCommandArgs('evaluate', args, {
    model: { type: 'string' },
    data: { type: 'string' },
    'batch-size': { type: 'string' },
    json: { type: 'boolean' },
    backend: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!values.model || !values.data) throw new Error("weft evaluate needs --model DIR and --data FILE. Run 'weft evaluate --help'.");
  await initBackend((values.backend ?? 'auto') as BackendRequest);
  const { model, spec, vectorizer } = await readModelDir(resolve(values.model));
  const data = resolve(values.data);
  const { examples } = await readExamples(data, { task: spec.task, columns: spec.columns, needLabels: true });
  const batchSize = intOption('batch-size', values['batch-size'], 256);
  const { loss, accuracy, count } = spec.task === 'classify' ? await evaluateTexts(model, spec, examples, batchSize) : await evaluateTags(model, spec, vectorizer, examples, batchSize);
  model.dispose();
  const unit = spec.task === 'tag' ? 'tokens' : 'examples';
  if (values.json) process.stdout.write(`${JSON.stringify({ data, loss, accuracy, [unit]: count })}\n`);
  else process.stdout.write(`${spec.task === 'tag' ? 'Token accuracy' : 'Accuracy'}: ${accuracy.toFixed(4)} (${count} ${unit}), loss ${loss.toFixed(4)}\n`);
  return 0;
});
