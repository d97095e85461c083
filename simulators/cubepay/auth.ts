import type { FastifyRequest } from 'fastify';
import type { Account, Accounts } from './accounts.js';
import { CubePayError } from './errors.js';

const accountOf = new WeakMap<FastifyRequest, Account>();

/**
 * 004: every call carries the merchant's key in `X-Api-Key`. Missing → 1026, unknown → 1027,
 * expired → 1028; an account with an IP allowlist refuses other addresses with 1295.
 */
export function apiKeyHook(accounts: Accounts) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers['x-api-key'];
    const apiKey = Array.isArray(header) ? header[0] : header;
    if (apiKey === undefined || apiKey.trim() === '') throw new CubePayError(1026);
    const account = accounts.get(apiKey.trim());
    if (account === undefined) throw new CubePayError(1027);
    if (account.keyExpired) throw new CubePayError(1028);
    if (account.ipAllowlist !== null && !account.ipAllowlist.includes(request.ip)) throw new CubePayError(1295);
    accountOf.set(request, account);
  };
}

/** The account the request's key belongs to; only on routes behind apiKeyHook. */
export function requestAccount(request: FastifyRequest): Account {
  const account = accountOf.get(request);
  if (account === undefined) throw new Error('apiKeyHook did not run for this route');
  return account;
}
