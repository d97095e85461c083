import type { FastifyRequest } from 'fastify';
import type { ShopAccount, ShopAccounts } from './accounts.js';
import { PaymaxisError } from './errors.js';

const shops = new WeakMap<FastifyRequest, ShopAccount>();

/** onRequest hook of the API routes: `Authorization: Bearer <shop API key>`, else 401. */
export function bearerAuth(accounts: ShopAccounts) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    const shop = match === null ? undefined : accounts.byApiKey(match[1]!);
    if (shop === undefined) throw PaymaxisError.unauthorized();
    shops.set(request, shop);
  };
}

/** The shop that authenticated the request (only on routes behind bearerAuth). */
export function shopOf(request: FastifyRequest): ShopAccount {
  const shop = shops.get(request);
  if (shop === undefined) throw PaymaxisError.unauthorized();
  return shop;
}
