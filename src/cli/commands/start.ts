import type { Command } from 'commander';
import { runEngine } from '../../run-engine.js';

/** `connxt start`: the engine in the foreground, exactly as `npm start` runs it. */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run the engine (HTTP API) in the foreground until SIGINT/SIGTERM')
    .action(async () => {
      await runEngine(process.env);
    });
}
