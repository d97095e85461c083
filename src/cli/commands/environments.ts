import type { Command } from 'commander';
import { AppError } from '../../errors.js';
import { checkCreateEnvironment, checkUpdateEnvironment } from '../../tenants/tenant-input.js';
import type { EnvironmentSettings, EnvironmentView, NewEnvironment } from '../../tenants/tenant-service.js';
import { fields, orDash, secretTokenLine, table, time } from '../output.js';
import { runCommand } from '../run-command.js';
import { assertValid } from '../../validation.js';

interface SettingOptions {
  successRedirectUrl?: string;
  failureRedirectUrl?: string;
  webhookUrl?: string;
}

const clearHint = '(the literal value "none" clears it)';

/** `connxt environments create|list|get|update`: the admin API's environments, on the store directly. */
export function registerEnvironmentCommands(program: Command): void {
  const environments = program
    .command('environments')
    .description('manage the environments of a brand (each has its own secret tokens)');

  environments
    .command('create')
    .description('create an environment and print its first secret token (shown only once)')
    .requiredOption('--brand <brandId>', 'brand id (brn_…)')
    .requiredOption('--name <name>', 'environment name, unique within the brand')
    .option('--success-redirect-url <url>', 'where the customer returns after a successful payment')
    .option('--failure-redirect-url <url>', 'where the customer returns after a failed payment')
    .option('--webhook-url <url>', 'where the engine sends merchant webhooks')
    .option('--production', 'a production environment (real PSPs only)')
    .action((options: SettingOptions & { brand: string; name: string; production?: boolean }, command: Command) =>
      runCommand(
        command,
        async (session) => {
          const input = assertValid<NewEnvironment>(checkCreateEnvironment, {
            name: options.name,
            ...(options.production === true ? { production: true } : {}),
            ...settings(options),
          });
          const { tenants } = await session.services();
          return tenants.createEnvironment(options.brand, { ...input, name: input.name.trim() });
        },
        (environment) => `environment created\n${environmentFields(environment)}\n\n${secretTokenLine(environment.secretToken)}`,
      ),
    );

  environments
    .command('list')
    .description('list the environments of a brand')
    .requiredOption('--brand <brandId>', 'brand id (brn_…)')
    .action((options: { brand: string }, command: Command) =>
      runCommand(
        command,
        async (session) => (await session.services()).tenants.listEnvironments(options.brand),
        (list) =>
          table(
            ['ID', 'NAME', 'PRODUCTION', 'CREATED'],
            list.map((env) => [env.id, env.name, env.production ? 'yes' : 'no', time(env.createdAt)]),
            'no environments in this brand',
          ),
      ),
    );

  environments
    .command('get')
    .description('show one environment')
    .argument('<environmentId>', 'environment id (env_…)')
    .action((environmentId: string, _options: unknown, command: Command) =>
      runCommand(command, async (session) => (await session.services()).tenants.getEnvironment(environmentId), environmentFields),
    );

  environments
    .command('update')
    .description(`change the name or URLs of an environment; a URL set to "none" is cleared`)
    .argument('<environmentId>', 'environment id (env_…)')
    .option('--name <name>', 'new name, unique within the brand')
    .option('--success-redirect-url <url>', `success redirect URL ${clearHint}`)
    .option('--failure-redirect-url <url>', `failure redirect URL ${clearHint}`)
    .option('--webhook-url <url>', `merchant webhook URL ${clearHint}`)
    .option(
      '--host-map <origin=baseUrl>',
      'send sdk.http calls for a PSP origin to another base URL, e.g. https://api.sticpay.com=http://127.0.0.1:9000 ' +
        '(repeatable; replaces the whole map; "none" clears it; not on production environments)',
      collect,
    )
    .action((environmentId: string, options: SettingOptions & { name?: string; hostMap?: string[] }, command: Command) =>
      runCommand(
        command,
        async (session) => {
          const patch = {
            ...(options.name === undefined ? {} : { name: options.name }),
            ...settings(options),
            ...(options.hostMap === undefined ? {} : { hostMap: hostMap(options.hostMap) }),
          };
          if (Object.keys(patch).length === 0) {
            throw AppError.validation(
              [
                {
                  field: 'options',
                  message: 'pass at least one of --name, --success-redirect-url, --failure-redirect-url, --webhook-url, --host-map',
                },
              ],
              'Nothing to update',
            );
          }
          const input = assertValid<EnvironmentSettings & { name?: string; hostMap?: Record<string, string> }>(checkUpdateEnvironment, patch);
          const { tenants } = await session.services();
          return tenants.updateEnvironment(environmentId, {
            ...input,
            ...(input.name === undefined ? {} : { name: input.name.trim() }),
          });
        },
        (environment) => `environment updated\n${environmentFields(environment)}`,
      ),
    );
}

/** The URL options that were given, `none` meaning null (cleared), as the API's JSON would carry them. */
function settings(options: SettingOptions): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const key of ['successRedirectUrl', 'failureRedirectUrl', 'webhookUrl'] as const) {
    const value = options[key];
    if (value !== undefined) out[key] = value === 'none' ? null : value;
  }
  return out;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `--host-map origin=baseUrl` entries as the API's hostMap object; a lone `none` is the empty map. */
function hostMap(entries: readonly string[]): Record<string, string> {
  if (entries.length === 1 && entries[0] === 'none') return {};
  const map = new Map<string, string>();
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const problem =
      entry === 'none'
        ? '"none" cannot be combined with other entries'
        : at <= 0 || at === entry.length - 1
          ? `${JSON.stringify(entry)} is not <origin>=<baseUrl>`
          : map.has(entry.slice(0, at))
            ? `${entry.slice(0, at)} is mapped twice`
            : undefined;
    if (problem !== undefined) throw AppError.validation([{ field: '--host-map', message: problem }]);
    map.set(entry.slice(0, at), entry.slice(at + 1));
  }
  // fromEntries defines own properties: a "__proto__" origin reaches the validator, which refuses it.
  return Object.fromEntries(map);
}

function environmentFields(env: EnvironmentView): string {
  return fields([
    ['id', env.id],
    ['brand', env.brandId],
    ['name', env.name],
    ['production', env.production ? 'yes' : 'no'],
    ['success redirect url', orDash(env.successRedirectUrl)],
    ['failure redirect url', orDash(env.failureRedirectUrl)],
    ['webhook url', orDash(env.webhookUrl)],
    ['host map', hostMapText(env.hostMap)],
    ['created', time(env.createdAt)],
    ['updated', time(env.updatedAt)],
  ]);
}

function hostMapText(map: Record<string, string>): string {
  const entries = Object.entries(map);
  return entries.length === 0 ? '-' : entries.map(([origin, base]) => `${origin} -> ${base}`).join(', ');
}
