import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Where the datasets are looked for when neither --data nor WEFT_DATASETS is given: ../shared/datasets from the project root. */
export const DEFAULT_DATASETS_DIR = resolve(__dirname, '..', '..', '..', 'shared', 'datasets');

/** The datasets folder: `explicit` (--data), else $WEFT_DATASETS, else the default beside the project. */
export function datasetsDir(explicit?: string): string {
  return resolve(explicit ?? process.env.WEFT_DATASETS ?? DEFAULT_DATASETS_DIR);
}

/**
 * The dataset's files under the datasets folder, or why they cannot be used (a message naming
 * where it looked and how to point elsewhere).
 */
export function findDataset(
  subfolder: string,
  files: string[],
  explicit?: string,
): { ok: true; dir: string } | { ok: false; reason: string } {
  const dir = resolve(datasetsDir(explicit), subfolder);
  const missing = files.filter((f) => !existsSync(resolve(dir, f)));
  if (missing.length === 0) return { ok: true, dir };
  return {
    ok: false,
    reason:
      `dataset '${subfolder}' not found: ${missing.map((f) => resolve(dir, f)).join(', ')} missing. ` +
      'Pass the folder that holds it with --data DIR or WEFT_DATASETS=DIR.',
  };
}
