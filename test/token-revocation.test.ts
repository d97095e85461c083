import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Db, Queryable } from '../src/store/db.js';
import { TokenAuthenticator } from '../src/tenants/token-authenticator.js';
import { createLogger } from '../src/logger.js';
import { systemClock } from '../src/clock.js';
import { useEngine } from './helpers/engine.js';
import { storeCases } from './helpers/stores.js';

/** The same store, with the token lookup held back until `release()`: a request in flight. */
function withSlowTokenLookup(db: Db) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const slow: Db = {
    ...db,
    async query<Row>(sql: string, params?: readonly unknown[]) {
      if (sql.includes('FROM secret_tokens t JOIN environments')) {
        const result = await db.query<Row>(sql, params);
        await gate;
        return result;
      }
      return db.query<Row>(sql, params);
    },
  };
  return { slow: slow as Db & Queryable, release };
}

for (const storeCase of storeCases()) {
  describe(`token revocation [${storeCase.kind}]`, () => {
    const ctx = useEngine(storeCase);

    it('is immediate in this process even for a lookup that was already running', async () => {
      const { tenants, db } = ctx.t.engine.services;
      const brand = await tenants.createBrand('Racy');
      const env = await tenants.createEnvironment(brand.id, { name: 'prod' });
      const { slow, release } = withSlowTokenLookup(db);
      const authenticator = new TokenAuthenticator({ db: slow, clock: systemClock, logger: createLogger('silent') });
      const [tokenRow] = await tenants.listTokens(env.id);

      const inFlight = authenticator.authenticate(env.secretToken);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await tenants.revokeToken(env.id, tokenRow!.id);
      authenticator.forgetToken(tokenRow!.id);
      release();
      // The request that started before the revocation may finish; nothing after it may pass.
      await inFlight;
      assert.equal(await authenticator.authenticate(env.secretToken), undefined);
      await authenticator.flush();
    });
  });
}
