#!/usr/bin/env node
// Runs every *.test.ts under src/, simulators/ and test/ with Node's test runner (TypeScript through tsx).
// Node 20's --test does not expand globs itself, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const failureSummaryReporter = fileURLToPath(new URL('./failure-summary-reporter.mjs', import.meta.url));

function findTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTests(path));
    else if (entry.name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

/**
 * The longest files first (by what they do: whole-engine processes, a subprocess per CLI command,
 * generated request floods), CPU-heavy ones (the CLI suites) between others rather than together;
 * then the rest. A long file started last would leave the other slots idle while it finishes alone.
 */
const slowFirst = [
  /soak/,
  /cli-flow-targets/,
  /abuse\/http-abuse-pglite/,
  /test\/cli\.test/,
  /abuse\/http-abuse-postgres/,
  /cli-payments/,
  /many-processes/,
  /dashboard-browser/,
  /cli-doctor/,
  /sandbox-escapes/,
  /conformance/,
];
const rank = (file) => {
  const index = slowFirst.findIndex((pattern) => pattern.test(file));
  return index === -1 ? slowFirst.length : index;
};

const only = process.argv.slice(2);
const files =
  only.length > 0
    ? only
    : [...findTests('src'), ...findTests('simulators'), ...findTests('test')].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
if (process.env.TEST_DATABASE_URL) console.log(`storage suites run on PGlite and on PostgreSQL (${process.env.TEST_DATABASE_URL})`);
else console.log('storage suites run on PGlite only (set TEST_DATABASE_URL to add PostgreSQL)');
const result = spawnSync(
  process.execPath,
  // isolated-vm asks for --no-node-snapshot on Node ≥ 20 (its README).
  [
    '--no-node-snapshot',
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=3',
    // Per test, and so per file: the CLI and abuse files take 85–145 s on a 2-core CI machine and
    // reached 180 s when it was twice as loaded; 300 s leaves room while still stopping a hang.
    '--test-timeout=300000',
    // The TAP stream as before, then a summary of the failures at the very end of the output.
    '--test-reporter=tap',
    '--test-reporter-destination=stdout',
    `--test-reporter=${failureSummaryReporter}`,
    '--test-reporter-destination=stdout',
    ...files,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
