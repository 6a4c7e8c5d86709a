import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** File -> the files it imports, as paths relative to the root the graph was read from. */
export type ImportGraph = Map<string, string[]>;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

function resolveRelative(from: string, specifier: string): string | null {
  const base = path.resolve(path.dirname(from), specifier.replace(/\.js$/, ''));
  return [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => fs.existsSync(candidate)) ?? null;
}

/**
 * The relative imports between the .ts files under `root` (tests left out), read with the
 * TypeScript parser: `import type`, re-exports and import() count, as they do for a reader.
 */
export function readImportGraph(root: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of sourceFiles(root)) {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .filter((ref) => ref.fileName.startsWith('.'))
      .map((ref) => resolveRelative(file, ref.fileName))
      .filter((target): target is string => target !== null)
      .map((target) => path.relative(root, target));
    graph.set(path.relative(root, file), [...new Set(targets)]);
  }
  return graph;
}

/** The import circles: each group of two or more files that reach one another (Tarjan's strongly connected components). */
export function importCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, index.get(next)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== file);
    if (group.length > 1) cycles.push(group.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return cycles;
}

/** The same graph one level up: each top-level folder -> the other top-level folders its files import. */
export function folderGraph(graph: ImportGraph): ImportGraph {
  const folderOf = (file: string) => file.split(path.sep)[0];
  const folders: ImportGraph = new Map();
  for (const [file, targets] of graph) {
    if (!file.includes(path.sep)) continue; // index.ts and other files at the root
    const from = folderOf(file);
    const into = new Set([...(folders.get(from) ?? []), ...targets.filter((t) => t.includes(path.sep)).map(folderOf)]);
    into.delete(from);
    folders.set(from, [...into]);
  }
  return folders;
}
