import type { Command } from 'commander';
import { checkRotateTokens, defaultGraceSeconds } from '../../tenants/tenant-input.js';
import type { TokenView } from '../../tenants/tenant-service.js';
import { environmentOption } from '../environment-scope.js';
import { fields, plural, secretTokenLine, table, time } from '../output.js';
import { runCommand } from '../run-command.js';
import { assertValid } from '../../validation.js';

/** `connxt tokens list|create|rotate|revoke`: the secret tokens of an environment. */
export function registerTokenCommands(program: Command): void {
  const tokens = program.command('tokens').description('manage the secret tokens (X-SECRET-TOKEN) of an environment');

  tokens
    .command('list')
    .description('list the tokens of an environment (their prefixes only: secrets are never stored)')
    .requiredOption(...environmentOption)
    .action((options: { environment: string }, command: Command) =>
      runCommand(
        command,
        async (session) => (await session.services()).tenants.listTokens(options.environment),
        (list) =>
          table(
            ['ID', 'PREFIX', 'STATUS', 'CREATED', 'EXPIRES', 'REVOKED', 'LAST USED'],
            list.map((token) => [
              token.id,
              prefix(token),
              token.status,
              time(token.createdAt),
              time(token.expiresAt),
              time(token.revokedAt),
              time(token.lastUsedAt),
            ]),
            'no tokens',
          ),
      ),
    );

  tokens
    .command('create')
    .description('add a token to an environment (the others keep working); prints it once')
    .requiredOption(...environmentOption)
    .action((options: { environment: string }, command: Command) =>
      runCommand(
        command,
        async (session) => (await session.services()).tenants.createToken(options.environment),
        (token) => `token created\n${tokenFields(token)}\n\n${secretTokenLine(token.secretToken)}`,
      ),
    );

  tokens
    .command('rotate')
    .description('issue a new token and let every live one expire after a grace period; prints the new one once')
    .requiredOption(...environmentOption)
    .option('--grace-seconds <seconds>', `how long the replaced tokens keep working (default ${defaultGraceSeconds})`)
    .action((options: { environment: string; graceSeconds?: string }, command: Command) =>
      runCommand(
        command,
        async (session) => {
          const raw = options.graceSeconds;
          // Digits become a number; anything else goes to the validator as is, which rejects it.
          const graceSeconds = raw === undefined ? undefined : /^-?\d+$/.test(raw) ? Number(raw) : raw;
          const input = assertValid<{ graceSeconds?: number }>(
            checkRotateTokens,
            graceSeconds === undefined ? {} : { graceSeconds },
          );
          const { tenants } = await session.services();
          return tenants.rotateTokens(options.environment, input.graceSeconds ?? defaultGraceSeconds);
        },
        ({ token, expiring }) =>
          [
            'token rotated',
            tokenFields(token),
            '',
            expiring.length === 0
              ? 'no other live token'
              : `${plural(expiring.length, 'older token')} ${expiring.length === 1 ? 'expires' : 'expire'}: ${expiring
                  .map((old) => `${old.id} (${prefix(old)}) at ${time(old.expiresAt)}`)
                  .join(', ')}`,
            '',
            secretTokenLine(token.secretToken),
          ].join('\n'),
      ),
    );

  tokens
    .command('revoke')
    .description('revoke a token at once')
    .requiredOption(...environmentOption)
    .requiredOption('--token <tokenId>', 'token id (tok_…)')
    .action((options: { environment: string; token: string }, command: Command) =>
      runCommand(
        command,
        async (session) => (await session.services()).tenants.revokeToken(options.environment, options.token),
        (token) => `token revoked\n${tokenFields(token)}`,
      ),
    );
}

/** The stored prefix, marked as such so nobody mistakes it for a whole token. */
function prefix(token: TokenView): string {
  return `${token.prefix}...`;
}

function tokenFields(token: TokenView): string {
  return fields([
    ['id', token.id],
    ['environment', token.environmentId],
    ['prefix', prefix(token)],
    ['status', token.status],
    ['created', time(token.createdAt)],
    ['expires', time(token.expiresAt)],
    ['revoked', time(token.revokedAt)],
    ['last used', time(token.lastUsedAt)],
  ]);
}
