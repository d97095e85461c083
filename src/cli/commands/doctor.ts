import type { Command } from 'commander';
import { formatChecks } from '../doctor/check.js';
import { runDoctor } from '../doctor/run-doctor.js';
import { exitCodes, runCommand } from '../run-command.js';

/** `connxt doctor`: what would stop or weaken the engine in this environment, one line per check. */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check the configuration, the store, the master key, the admin token, the public URL and the production checklist (reads only)')
    .action((_options: unknown, command: Command) =>
      runCommand(
        command,
        async () => {
          const checks = await runDoctor(process.env);
          if (checks.some((c) => c.status === 'fail')) process.exitCode = exitCodes.failure;
          return checks;
        },
        formatChecks,
      ),
    );
}
