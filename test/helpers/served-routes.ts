import type { FastifyInstance } from 'fastify';

/**
 * Every route an app serves, as `METHOD /path`, from Fastify's own route tree (one segment per
 * line, indented four characters per level), HEAD included (Fastify's twin of every GET), sorted.
 */
export function servedRoutes(app: FastifyInstance): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([^)]+)\))?$/.exec(line);
    if (match === null) continue;
    stack.length = match[1]!.length / 4;
    stack.push(match[2]!);
    for (const method of (match[3] ?? '').split(', ').filter((m) => m !== '')) routes.push(`${method} ${stack.join('')}`);
  }
  return routes.sort();
}
