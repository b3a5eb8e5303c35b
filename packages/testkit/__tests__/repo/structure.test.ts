// The shape issue #10 asked for, kept: small files and functions, no import cycles, explicit
// package surfaces, and actions whose main.ts fits a screen.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { ROOT } from './repo-files';

const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 120;
const MAX_MAIN_LINES = 80;
/** Data, not code: the test kit's generated crash corpus. */
const DATA_FILES = new Set(['packages/testkit/src/crash-corpus.ts']);

function sourceFiles(): string[] {
  const out: string[] = [];
  for (const top of ['packages', 'actions']) {
    for (const name of readdirSync(join(ROOT, top))) {
      const src = join(top, name, 'src');
      let entries: string[];
      try {
        entries = readdirSync(join(ROOT, src));
      } catch {
        continue;
      }
      for (const f of entries) if (f.endsWith('.ts')) out.push(join(src, f));
    }
  }
  return out.sort();
}

const files = sourceFiles();
const parsed = new Map(
  files.map((f) => [
    f,
    ts.createSourceFile(f, readFileSync(join(ROOT, f), 'utf8'), ts.ScriptTarget.Latest, true),
  ]),
);

describe('source shape', () => {
  it('has no source file over 400 lines', () => {
    const long = files
      .filter((f) => !DATA_FILES.has(f))
      .map((f) => [f, readFileSync(join(ROOT, f), 'utf8').split('\n').length] as const)
      .filter(([, n]) => n > MAX_FILE_LINES);
    expect(long).toEqual([]);
  });

  it('has no function over 120 lines', () => {
    const long: string[] = [];
    for (const [f, sf] of parsed) {
      const visit = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) && 'body' in node && node.body) {
          const start = sf.getLineAndCharacterOfPosition(node.getStart()).line;
          const end = sf.getLineAndCharacterOfPosition(node.end).line;
          if (end - start + 1 > MAX_FUNCTION_LINES) long.push(`${f}:${start + 1} (${end - start + 1} lines)`);
        }
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
    expect(long).toEqual([]);
  });

  it('keeps every action main.ts to about a screen', () => {
    const long = files
      .filter((f) => f.startsWith('actions/') && f.endsWith('/main.ts'))
      .map((f) => [f, readFileSync(join(ROOT, f), 'utf8').trimEnd().split('\n').length] as const)
      .filter(([, n]) => n > MAX_MAIN_LINES);
    expect(long).toEqual([]);
  });

  it('names each package export explicitly', () => {
    const star = files.filter(
      (f) => f.endsWith('/src/index.ts') && /^export \*/m.test(readFileSync(join(ROOT, f), 'utf8')),
    );
    expect(star).toEqual([]);
  });

  it('has no import cycle between source files', () => {
    const edges = new Map<string, string[]>();
    for (const [f, sf] of parsed) {
      const targets: string[] = [];
      for (const st of sf.statements) {
        if (!(ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) || !st.moduleSpecifier) continue;
        if (ts.isImportDeclaration(st) && st.importClause?.isTypeOnly) continue;
        const spec = (st.moduleSpecifier as ts.StringLiteral).text;
        let target: string | undefined;
        if (spec.startsWith('.')) target = `${relative(ROOT, resolve(ROOT, dirname(f), spec))}.ts`;
        else if (spec.startsWith('@sre-toolkit/')) target = `packages/${spec.slice(13)}/src/index.ts`;
        if (target && parsed.has(target)) targets.push(target);
      }
      edges.set(f, targets);
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const walk = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const t of edges.get(f) ?? []) walk(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of files) walk(f, []);
    expect(cycles).toEqual([]);
  });

  it('sees the imports it checks (a walk with no edges would pass anything)', () => {
    // Guard against a walk that never sees edges: the test kit's index imports its modules.
    const sf = parsed.get('packages/testkit/src/index.ts');
    expect(sf?.statements.some((s) => ts.isExportDeclaration(s) && s.moduleSpecifier)).toBe(true);
  });
});
