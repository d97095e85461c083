import type { Command } from 'commander';
import { AppError, type FieldError } from '../../errors.js';
import { isObject } from '../../psps/psp-input.js';
import type { PspView } from '../../psps/psp-view.js';
import { environmentOption, openEnvironment } from '../environment-scope.js';
import { readJson } from '../files.js';
import { choiceOption, limitOption, throwIfErrors, withOptionNames } from '../options.js';
import { fields, nextPage, orDash, table, time } from '../output.js';
import { runCommand } from '../run-command.js';

const statuses = ['ENABLED', 'DISABLED'] as const;

interface ListOptions {
  environment: string;
  flowTarget?: string;
  status?: string;
  limit?: string;
  cursor?: string;
}

/**
 * `connxt psps list|get|create|update --environment <id>`: the merchant API's /psps, as an operator
 * acting on one environment. The credential goes in from a file and never comes out.
 */
export function registerPspCommands(program: Command): void {
  const psps = program.command('psps').description('manage the PSPs (gateway accounts with their credentials) of an environment');

  psps
    .command('list')
    .description('list the PSPs of an environment, newest first')
    .requiredOption(...environmentOption)
    .option('--flow-target <flowTargetId>', 'only the PSPs of this flow target (ftg_…)')
    .option('--status <status>', 'ENABLED or DISABLED')
    .option('--limit <n>', 'page size, 1 to 200 (default 50)')
    .option('--cursor <pspId>', 'the nextCursor of the previous page')
    .action((options: ListOptions, command: Command) =>
      runCommand(
        command,
        async (session) => {
          const errors: FieldError[] = [];
          const query = {
            limit: limitOption(options.limit, errors),
            status: choiceOption(options.status, '--status', statuses, errors),
            flowTargetId: options.flowTarget,
            cursor: options.cursor,
          };
          throwIfErrors(errors);
          const { services, tenant } = await openEnvironment(session, options.environment);
          return withOptionNames({ flowTargetId: '--flow-target', cursor: '--cursor' }, () => services.psps.list(tenant, query));
        },
        ({ items, nextCursor }) =>
          [
            table(
              ['ID', 'NAME', 'STATUS', 'FLOW TARGET', 'ACTIONS', 'CREATED'],
              items.map((psp) => [psp.id, psp.name, psp.status, psp.flowTargetId, actionSummary(psp), time(psp.createdAt)]),
              'no PSPs',
            ),
            ...nextPage(nextCursor),
          ].join('\n'),
      ),
    );

  psps
    .command('get')
    .description('show one PSP (its credential stays encrypted)')
    .argument('<pspId>', 'PSP id (psp_…)')
    .requiredOption(...environmentOption)
    .action((pspId: string, options: { environment: string }, command: Command) =>
      runCommand(
        command,
        async (session) => {
          const { services, tenant } = await openEnvironment(session, options.environment);
          return services.psps.get(tenant, pspId);
        },
        pspDetails,
      ),
    );

  psps
    .command('create')
    .description('configure a PSP from a JSON file: the body of POST /connxt/v2/psps/external')
    .requiredOption(...environmentOption)
    .requiredOption('--file <psp.json>', 'name, flowTargetId, credential (an object, or a JSON string of one as in the API), operations; optionally description, logo, status')
    .action((options: { environment: string; file: string }, command: Command) =>
      runCommand(
        command,
        async (session) => {
          const body = credentialAsString(readJson(options.file, '--file'));
          const { services, tenant } = await openEnvironment(session, options.environment);
          return services.psps.create(tenant, body);
        },
        (psp) => `PSP created\n${pspDetails(psp)}`,
      ),
    );

  psps
    .command('update')
    .description('switch a PSP on or off, or replace its credential')
    .argument('<pspId>', 'PSP id (psp_…)')
    .requiredOption(...environmentOption)
    .option('--status <status>', 'ENABLED or DISABLED')
    .option('--credential-file <credential.json>', 'the new credential: a JSON object that satisfies the flow target’s credentialSchema')
    .action((pspId: string, options: { environment: string; status?: string; credentialFile?: string }, command: Command) =>
      runCommand(
        command,
        async (session) => {
          const errors: FieldError[] = [];
          const status = choiceOption(options.status, '--status', statuses, errors);
          throwIfErrors(errors);
          const patch = {
            ...(status === undefined ? {} : { status }),
            ...(options.credentialFile === undefined ? {} : { credential: credentialFrom(options.credentialFile) }),
          };
          if (Object.keys(patch).length === 0) {
            throw AppError.validation([{ field: 'options', message: 'pass at least one of --status, --credential-file' }], 'Nothing to update');
          }
          const { services, tenant } = await openEnvironment(session, options.environment);
          return services.psps.update(tenant, pspId, patch);
        },
        (psp) => `PSP updated${options.credentialFile === undefined ? '' : ' (credential replaced)'}\n${pspDetails(psp)}`,
      ),
    );
}

/** The API body wants the credential as a JSON string; a file may hold it as the object it is. */
function credentialAsString(body: unknown): unknown {
  if (!isObject(body) || !isObject(body.credential)) return body;
  return { ...body, credential: JSON.stringify(body.credential) };
}

/**
 * The API takes the credential as a JSON string of an object; the file holds the object itself
 * (or, as in the API body, that string). Its content is never echoed, in errors either.
 */
function credentialFrom(path: string): string {
  const value = readJson(path, '--credential-file');
  if (typeof value === 'string') return value;
  if (isObject(value)) return JSON.stringify(value);
  throw AppError.validation([{ field: '--credential-file', message: `${path} must hold a JSON object (the credential)` }]);
}

function actionSummary(psp: PspView): string {
  const names = new Map(psp.flowTarget?.supportedActions.map((a) => [a.flowActionId, a.flowActionName]) ?? []);
  return psp.operations.map((op) => `${names.get(op.flowActionId) ?? op.flowActionId}${op.status === 'ENABLED' ? '' : ' (off)'}`).join(', ') || '-';
}

function pspDetails(psp: PspView): string {
  const names = new Map(psp.flowTarget?.supportedActions.map((a) => [a.flowActionId, a.flowActionName]) ?? []);
  return [
    fields([
      ['id', psp.id],
      ['name', psp.name],
      ['status', psp.status],
      ['environment', psp.environmentId],
      ['flow target', psp.flowTargetId],
      ['description', orDash(psp.description)],
      ['credential', psp.credential],
      ['created', time(psp.createdAt)],
      ['updated', time(psp.updatedAt)],
    ]),
    '',
    table(
      ['ACTION', 'DEFINITION', 'STATUS'],
      psp.operations.map((op) => [names.get(op.flowActionId) ?? op.flowActionId, op.flowDefinitionId, op.status]),
      'no operations',
    ),
  ].join('\n');
}
