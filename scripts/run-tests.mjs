#!/usr/bin/env node
// Runs every *.test.ts under src/, simulators/ and test/ with Node's test runner (TypeScript through tsx).
// Node 20's --test does not expand globs itself, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTests(path));
    else if (entry.name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : [...findTests('src'), ...findTests('simulators'), ...findTests('test')].sort();
if (process.env.TEST_DATABASE_URL) console.log(`storage suites run on PGlite and on PostgreSQL (${process.env.TEST_DATABASE_URL})`);
else console.log('storage suites run on PGlite only (set TEST_DATABASE_URL to add PostgreSQL)');
const result = spawnSync(
  process.execPath,
  // isolated-vm asks for --no-node-snapshot on Node ≥ 20 (its README).
  ['--no-node-snapshot', '--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=120000', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
