import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deserializeLayer, loadModel, saveModel, serializeLayer, TextVectorization, writeDirAtomic, type Model, type SerializedLayer } from '@weft/layers';
import type { Preset } from './presets';
import type { ColumnFlags, Task } from './read-examples';
import type { Truncating } from './text-pipeline';

const SPEC = 'preprocessing.json';
const METRICS = 'metrics.json';
const MODEL = 'model';

/** What `weft train --data` saves beside the model: how to read and encode data for it. */
export interface TextModelSpec {
  format: 'weft-text-model';
  version: 1;
  task: Task;
  preset: Preset;
  /** The text and label columns (names, or 1-based numbers for files without a header). */
  columns: ColumnFlags;
  /** Class names (classify) or tags (tag), in output order. */
  labels: string[];
  /** Which end of a long text is cut (classify). */
  truncating: Truncating;
  /** The fitted TextVectorization layer: settings, vocabulary. */
  vectorizer: SerializedLayer;
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
 * Writes the model folder atomically: model/ (architecture and weights), preprocessing.json
 * (vocabulary, labels, columns) and metrics.json are written into a temporary folder beside
 * `out`, which then replaces it by a rename; a failure leaves `out` as it was.
 */
export async function writeModelDir(out: string, model: Model, spec: TextModelSpec, metrics: Record<string, unknown>): Promise<void> {
  await writeDirAtomic(out, async (tmp) => {
    await saveModel(model, join(tmp, MODEL), { includeOptimizer: false });
    await writeFile(join(tmp, SPEC), JSON.stringify(spec));
    await writeFile(join(tmp, METRICS), `${JSON.stringify(metrics, null, 2)}\n`);
  });
}

export function specFor(task: Task, preset: Preset, columns: ColumnFlags, labels: string[], truncating: Truncating, vectorizer: TextVectorization): TextModelSpec {
  return { format: 'weft-text-model', version: 1, task, preset, columns, labels, truncating, vectorizer: serializeLayer(vectorizer) };
}

/** Loads a folder written by `weft train --data`. */
export async function readModelDir(dir: string): Promise<{ model: Model; spec: TextModelSpec; vectorizer: TextVectorization }> {
  let raw: string;
  try {
    raw = await readFile(join(dir, SPEC), 'utf8');
  } catch {
    throw new Error(`--model ${dir}: no ${SPEC} there. Pass the --out folder of a 'weft train --data' run.`);
  }
  const spec = JSON.parse(raw) as TextModelSpec;
  if (spec.format !== 'weft-text-model') throw new Error(`--model ${dir}: ${SPEC} is not a weft text model (format ${JSON.stringify(spec.format)}).`);
  const vectorizer = deserializeLayer(spec.vectorizer);
  if (!(vectorizer instanceof TextVectorization)) throw new Error(`--model ${dir}: ${SPEC} holds a ${spec.vectorizer.className}, not a TextVectorization.`);
  return { model: await loadModel(join(dir, MODEL)), spec, vectorizer };
}
