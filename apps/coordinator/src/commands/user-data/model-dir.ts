import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  compileArgsFromConfig,
  deserializeLayer,
  input,
  loadModel,
  saveModel,
  Sequential,
  serializeLayer,
  TextVectorization,
  writeDirAtomic,
  type Model,
  type SerializedLayer,
} from '@weft/layers';
import type { Preset } from './presets';
import type { ColumnFlags, Task } from './read-examples';

const SPEC = 'preprocessing.json';
const METRICS = 'metrics.json';
const MODEL = 'model';
const VERSION = 2;

/**
 * What `weft train --data` saves beside the model: what the model cannot hold. A classifier's
 * model takes raw texts (its first layer is the TextVectorization, vocabulary included); a
 * tagger's takes ids, so its vectorizer is here (unknown words fall back on their shapes before
 * the lookup, which no layer does).
 */
export interface TextModelSpec {
  format: 'weft-text-model';
  version: typeof VERSION;
  task: Task;
  preset: Preset;
  /** The text and label columns (names, or 1-based numbers for files without a header). */
  columns: ColumnFlags;
  /** Class names (classify) or tags (tag), in output order. */
  labels: string[];
  /** tag: the fitted TextVectorization layer (settings, vocabulary). */
  vectorizer?: SerializedLayer;
}

/**
 * Refuses an --out that exists and is not a model folder written by weft (it would be replaced
 * whole), before any training time is spent.
 */
export async function checkOutDir(out: string): Promise<void> {
  let entries: string[];
  try {
    if (!(await stat(out)).isDirectory()) throw new Error(`--out ${out} is a file. Choose a folder to write the model to.`);
    entries = await readdir(out);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (entries.length > 0 && !entries.includes(SPEC)) {
    throw new Error(`--out ${out} holds other files (${entries.slice(0, 5).join(', ')}${entries.length > 5 ? ', ...' : ''}) and would be replaced. Choose a new or empty folder.`);
  }
}

/**
 * Writes the model folder atomically: model/ (architecture and weights; a classifier with its
 * TextVectorization in front), preprocessing.json (labels, columns; a tagger's vectorizer) and
 * metrics.json are written into a temporary folder beside `out`, which then replaces it by a
 * rename; a failure leaves `out` as it was.
 */
export async function writeModelDir(out: string, model: Model, spec: TextModelSpec, metrics: Record<string, unknown>): Promise<void> {
  await writeDirAtomic(out, async (tmp) => {
    await saveModel(model, join(tmp, MODEL), { includeOptimizer: false });
    await writeFile(join(tmp, SPEC), JSON.stringify(spec));
    await writeFile(join(tmp, METRICS), `${JSON.stringify(metrics, null, 2)}\n`);
  });
}

/**
 * The model to save for a trained one: a classifier behind its vectorizer, compiled as it was
 * (Keras's inference model, `Sequential([vectorizer, model])`), so that it predicts from texts.
 */
export function modelToSave(task: Task, model: Model, vectorizer: TextVectorization): Model {
  if (task === 'tag') return model;
  const texts = new Sequential({ name: 'text_classifier' });
  texts.add(input({ shape: [1], dtype: 'string', name: 'text' }));
  texts.add(vectorizer);
  texts.add(model);
  if (model.compiled) texts.compile(compileArgsFromConfig(model.compiled.config));
  return texts;
}

export function specFor(task: Task, preset: Preset, columns: ColumnFlags, labels: string[], vectorizer: TextVectorization): TextModelSpec {
  return { format: 'weft-text-model', version: VERSION, task, preset, columns, labels, ...(task === 'tag' ? { vectorizer: serializeLayer(vectorizer) } : {}) };
}

/** Loads a folder written by `weft train --data`: the model and its vectorizer (a classifier's first layer, a tagger's from the spec). */
export async function readModelDir(dir: string): Promise<{ model: Model; spec: TextModelSpec; vectorizer: TextVectorization }> {
  let raw: string;
  try {
    raw = await readFile(join(dir, SPEC), 'utf8');
  } catch {
    throw new Error(`--model ${dir}: no ${SPEC} there. Pass the --out folder of a 'weft train --data' run.`);
  }
  const spec = JSON.parse(raw) as TextModelSpec;
  if (spec.format !== 'weft-text-model') throw new Error(`--model ${dir}: ${SPEC} is not a weft text model (format ${JSON.stringify(spec.format)}).`);
  if (spec.version !== VERSION) throw new Error(`--model ${dir}: written by another version of weft (format version ${spec.version}; this one reads ${VERSION}). Train it again with 'weft train --data'.`);
  const model = await loadModel(join(dir, MODEL));
  const vectorizer = spec.vectorizer ? deserializeLayer(spec.vectorizer) : model.layers[0];
  if (!(vectorizer instanceof TextVectorization)) {
    throw new Error(`--model ${dir}: ${spec.vectorizer ? SPEC : `the model's first layer`} is a ${vectorizer.getClassName()}, not a TextVectorization.`);
  }
  return { model, spec, vectorizer };
}
