import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { folderGraph, importCycles, readImportGraph } from './import-graph';

const repo = path.resolve(__dirname, '../..');

describe('import graph', () => {
  it('finds a circle closed by a type-only import, and reads re-exports', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-imports-'));
    try {
      fs.mkdirSync(path.join(dir, 'models'));
      fs.mkdirSync(path.join(dir, 'training'));
      fs.writeFileSync(path.join(dir, 'models', 'model.ts'), "import { fit } from '../training/fit';\nexport class Model {}\nexport const run = fit;\n");
      fs.writeFileSync(path.join(dir, 'training', 'fit.ts'), "import type { Model } from '../models';\nexport function fit(_m: Model) {}\n");
      fs.writeFileSync(path.join(dir, 'models', 'index.ts'), "export { Model } from './model';\n");
      fs.writeFileSync(path.join(dir, 'training', 'alone.ts'), 'export const x = 1;\n');
      const graph = readImportGraph(dir);
      expect(importCycles(graph)).toEqual([[path.join('models', 'index.ts'), path.join('models', 'model.ts'), path.join('training', 'fit.ts')]]);
      expect(importCycles(folderGraph(graph))).toEqual([['models', 'training']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(['libs/logging/src', 'libs/tensor/src', 'libs/layers/src', 'libs/distributed/src', 'apps/coordinator/src', 'tools/src', 'examples'])(
    '%s has no import circle between files',
    (root) => {
      expect(importCycles(readImportGraph(path.join(repo, root)))).toEqual([]);
    },
  );

  it("libs/layers' folders import one way: models -> saving -> training -> callbacks -> engine", () => {
    const folders = folderGraph(readImportGraph(path.join(repo, 'libs/layers/src')));
    expect(importCycles(folders)).toEqual([]);
    const order = ['models', 'saving', 'training', 'callbacks', 'engine'];
    const upward = order.flatMap((folder, i) => (folders.get(folder) ?? []).filter((to) => order.indexOf(to) !== -1 && order.indexOf(to) < i).map((to) => `${folder} -> ${to}`));
    expect(upward).toEqual([]);
  });
});
