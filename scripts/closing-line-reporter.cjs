// Prints one plain closing line, `Tests: N passed, N failed`, after jest's own summary so any CI
// reader (ours included) can count the run without parsing jest's table.
class ClosingLineReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(
      `\nTests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
    );
  }
}
module.exports = ClosingLineReporter;
