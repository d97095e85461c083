// `npm run soak -- --minutes N [--crash K] [--store pglite|postgres] [--seed S] [--workers W] [--json] [--keep]`
//
// Mixed load on a real engine process (three tenants, four gateways through their simulators,
// merchant webhook endpoints) while the simulators inject faults at random, optionally killing the
// engine with SIGKILL K times; then a drain and five checks. Exits 1 when a check has violations,
// the drain did not finish or the engine did not stop cleanly at the end; 2 on a bad command line.
// Loopback only. See RELIABILITY.md ("Soak", "Crash").
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSoakOptions, UsageError, usage } from './options.js';
import { formatReport } from './report.js';
import { Cleanups, runSoak } from './soak.js';

const command = ['node', ...process.execArgv, relative(process.cwd(), fileURLToPath(import.meta.url)), ...process.argv.slice(2)].join(' ');

let options;
try {
  options = parseSoakOptions(process.argv.slice(2), process.env);
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  process.stderr.write(`soak: ${err.message}\n\n${usage}\n`);
  process.exit(2);
}

// Interrupted, it stops the engine and removes the store (unless --keep), then exits.
const cleanups = new Cleanups();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`soak: interrupted (${signal}); cleaning up\n`);
    void cleanups.run().finally(() => process.exit(130));
  });
}

// With --json, stdout carries the one JSON object; everything else goes to stderr.
const say = (line: string) => (options.json ? process.stderr : process.stdout).write(`${line}\n`);
try {
  const result = await runSoak(options, (line) => say(`soak: ${line}`), cleanups);
  if (options.json) process.stdout.write(`${JSON.stringify({ command, ...result })}\n`);
  else say(`\n${formatReport(result, command)}`);
  process.exit(result.violations === 0 && result.drained && result.engineExitCode === 0 ? 0 : 1);
} catch (err) {
  process.stderr.write(`soak: failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}
