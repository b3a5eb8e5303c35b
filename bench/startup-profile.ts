// What start-up is spent on, for `pnpm bench startup`: one source-mapped build per action (same ncc
// flags as `pnpm bundle`, chunks minified the same way, no source-map-support registered so the
// build runs what the dist runs), run once with --cpu-prof at 100 µs. Each sample is charged to the
// package of the nearest bundle frame on its stack, so Node built-ins a package calls (and V8's lazy
// compilation of a function, which runs on its caller's frame) count for that package. Samples with
// no bundle frame are split into what they are: Node's bootstrap and module loader, V8 native work
// outside any JS frame ("(program)", where parsing and compiling the entry script lands), GC, and
// idle time (waiting on sockets and timers, no CPU used).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join } from 'node:path';
import { REPO_ROOT } from '@sre-toolkit/testkit';
import { compressEntry, minifyChunks } from '../scripts/minify-chunks.mjs';

const PROFILE_RUNS = Math.max(1, Number(process.env.BENCH_PROFILE_RUNS ?? 1));

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Profiled {
  readonly action: string;
  readonly label: string;
  /** Runs the scenario on `bundle` with `args` before it (its checks count this run too). */
  readonly run: (bundle: string, args: string[]) => Promise<unknown>;
}

/** Names a mapped source: its npm package, workspace package, or part of webpack's runtime. */
export function packageOf(source: string): string {
  const nm = source.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = source.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? source);
  }
  const pkg = /(?:^|\/)(packages|actions)\/([^/]+)\//.exec(source);
  if (pkg) return pkg[1] === 'packages' ? `@sre-toolkit/${pkg[2]}` : `actions/${pkg[2]}`;
  const clean = source.replace(/^(\.\.\/)+/, '');
  // `external node-commonjs "node:http"`: the require of a built-in, i.e. Node loading that module.
  const builtin = /^external [\w-]+ "(?:node:)?([^"]+)"/.exec(clean);
  if (builtin) return `node:${builtin[1]} (built-in, loaded)`;
  if (clean.startsWith('webpack/runtime/')) return `webpack ${clean.slice('webpack/runtime/'.length)}`;
  if (clean.startsWith('webpack/bootstrap')) return 'webpack require (lazy compile of modules)';
  return clean;
}

const NATIVE: Record<string, string> = {
  '(idle)': 'idle (waiting on I/O)',
  '(garbage collector)': 'GC',
  '(program)': '(program): native, incl. compiling the entry',
  '(root)': '(program): native, incl. compiling the entry',
};

/** Builds, runs and charges one profile per scenario, printing a line each. */
export async function breakdown(scenarios: readonly Profiled[], work: string): Promise<void> {
  const ncc = join(REPO_ROOT, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');
  console.log(
    '\nWhere start-up goes (one `--cpu-prof` run per action, source-mapped build; ms of CPU samples, largest first; "idle" is waiting, not CPU):\n',
  );
  const built = new Set<string>();
  for (const s of scenarios) {
    const out = join(work, 'profile', s.action);
    if (!built.has(s.action)) {
      built.add(s.action);
      const src = join(REPO_ROOT, 'actions', s.action, 'src', 'index.ts');
      execFileSync(
        process.execPath,
        [ncc, 'build', src, '-o', out, '--minify', '--source-map', '--no-source-map-register'].concat([
          '--target',
          'es2022',
          '--quiet',
        ]),
        { cwd: REPO_ROOT, stdio: 'inherit' },
      );
      minifyChunks(out, { sourceMaps: true });
      compressEntry(out, { sourceMaps: true });
    }
    // BENCH_PROFILE_RUNS (default 1): the mean of that many profiles, steadier than one.
    const total = new Map<string, number>();
    for (let run = 0; run < PROFILE_RUNS; run++) {
      const profDir = join(work, 'profile', `${s.label.replace(/\W+/g, '-')}-cpu-${run}`);
      await s.run(join(out, 'index.js'), [
        '--cpu-prof',
        '--cpu-prof-interval',
        '100',
        '--cpu-prof-dir',
        profDir,
      ]);
      const [profFile] = readdirSync(profDir);
      const profile = JSON.parse(readFileSync(join(profDir, profFile ?? ''), 'utf8')) as Profile;
      for (const [who, ms] of charge(profile, `/profile/${s.action}/`))
        total.set(who, (total.get(who) ?? 0) + ms / PROFILE_RUNS);
    }
    const sum = [...total.values()].reduce((a, b) => a + b, 0);
    const parts = [...total.entries()]
      .sort((a, b) => b[1] - a[1])
      .filter(([, ms]) => ms >= 0.5)
      .map(([who, ms]) => `${who} ${ms.toFixed(1)}`);
    console.log(
      `- **${s.label}** (${sum.toFixed(0)} ms profiled${PROFILE_RUNS > 1 ? `, mean of ${PROFILE_RUNS} runs` : ''}): ${parts.join(' · ')}`,
    );
  }
}

/** ms of samples per owner. */
function charge(profile: Profile, bundleDir: string): Map<string, number> {
  const maps = new Map<string, SourceMap | undefined>();
  const mapFor = (url: string) => {
    if (!maps.has(url)) {
      let map: SourceMap | undefined;
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${new URL(url).pathname}.map`, 'utf8')));
      } catch {
        map = undefined;
      }
      maps.set(url, map);
    }
    return maps.get(url);
  };
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const cache = new Map<number, string>();
  const owner = (id: number): string => {
    const cached = cache.get(id);
    if (cached) return cached;
    const n = byId.get(id);
    const f = n?.callFrame;
    let who: string;
    const up = parent.get(id);
    // The shared require of the built-ins (scripts/minify-chunks.mjs) has no source of its own: a
    // built-in it loads counts for the module that asked, `external "node:http"`, as before it.
    if (f?.functionName === '__nccRequire' && up !== undefined) who = owner(up);
    else if (f?.url.startsWith('file:') && f.url.includes(bundleDir)) who = bundleOwner(mapFor(f.url), f);
    else if (up !== undefined && byId.get(up)?.callFrame.functionName !== '(root)') who = owner(up);
    else who = NATIVE[f?.functionName ?? ''] ?? nodeOwner(n, byId);
    cache.set(id, who);
    return who;
  };
  const total = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const who = owner(id);
    total.set(who, (total.get(who) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return total;
}

/**
 * The package of a bundle frame. webpack's module wrappers (`123:(e,t,n)=>{…}`) have no mapping of
 * their own, yet a CommonJS module's top-level code runs in one: such a frame is charged to the first
 * mapped code after its start, i.e. the module it wraps.
 */
function bundleOwner(map: SourceMap | undefined, f: ProfileNode['callFrame']): string {
  if (!map) return '(bundle, no source map)';
  // The file's own top level: in the entry, the statements of every ES module webpack concatenated
  // into it (zod's and the workspace packages' module-level code), which no wrapper separates.
  if (f.lineNumber === 0 && f.columnNumber === 0)
    return /\/index\.js$/.test(f.url) ? 'entry top level (concatenated ES modules)' : 'chunk top level';
  for (let col = f.columnNumber; col < f.columnNumber + 4000; col++) {
    const e = map.findEntry(f.lineNumber, col);
    if ('originalSource' in e && e.originalSource && e.generatedColumn >= f.columnNumber)
      return packageOf(e.originalSource);
  }
  return '(bundle, unmapped)';
}

/** A root-level node frame (no bundle frame above it): the loader, or the rest of Node. */
function nodeOwner(n: ProfileNode | undefined, byId: Map<number, ProfileNode>): string {
  const below = (x: ProfileNode | undefined): boolean =>
    !!x &&
    (/modules\/(esm|cjs)\//.test(x.callFrame.url) || (x.children ?? []).some((c) => below(byId.get(c))));
  return below(n) ? 'node: module loader (reading, compiling dist)' : 'node: bootstrap and event loop';
}
