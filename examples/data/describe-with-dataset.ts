import { findDataset } from './datasets-dir';

/** For tests: a describe block when the dataset is there, else a skipped one with the reason printed. */
export function describeWithDataset(subfolder: string, files: string[], name: string, body: (dir: string) => void): void {
  const found = findDataset(subfolder, files);
  if (found.ok) describe(name, () => body(found.dir));
  else {
    // Straight to stderr: jest drops the console output of a suite whose tests all skip.
    process.stderr.write(`Skipping '${name}': ${found.reason}\n`);
    describe.skip(name, () => body(''));
  }
}
