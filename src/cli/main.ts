#!/usr/bin/env -S node --no-node-snapshot
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { packageRoot } from '../paths.js';
import { registerBrandCommands } from './commands/brands.js';
import { registerDeliveryCommands } from './commands/deliveries.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerEnvironmentCommands } from './commands/environments.js';
import { registerFlowTargetCommands } from './commands/flow-targets.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerPspCommands } from './commands/psps.js';
import { registerStartCommand } from './commands/start.js';
import { registerTokenCommands } from './commands/tokens.js';
import { registerTransactionCommands } from './commands/transactions.js';
import { exitCodes, reportError } from './run-command.js';

const { version } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };

const program = new Command('connxt')
  .description('Operate Connxt Engine: run, migrate and check it; manage brands, environments, tokens, flow targets and PSPs; look up transactions and webhook deliveries.')
  .version(version)
  .option('--json', 'print the result as JSON on stdout')
  // Set before the subcommands are added, so that they inherit both.
  .exitOverride()
  .configureOutput({ outputError: (message, write) => write(`connxt: ${message.replace(/^error: /, '')}`) })
  .addHelpText(
    'after',
    `
Configuration comes from the environment, as for the engine itself:
  DATABASE_URL       PostgreSQL (postgres://…); without it, the embedded store in CONNXT_DATA_DIR
  CONNXT_DATA_DIR    data dir of the embedded store and the development master key (default .connxt)
  CONNXT_MASTER_KEY  base64 master key (required with NODE_ENV=production)
The embedded store is locked while an engine runs on it: use its admin API then.
connxt doctor checks the configuration, the store and the master key without changing anything.
Exit codes: 0 done, 1 failure (configuration, store, a failed doctor check), 2 bad input, 3 not found, 4 conflict.`,
  );

registerStartCommand(program);
registerMigrateCommand(program);
registerDoctorCommand(program);
registerBrandCommands(program);
registerEnvironmentCommands(program);
registerTokenCommands(program);
registerFlowTargetCommands(program);
registerPspCommands(program);
registerTransactionCommands(program);
registerDeliveryCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Commander has already printed its message (usage errors) or the help/version text.
  if (err instanceof CommanderError) process.exitCode = err.exitCode === 0 ? 0 : exitCodes.usage;
  else reportError(err);
}
