// Runs the benchmarks in bench/ one after the other, each in its own Node process (a fresh heap and
// JIT, so one bench cannot warm up or slow down the next), after a header naming the machine; then
// the figures against issue 6's targets.
//
//   npm run bench                      every bench/*.bench.ts
//   npm run bench -- sandbox           only the benches whose file name contains "sandbox"
//   npm run bench -- --json            the same, then one JSON object on stdout (everything else
//                                      goes to stderr)
//
// Settings are environment variables read by the benches themselves (see each file's header).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summaryOf, targetTable } from './summary.js';

const benchDir = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const filters = args.filter((arg) => arg !== '--json');
const files = readdirSync(benchDir)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort()
  .map((name) => join(benchDir, name));

// With --json, stdout carries the JSON object alone.
const say = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);

const cpus = os.cpus();
const settings = Object.entries(process.env)
  .filter(([name]) => name.startsWith('BENCH_'))
  .map(([name, value]) => `${name}=${value}`);
say('# Connxt Engine benchmarks');
say(`date:    ${new Date().toISOString()}`);
say(`node:    ${process.version} (${process.platform}/${process.arch}, V8 ${process.versions.v8})`);
say(`cpu:     ${cpus[0]?.model.trim() ?? 'unknown'} × ${cpus.length} (os.cpus())`);
say(`memory:  ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}`);
say(`command: ${[...settings, 'node', ...process.execArgv, relative(process.cwd(), fileURLToPath(import.meta.url)), ...args].join(' ')}`);
if (files.length === 0) {
  console.error(`no bench/*.bench.ts matches ${filters.join(', ')}`);
  process.exit(1);
}

const resultDir = mkdtempSync(join(os.tmpdir(), 'connxt-bench-results-'));
const results: Record<string, unknown> = {};
const failed: string[] = [];
for (const file of files) {
  say(`\n## ${basename(file)}\n`);
  const resultFile = join(resultDir, `${basename(file)}.json`);
  // The same flags as this process: --no-node-snapshot (isolated-vm) and --import tsx.
  const result = spawnSync(process.execPath, [...process.execArgv, file], {
    stdio: ['ignore', json ? process.stderr : 'inherit', 'inherit'],
    env: { ...process.env, BENCH_RESULT_FILE: resultFile },
  });
  if (result.status !== 0) failed.push(`${basename(file)} (exit ${result.status ?? result.signal})`);
  try {
    Object.assign(results, JSON.parse(readFileSync(resultFile, 'utf8')) as Record<string, unknown>);
  } catch {
    // A bench that failed, or one that reports nothing for the summary.
  }
}
rmSync(resultDir, { recursive: true, force: true });

const summary = summaryOf(results);
say('\n## Against the targets (issue 6)\n');
say(targetTable(summary));
if (json) process.stdout.write(`${JSON.stringify({ ...summary, date: new Date().toISOString(), cores: cpus.length, details: results })}\n`);
if (failed.length > 0) {
  console.error(`\nfailed: ${failed.join(', ')}`);
  process.exit(1);
}
