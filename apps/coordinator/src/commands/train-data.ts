import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { DataParallel } from '@weft/distributed';
import { permutation, seededRandom, type TextVectorization } from '@weft/layers';
import { initBackend, intOption, tf, type BackendRequest } from '@weft/tensor';
import { parseCommandArgs } from '../options';
import { checkOutDir, modelToSave, specFor, writeModelDir } from './user-data/model-dir';
import { accuracyOf, predictionsOf } from './user-data/predictions';
import { buildPreset, DEFAULT_PRESET, PRESET_HELP, PRESETS, type Preset } from './user-data/presets';
import { readExamples, type Example, type Task } from './user-data/read-examples';
import { detectFormat, taskForFormat } from './user-data/data-format';
import { buildVectorizer, disposeEncoded, encodeExamples, labelSet, openPool, type Encoded, type Truncating } from './user-data/text-pipeline';
import { DataFileError } from '@weft/data';

export const TRAIN_DATA_HELP = `Usage: weft train --data FILE_OR_DIR [options]

Trains a text classifier or tagger on your data: builds the vocabulary (TextVectorization), the
model (one of the presets below), trains it with Keras's progress line, evaluates it on
--validation or a held-out split, and writes the model, its vocabulary and labels and a
metrics.json to --out. A classifier is saved with its TextVectorization as its first layer, so
that the model in --out/model predicts from raw texts.

Data (gzipped or not): CSV or TSV with a text and a label column (a header naming them, or none),
JSON Lines ({"text": ..., "label": ...}; for tagging {"tokens": [...], "tags": [...]}), a folder
with one subfolder of .txt files per class, or CoNLL-U / CoNLL token-per-line files (tagging).

Options:
  --data PATH            training data (required)
  --task KIND            classify | tag (default: tag for CoNLL files, else classify)
  --text-column C        the text column (a header name or 1-based number; default: found)
  --label-column C       the label column, or the CoNLL-U column of the tags (default upos)
  --model NAME           ${PRESETS.join(' | ')} (default fasttext to classify, bilstm to tag)
  --epochs N             epochs (default 5)
  --batch-size N         batch size (default 32; with --workers, the global batch)
  --workers N            data-parallel worker threads (default 1: in this process)
  --validation FILE      validation data; default: hold out --validation-split of --data
  --validation-split F   share held out when there is no --validation (default 0.1)
  --max-tokens N         vocabulary size, special tokens included (default 20000)
  --ngrams N             token n-grams of 1..N as features (default 1; 2 adds bigrams)
  --max-length N         ids per text or sentence (default: from the data, capped by the model)
  --truncating SIDE      pre: a longer text loses its start, as Keras's pad_sequences (default);
                         post: its end, as TextVectorization
  --out DIR              where to write the model (default weft-model); replaced atomically
  --seed N               shuffling and split seed (default 1)
  --backend NAME         auto | tensorflow | wasm | cpu (default auto)
  --verbose N            0 silent, 1 progress bar, 2 one line per epoch (default 1)

Models:
${PRESET_HELP}
`;

const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'];

function choice<T extends string>(flag: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!choices.includes(value as T)) throw new Error(`--${flag} must be one of ${choices.join(', ')}. Received: --${flag} ${value}`);
  return value as T;
}

/** A seeded split: the held-out share of the examples, and the rest. */
function holdOut(examples: Example[], fraction: number, seed: number): { train: Example[]; validation: Example[] } {
  const order = permutation(examples.length, seededRandom(seed));
  const n = Math.max(1, Math.round(examples.length * fraction));
  if (n >= examples.length) throw new Error(`--validation-split ${fraction} leaves no training rows out of ${examples.length}. Use a smaller share or pass --validation FILE.`);
  const pick = (from: number, to: number) => Array.from(order.subarray(from, to), (i) => examples[i]);
  return { validation: pick(0, n), train: pick(n, examples.length) };
}

/** `weft train --data ...`: see TRAIN_DATA_HELP. */
export async function trainOnData(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('train', args, {
    data: { type: 'string' },
    task: { type: 'string' },
    'text-column': { type: 'string' },
    'label-column': { type: 'string' },
    model: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    workers: { type: 'string' },
    validation: { type: 'string' },
    'validation-split': { type: 'string' },
    'max-tokens': { type: 'string' },
    ngrams: { type: 'string' },
    'max-length': { type: 'string' },
    truncating: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
    verbose: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(TRAIN_DATA_HELP);
    return 0;
  }
  if (!values.data) throw new Error("--data needs a file or folder. Run 'weft train --help' for the options.");
  const started = performance.now();
  const data = resolve(values.data);
  const out = resolve(values.out ?? 'weft-model');
  const backend = choice('backend', values.backend, BACKENDS, 'auto') as BackendRequest;
  const epochs = intOption('epochs', values.epochs, 5);
  const batchSize = intOption('batch-size', values['batch-size'], 32);
  const workers = intOption('workers', values.workers, 1);
  const seed = intOption('seed', values.seed, 1, 0);
  const verbose = intOption('verbose', values.verbose, 1, 0) as 0 | 1 | 2;
  const maxTokens = intOption('max-tokens', values['max-tokens'], 20000, 3);
  const ngrams = intOption('ngrams', values.ngrams, 1);
  const maxLength = values['max-length'] === undefined ? undefined : intOption('max-length', values['max-length'], 0);
  const truncating = choice<Truncating>('truncating', values.truncating, ['pre', 'post'], 'pre');
  const split = values['validation-split'] === undefined ? 0.1 : Number(values['validation-split']);
  if (!(split > 0 && split < 1)) throw new Error(`--validation-split must be a number between 0 and 1. Received: --validation-split ${values['validation-split']}`);
  await checkOutDir(out);

  const format = await detectFormat(data);
  const task = choice<Task>('task', values.task, ['classify', 'tag'], taskForFormat(format));
  const preset = choice<Preset>('model', values.model, PRESETS, DEFAULT_PRESET[task]);
  const say = (line: string) => verbose > 0 && process.stdout.write(`${line}\n`);
  const columns = { text: values['text-column'], label: values['label-column'] };
  const read = await readExamples(data, { task, columns, needLabels: true }, format);
  let train = read.examples;
  let validation: Example[];
  if (values.validation) {
    validation = (await readExamples(resolve(values.validation), { task, columns: read.columns, needLabels: true })).examples;
  } else {
    ({ train, validation } = holdOut(train, split, seed));
  }
  const labels = labelSet(train, task);
  if (labels.length < 2) {
    throw new DataFileError(data, 0, `the training data has ${labels.length === 0 ? 'no labels' : `one label only ('${labels[0]}')`}.`, 'A classifier needs examples of at least two labels.');
  }
  const threads = Math.min(availableParallelism(), 4);
  say(`Read ${train.length + (values.validation ? 0 : validation.length)} ${task === 'tag' ? 'sentences' : 'examples'} from ${data} (${read.format}${read.columns.text ? `, text column ${read.columns.text}` : ''}${read.columns.label ? `, label column ${read.columns.label}` : ''}); ` +
    `${train.length} train, ${validation.length} validation (${values.validation ? values.validation : `held out, ${split}`}); ${labels.length} ${task === 'tag' ? 'tags' : 'labels'}.`);

  await initBackend(backend);
  // One pool for adapting on the training texts and encoding them (it reuses their tokens) and the validation texts.
  const pool = task === 'classify' ? openPool(train.length, threads) : null;
  let vectorizer: TextVectorization;
  let trainSet: Encoded;
  let validationSet: Encoded;
  try {
    vectorizer = await buildVectorizer(task, train, { maxTokens, ngrams, sequenceLength: maxLength, preset, pool, truncating });
    trainSet = await encodeExamples(task, vectorizer, labels, train, { pool });
    validationSet = await encodeExamples(task, vectorizer, labels, validation, { pool });
  } finally {
    await pool?.close();
  }
  const sequenceLength = vectorizer.outputSequenceLength as number;
  say(`Vocabulary: ${vectorizer.vocabularySize()} tokens${ngrams > 1 ? ` (n-grams up to ${ngrams})` : ''}; ${sequenceLength} ids per ${task === 'tag' ? 'sentence window' : 'text'}.`);

  const model = buildPreset({ task, preset, vocabularySize: vectorizer.vocabularySize(), sequenceLength, classes: labels.length });
  if (verbose > 0) model.summary();
  if (verbose > 0 && workers > 1) say(`Training data-parallel over ${workers} worker threads (global batch ${batchSize}).`);
  const history = await model.fit(trainSet.x, trainSet.y as tf.Tensor, {
    batchSize,
    epochs,
    verbose,
    seed,
    sampleWeight: trainSet.sampleWeight ?? undefined,
    validationData: validationSet.sampleWeight
      ? [validationSet.x, validationSet.y as tf.Tensor, validationSet.sampleWeight]
      : [validationSet.x, validationSet.y as tf.Tensor],
    distribution: workers > 1 ? new DataParallel({ workers }) : undefined,
  });
  const [loss] = (await model.evaluate(validationSet.x, validationSet.y as tf.Tensor, { batchSize: 256, sampleWeight: validationSet.sampleWeight ?? undefined, verbose: 0 })) as number[];
  const output = model.predict(validationSet.x, { batchSize: 256 }) as tf.Tensor;
  const { accuracy, count } = accuracyOf(task, predictionsOf(task, output, labels, validationSet.windows, validation), validation);
  tf.dispose(output);
  disposeEncoded(trainSet);
  disposeEncoded(validationSet);

  const metrics = {
    task,
    model: preset,
    data,
    validation: values.validation ? resolve(values.validation) : `held out: ${split} of --data (seed ${seed})`,
    samples: { train: train.length, validation: validation.length },
    epochs,
    batchSize,
    workers,
    vocabularySize: vectorizer.vocabularySize(),
    ngrams,
    sequenceLength,
    truncating,
    labels,
    history: history.history,
    evaluation: { loss, accuracy, [task === 'tag' ? 'tokens' : 'examples']: count },
    seconds: (performance.now() - started) / 1000,
  };
  const saved = modelToSave(task, model, vectorizer);
  await writeModelDir(out, saved, specFor(task, preset, read.columns, labels, vectorizer), metrics);
  saved.dispose();
  process.stdout.write(
    `Validation ${task === 'tag' ? 'token accuracy' : 'accuracy'}: ${accuracy.toFixed(4)} (${count} ${task === 'tag' ? 'tokens' : 'examples'}), loss ${loss.toFixed(4)}\n` +
      `Wrote ${out} (model/, preprocessing.json, metrics.json)\n`,
  );
  return 0;
}
