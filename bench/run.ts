// Runs the benchmarks in bench/ one after the other, each in its own Node process (a fresh heap and
// JIT, so one bench cannot warm up or slow down the next), after a header naming the machine.
//
//   npm run bench                      every bench/*.bench.ts
//   npm run bench -- sandbox           only the benches whose file name contains "sandbox"
//
// Settings are environment variables read by the benches themselves (see each file's header).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(benchDir)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort()
  .map((name) => join(benchDir, name));

const cpus = os.cpus();
const settings = Object.entries(process.env)
  .filter(([name]) => name.startsWith('BENCH_'))
  .map(([name, value]) => `${name}=${value}`);
console.log('# Connxt Engine benchmarks');
console.log(`date:    ${new Date().toISOString()}`);
console.log(`node:    ${process.version} (${process.platform}/${process.arch}, V8 ${process.versions.v8})`);
console.log(`cpu:     ${cpus[0]?.model.trim() ?? 'unknown'} × ${cpus.length} (os.cpus())`);
console.log(`memory:  ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}`);
console.log(
  `command: ${[...settings, 'node', ...process.execArgv, relative(process.cwd(), fileURLToPath(import.meta.url)), ...filters].join(' ')}`,
);
if (files.length === 0) {
  console.error(`no bench/*.bench.ts matches ${filters.join(', ')}`);
  process.exit(1);
}

const failed: string[] = [];
for (const file of files) {
  console.log(`\n## ${basename(file)}\n`);
  // The same flags as this process: --no-node-snapshot (isolated-vm) and --import tsx.
  const result = spawnSync(process.execPath, [...process.execArgv, file], { stdio: 'inherit' });
  if (result.status !== 0) failed.push(`${basename(file)} (exit ${result.status ?? result.signal})`);
}
if (failed.length > 0) {
  console.error(`\nfailed: ${failed.join(', ')}`);
  process.exit(1);
}
