// A test reporter that prints nothing until the run ends, then one block per failed test: its
// file, its name and the first lines of its error. CI logs are often read from the tail only, and
// the TAP stream puts a failure wherever its file happened to finish; this puts them at the end.
const MAX_ERROR_LINES = 12;

function errorLines(error) {
  // A whole file that failed after its tests (a crash at exit, say) carries how its process ended.
  if (error?.exitCode !== undefined || error?.signal) {
    return [`its process ended with exit code ${error.exitCode ?? '-'}, signal ${error.signal ?? '-'}`];
  }
  const cause = error?.cause ?? error;
  const text = cause instanceof Error ? (cause.stack ?? String(cause)) : String(cause);
  return text.split('\n').slice(0, MAX_ERROR_LINES);
}

export default async function* failureSummary(source) {
  const failures = [];
  for await (const event of source) {
    if (event.type !== 'test:fail') continue;
    const { name, file, details } = event.data;
    // A suite fails when one of its tests fails; the test itself is already listed.
    if (details?.error?.failureType === 'subtestsFailed') continue;
    failures.push({ name, file, lines: errorLines(details?.error) });
  }
  if (failures.length === 0) return;
  yield `\n# ${failures.length} failed:\n`;
  for (const failure of failures) {
    yield `#\n# ✗ ${failure.file ?? '(unknown file)'}: ${failure.name}\n`;
    for (const line of failure.lines) yield `#     ${line}\n`;
  }
}
