import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * Starts `node [flags] file` as a child whose first stdout line is its port, and ends it when this
 * process ends (its stdin closes). Used for every server a bench runs beside the engine.
 */
export async function startPortChild(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; port: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const [chunk] = (await Promise.race([
    once(child.stdout!, 'data'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`${args.join(' ')} exited (${String(code)}) before listening`);
    }),
  ])) as [Buffer];
  const port = Number(chunk.toString().split('\n')[0]);
  const exited = once(child, 'exit');
  return {
    child,
    port,
    async stop() {
      child.stdin!.end();
      child.kill('SIGTERM');
      await exited;
    },
  };
}
