import { extname } from 'node:path';
import type { Command } from 'commander';
import {
  checkActionVersion,
  checkCreateCustomTarget,
  checkUpdateCustomTarget,
  type CreateCustomTargetInput,
  type CustomActionInput,
  type UpdateCustomTargetInput,
} from '../../catalog/custom-target-input.js';
import type { CustomTargetService } from '../../catalog/custom-target-service.js';
import type { ActionName } from '../../catalog/flow-types.js';
import { AppError, type FieldError } from '../../errors.js';
import { assertValid } from '../../validation.js';
import { readFile, readJson, readText } from '../files.js';
import { fields, orDash, table } from '../output.js';
import { runCommand } from '../run-command.js';

type FlowTargetView = Awaited<ReturnType<CustomTargetService['get']>>;
type FlowTargetSummary = Awaited<ReturnType<CustomTargetService['list']>>[number];

const actionNames: readonly ActionName[] = ['DEPOSIT', 'WITHDRAW', 'REFUND'];

interface CreateOptions {
  name: string;
  credentialSchema: string;
  allowedHost: string[];
  inputSchema?: string;
  logo?: string;
  deposit?: string;
  withdraw?: string;
  refund?: string;
  descriptionDeposit?: string;
  descriptionWithdraw?: string;
  descriptionRefund?: string;
  inputSchemaDeposit?: string;
  inputSchemaWithdraw?: string;
  inputSchemaRefund?: string;
}

/** `connxt flow-targets list|show|create|set-status|put-action`: the admin API's /flow-targets, on the store directly. */
export function registerFlowTargetCommands(program: Command): void {
  const targets = program
    .command('flow-targets')
    .description('manage payment gateways (flow targets): add one from scripts, upload new script versions, switch one off');

  targets
    .command('list')
    .description('list every flow target, builtin (connectors/) and custom')
    .action((_options: unknown, command: Command) =>
      runCommand(
        command,
        async (session) => (await session.services()).customTargets.list(),
        (list: FlowTargetSummary[]) =>
          table(
            ['ID', 'NAME', 'STATUS', 'SOURCE', 'ALLOWED HOSTS'],
            list.map((target) => [target.id, target.name, target.status, target.source, hostList(target.allowedHosts)]),
            'no flow targets',
          ),
      ),
    );

  targets
    .command('show')
    .description('show one flow target, its actions and their latest script versions')
    .argument('<flowTargetId>', 'flow target id (ftg_…)')
    .option('--script <action>', 'print only the script that DEPOSIT, WITHDRAW or REFUND runs now (to edit, then upload with put-action)')
    .action((flowTargetId: string, options: { script?: string }, command: Command) => {
      const action = options.script;
      if (action === undefined) {
        return runCommand(command, async (session) => (await session.services()).customTargets.get(flowTargetId), targetDetails);
      }
      return runCommand(
        command,
        async (session) => {
          if (!(actionNames as readonly string[]).includes(action)) {
            throw AppError.validation([{ field: '--script', message: `must be one of: ${actionNames.join(', ')}` }]);
          }
          const { scripts } = await (await session.services()).customTargets.getWithScripts(flowTargetId);
          const script = scripts[action];
          if (script === undefined) throw AppError.notFound(`This flow target has no ${action} script`);
          return { action, ...script };
        },
        // As stored (a final newline added if it has none): `> deposit.js` gives back the uploaded file.
        ({ script }) => script,
      );
    });

  const create = targets
    .command('create')
    .description('add a custom flow target; every script is compiled and checked before anything is stored')
    .requiredOption('--name <name>', 'gateway name, unique among flow targets')
    .requiredOption('--credential-schema <file.json>', 'JSON Schema (an object schema) of the PSP credential')
    .requiredOption('--allowed-host <host>', 'host[:port] the scripts may call (repeatable)', collect)
    .option('--input-schema <file.json>', 'paymentMethods, countries and currencies the gateway lists')
    .option('--logo <file-or-url>', 'an http(s) or data: URL, or an image file (svg, png, jpg, gif, webp) stored as a data URL');
  for (const action of actionNames) {
    const lower = action.toLowerCase();
    create
      .option(`--${lower} <script.js>`, `${action} script (exports initiate(ctx, sdk))${action === 'DEPOSIT' ? '; at least one action is required' : ''}`)
      .option(`--description-${lower} <text>`, `description of the ${action} definition`)
      .option(`--input-schema-${lower} <file.json>`, `JSON Schema of executePayload.body for ${action}`);
  }
  create.action((options: CreateOptions, command: Command) =>
    runCommand(
      command,
      async (session) => {
        const input = assertValid<CreateCustomTargetInput>(checkCreateCustomTarget, createInput(options));
        return (await session.services()).customTargets.create(input);
      },
      (target) => `flow target created\n${targetDetails(target)}`,
    ),
  );

  targets
    .command('set-status')
    .description('switch a flow target on or off (builtin ones too); a DISABLED target takes no new PSPs or transactions')
    .argument('<flowTargetId>', 'flow target id (ftg_…)')
    .argument('<status>', 'ENABLED or DISABLED')
    .action((flowTargetId: string, status: string, _options: unknown, command: Command) =>
      runCommand(
        command,
        async (session) => {
          const input = assertValid<UpdateCustomTargetInput>(checkUpdateCustomTarget, { status });
          return (await session.services()).customTargets.update(flowTargetId, input);
        },
        (target) => `flow target ${target.status === 'ENABLED' ? 'enabled' : 'disabled'}\n${targetDetails(target)}`,
      ),
    );

  targets
    .command('put-action')
    .description('upload a new script version for one action of a custom target (transactions already running keep theirs)')
    .argument('<flowTargetId>', 'flow target id (ftg_…)')
    .argument('<action>', 'DEPOSIT, WITHDRAW or REFUND')
    .argument('<script>', 'the script file (exports initiate(ctx, sdk))')
    .option('--description <text>', 'new description of the definition')
    .option('--input-schema <file.json>', 'new JSON Schema of executePayload.body')
    .action(
      (
        flowTargetId: string,
        action: string,
        scriptFile: string,
        options: { description?: string; inputSchema?: string },
        command: Command,
      ) =>
        runCommand(
          command,
          async (session) => {
            if (!(actionNames as readonly string[]).includes(action)) {
              throw AppError.validation([{ field: 'action', message: `must be one of: ${actionNames.join(', ')}` }]);
            }
            const input = assertValid<CustomActionInput>(checkActionVersion, {
              script: readScript(scriptFile, 'script'),
              ...(options.description === undefined ? {} : { description: options.description }),
              ...(options.inputSchema === undefined ? {} : { inputSchema: readJson(options.inputSchema, '--input-schema') }),
            });
            return (await session.services()).customTargets.putAction(flowTargetId, action as ActionName, input);
          },
          (target) => {
            const definition = target.actions.find((a) => a.name === action)?.definition;
            const version = definition === null || definition === undefined ? undefined : target.versions[definition.id];
            return `${action} script uploaded as version ${String(version ?? '?')}\n${targetDetails(target)}`;
          },
        ),
    );
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The API's creation body from the options; every file is read (and refused) before the store opens. */
function createInput(options: CreateOptions): Record<string, unknown> {
  const actions: Record<string, Record<string, unknown>> = {};
  const errors: FieldError[] = [];
  for (const action of actionNames) {
    const lower = action.toLowerCase() as 'deposit' | 'withdraw' | 'refund';
    const capitalized = `${lower[0]!.toUpperCase()}${lower.slice(1)}` as 'Deposit' | 'Withdraw' | 'Refund';
    const script = options[lower];
    const description = options[`description${capitalized}`];
    const inputSchema = options[`inputSchema${capitalized}`];
    if (script === undefined) {
      if (description !== undefined || inputSchema !== undefined) {
        errors.push({ field: `--${lower}`, message: `is required with --description-${lower} or --input-schema-${lower}` });
      }
      continue;
    }
    actions[action] = {
      script: readScript(script, `--${lower}`),
      ...(description === undefined ? {} : { description }),
      ...(inputSchema === undefined ? {} : { inputSchema: readJson(inputSchema, `--input-schema-${lower}`) }),
    };
  }
  if (Object.keys(actions).length === 0) errors.push({ field: 'actions', message: 'pass at least one of --deposit, --withdraw, --refund' });
  if (errors.length > 0) throw AppError.validation(errors);
  return {
    name: options.name,
    credentialSchema: readJson(options.credentialSchema, '--credential-schema'),
    allowedHosts: options.allowedHost,
    ...(options.inputSchema === undefined ? {} : { inputSchema: readJson(options.inputSchema, '--input-schema') }),
    ...(options.logo === undefined ? {} : { logo: logoValue(options.logo) }),
    actions,
  };
}

function readScript(path: string, option: string): string {
  const script = readText(path, option);
  // PostgreSQL text cannot hold a NUL; the HTTP API refuses one in its JSON the same way.
  if (script.includes('\u0000')) throw AppError.validation([{ field: option, message: `${path} must not contain NUL characters` }]);
  return script;
}

const imageTypes: Record<string, string> = {
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
};

/** A URL is kept as given; a file becomes a data URL (the API limits its length). */
function logoValue(value: string): string {
  if (/^(https?:\/\/|data:)/i.test(value)) return value;
  const type = imageTypes[extname(value).toLowerCase()];
  if (type === undefined) {
    throw AppError.validation([
      { field: '--logo', message: `must be an http(s) or data: URL, or a file ending in ${Object.keys(imageTypes).join(', ')}` },
    ]);
  }
  return `data:${type};base64,${readFile(value, '--logo').toString('base64')}`;
}

function hostList(hosts: readonly string[]): string {
  return hosts.length === 0 ? '-' : hosts.join(', ');
}

/** A data: logo is shown by its type and size only: it can be tens of kilobytes. */
function logoSummary(logo: string | null): string {
  if (logo === null || !logo.startsWith('data:')) return orDash(logo);
  return `${logo.slice(0, logo.indexOf(',') + 1)}… (${logo.length} characters)`;
}

function targetDetails(target: FlowTargetView): string {
  const rows = target.actions.map((action) => {
    const definition = action.definition;
    return definition === null
      ? [action.name, '-', '-', '-']
      : [action.name, definition.id, String(target.versions[definition.id] ?? '-'), definition.description];
  });
  return [
    fields([
      ['id', target.id],
      ['name', target.name],
      ['status', target.status],
      ['source', target.source],
      ['logo', logoSummary(target.logo)],
      ['allowed hosts', hostList(target.allowedHosts)],
    ]),
    '',
    table(['ACTION', 'DEFINITION', 'VERSION', 'DESCRIPTION'], rows, 'no actions'),
  ].join('\n');
}
