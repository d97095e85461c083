import type { Command } from 'commander';
import { migrate } from '../../store/migrate.js';
import { plural } from '../output.js';
import { runCommand } from '../run-command.js';

/** `connxt migrate`: applies pending migrations (the engine and every other command do it too, on open). */
export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations to the configured store')
    .action((_options: unknown, command: Command) =>
      runCommand(
        command,
        async (session) => {
          const db = await session.store();
          const applied = await migrate(db, (message) => process.stderr.write(`${message}\n`));
          return { applied: applied.map(({ version, name }) => ({ version, name })) };
        },
        ({ applied }) =>
          applied.length === 0
            ? 'store is up to date'
            : [
                `applied ${plural(applied.length, 'migration')}:`,
                ...applied.map(({ version, name }) => `  ${String(version).padStart(3, '0')} ${name}`),
              ].join('\n'),
      ),
    );
}
