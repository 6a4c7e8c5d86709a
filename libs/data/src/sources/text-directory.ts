import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Dataset } from '../dataset';
import { DataFileError } from '../errors';
import { textChunks } from './text-stream';

export interface LabeledText {
  text: string;
  /** Index of the class in classNames. */
  label: number;
  className: string;
  path: string;
}

export interface TextDirectoryOptions {
  /** The classes, in label order (default: every subfolder, sorted); only these subfolders are read. */
  classNames?: string[];
  /** File endings read (default .txt and .txt.gz, as Keras reads .txt). */
  extensions?: string[];
}

/** A dataset of labeled texts that knows its classes (Keras's class_names). */
export class TextDirectoryDataset extends Dataset<LabeledText> {
  constructor(
    readonly classNames: string[],
    /** Every file, in reading order: classes in label order, files sorted within each. */
    readonly files: { path: string; label: number }[],
  ) {
    super(() => readTexts(classNames, files));
  }
}

async function* readTexts(classNames: string[], files: { path: string; label: number }[]): AsyncGenerator<LabeledText> {
  for (const { path, label } of files) {
    let text = '';
    for await (const chunk of textChunks(path)) text += chunk;
    yield { text, label, className: classNames[label], path };
  }
}

/** Every file under `dir` (subfolders too) whose name ends in one of the extensions, sorted by path. */
async function listFiles(dir: string, extensions: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (extensions.some((e) => entry.name.toLowerCase().endsWith(e)) && (entry.isFile() || (await stat(path)).isFile())) found.push(path);
  }
  return found.sort();
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Keras's text_dataset_from_directory: `dir/<class>/.../<file>.txt`, one text per file, labeled by
 * its class folder (classes sorted by name unless classNames says otherwise; labels are their
 * indices). Files are read one at a time as the dataset is iterated, in class then path order:
 * shuffle the dataset for training. Files ending in .gz are gunzipped.
 */
export async function textDirectoryDataset(dir: string, options: TextDirectoryOptions = {}): Promise<TextDirectoryDataset> {
  const extensions = options.extensions ?? ['.txt', '.txt.gz'];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new DataFileError(dir, 0, `cannot read the folder (${(err as Error).message}).`, 'Pass a folder with one subfolder of text files per class.');
  }
  const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort(byCodePoint);
  const classNames = options.classNames ?? folders;
  const missing = classNames.filter((c) => !folders.includes(c));
  if (missing.length > 0) {
    throw new DataFileError(dir, 0, `no subfolder for class(es) ${missing.join(', ')}.`, `The subfolders are: ${folders.join(', ') || '(none)'}.`);
  }
  if (classNames.length === 0) {
    throw new DataFileError(dir, 0, 'no class subfolders.', `Put each class's ${extensions.join('/')} files in a subfolder named after the class (${join(dir, 'pos', '1.txt')}).`);
  }
  const files: { path: string; label: number }[] = [];
  for (const [label, name] of classNames.entries()) {
    for (const path of await listFiles(join(dir, name), extensions)) files.push({ path, label });
  }
  if (files.length === 0) {
    throw new DataFileError(dir, 0, `no ${extensions.join(' or ')} files in the class subfolders (${classNames.join(', ')}).`, `Put the texts in files such as ${relative('.', join(dir, classNames[0], '1.txt'))}.`);
  }
  return new TextDirectoryDataset(classNames, files);
}
