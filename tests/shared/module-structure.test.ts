/**
 * The shape of src/ that the style guide asks for and ESLint cannot see: no import loop between the
 * folders of src/shared, modules of a readable size, thin triggers. The imports are read with the
 * TypeScript compiler's own pre-processor, so what is checked is what tsc resolves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

import ts from 'typescript';

import { repoRoot } from '../support/test-stack';

const SHARED = join(repoRoot, 'src', 'shared');
const FUNCTIONS = join(repoRoot, 'src', 'functions');
const LONG_FILE_REASON = /Longer than 200 lines because/;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The folder of src/shared a file belongs to; a file directly in src/shared is a node of its own. */
function nodeOf(file: string): string {
  const [first = '', ...rest] = relative(SHARED, file).split(sep);
  return rest.length === 0 ? first.replace(/\.ts$/, '') : first;
}

/** Folder -> the folders it imports, with one importing file per edge for the message. */
function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(SHARED)) {
    const from = nodeOf(file);
    const edges = graph.get(from) ?? new Map<string, string>();
    graph.set(from, edges);
    for (const imported of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (!imported.fileName.startsWith('.')) continue;
      const target = resolve(dirname(file), imported.fileName);
      if (!target.startsWith(SHARED + sep)) continue;
      const to = nodeOf(`${target}.ts`);
      if (to !== from && !edges.has(to)) edges.set(to, relative(SHARED, file));
    }
  }
  return graph;
}

/** Strongly connected components of more than one node (Tarjan): each one is an import loop. */
function loops(graph: Map<string, Map<string, string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (stack.includes(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      component.push(member);
      if (member === node) break;
    }
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

const lineCount = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n').length;

describe('the structure of src/', () => {
  it('when the folders of src/shared import each other, then no folders import each other in a loop', () => {
    const graph = folderGraph();
    const described = loops(graph).map((component) =>
      component
        .flatMap((from) =>
          component
            .filter((to) => graph.get(from)?.has(to) === true)
            .map((to) => `${from} -> ${to} (${graph.get(from)?.get(to) ?? ''})`),
        )
        .join('; '),
    );
    expect(described).toEqual([]);
    expect(graph.size).toBeGreaterThan(10); // the graph was read at all
  });

  it('when a module of src is over 200 lines, then its first lines say why', () => {
    const unexplained = sourceFiles(join(repoRoot, 'src'))
      .filter((file) => lineCount(file) > 200)
      .filter((file) => !LONG_FILE_REASON.test(readFileSync(file, 'utf8').split('\n').slice(0, 8).join('\n')))
      .map((file) => `${relative(repoRoot, file)} (${lineCount(file)} lines)`);
    expect(unexplained).toEqual([]);
  });

  it('when src/functions holds a trigger, then the file is 20-60 lines', () => {
    // index.ts is the table of every function, not a trigger: it grows a row per function.
    const triggers = sourceFiles(FUNCTIONS).filter((file) => file !== join(FUNCTIONS, 'index.ts'));
    const sizes = triggers.map((file) => ({
      file: relative(repoRoot, file),
      lines: lineCount(file),
    }));
    expect(sizes.filter(({ lines }) => lines < 20 || lines > 60)).toEqual([]);
    expect(sizes.length).toBeGreaterThan(10);
  });
});
