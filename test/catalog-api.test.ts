import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { useEngine } from './helpers/engine.js';
import { assertSuccessEnvelope, client } from './helpers/http.js';
import { spec } from './helpers/spec-examples.js';
import { syncBuiltinCatalog } from '../src/catalog/catalog-sync.js';
import { loadConnectorManifests } from '../src/catalog/manifest.js';
import { ConfigError } from '../src/config.js';
import { storeCases } from './helpers/stores.js';

for (const storeCase of storeCases()) {
  describe(`GET /connxt/v2/flow-types/definitions [${storeCase.kind}]`, () => {
    const api = client(
      () => ctx.t.engine.app,
      () => ctx.t.demoToken,
    );
    const get = (url: string, token?: string | null) => api.get(url, token === undefined ? {} : { token });

    const ctx = useEngine(storeCase);

    it('answers the spec envelope with the PSP flow type and its four gateways', async () => {
      const data = assertSuccessEnvelope(await get('/connxt/v2/flow-types/definitions?type=PSP'));
      assert.deepEqual(Object.keys(data), ['name', 'targets']);
      assert.equal(data.name, 'PSP');
      assert.deepEqual(
        data.targets.map((target: { name: string }) => target.name),
        ['ConnectPSP', 'Cube Pay', 'Paymaxis', 'Sticpay'],
      );
    });

    it('shows Paymaxis field by field as spec/001 does, with the REFUND definition spec/001 lacked', async () => {
      const body = (await get('/connxt/v2/flow-types/definitions?type=PSP')).json();
      const paymaxis = body.data.targets.find((target: { id: string }) => target.id === spec.paymaxis.targetId);
      assert.deepEqual(Object.keys(paymaxis), ['id', 'name', 'logo', 'status', 'credentialSchema', 'inputSchema', 'actions']);
      assert.equal(paymaxis.name, 'Paymaxis');
      assert.match(paymaxis.logo, /^data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+$/);
      assert.equal(paymaxis.status, 'ENABLED');
      assert.equal(paymaxis.credentialSchema.type, 'object');
      assert.deepEqual(paymaxis.credentialSchema.required, ['apiKey']);
      assert.equal(paymaxis.credentialSchema.additionalProperties, false);
      assert.deepEqual(Object.keys(paymaxis.inputSchema), ['paymentMethods', 'countries', 'currencies']);
      for (const list of Object.values(paymaxis.inputSchema) as { type: string; items: { enum: unknown[]; type: string } }[]) {
        assert.equal(list.type, 'array');
        assert.deepEqual(Object.keys(list.items), ['enum', 'type']);
        assert.equal(list.items.type, 'string');
      }
      assert.deepEqual(paymaxis.actions, [
        {
          id: spec.actions.REFUND,
          name: 'REFUND',
          definition: {
            id: spec.paymaxis.refundDefinitionId,
            description: 'SYS-PSP-REFUND-PAYMAXIS',
            inputSchema: paymaxis.actions[0].definition.inputSchema,
          },
        },
        {
          id: spec.actions.WITHDRAW,
          name: 'WITHDRAW',
          definition: {
            id: spec.paymaxis.withdrawDefinitionId,
            description: 'SYS-PSP-WITHDRAW-PAYMAXIS',
            inputSchema: paymaxis.actions[1].definition.inputSchema,
          },
        },
        {
          id: spec.actions.DEPOSIT,
          name: 'DEPOSIT',
          definition: {
            id: spec.paymaxis.depositDefinitionId,
            description: 'SYS-PSP-DEPOSIT-PAYMAXIS',
            inputSchema: paymaxis.actions[2].definition.inputSchema,
          },
        },
      ]);
      assert.equal(paymaxis.actions[2].definition.inputSchema.type, 'object');
    });

    it('gives each gateway the credential fields it needs, and nothing more', async () => {
      const body = (await get('/connxt/v2/flow-types/definitions?type=PSP')).json();
      const schemaOf = (name: string) => body.data.targets.find((target: { name: string }) => target.name === name).credentialSchema;
      const expected: Record<string, { required: string[]; optional: string[] }> = {
        ConnectPSP: { required: ['clientId', 'clientSecret', 'applicationToken', 'cryptoToken'], optional: ['environment'] },
        'Cube Pay': { required: ['apiKey', 'signaturePassword'], optional: ['providerId', 'routingId', 'testMode'] },
        Sticpay: { required: ['merchantEmail', 'apiKey'], optional: ['signType'] },
        Paymaxis: { required: ['apiKey'], optional: ['webhookSecret'] },
      };
      for (const [name, fields] of Object.entries(expected)) {
        const schema = schemaOf(name);
        assert.deepEqual(schema.required, fields.required, name);
        assert.deepEqual(Object.keys(schema.properties).sort(), [...fields.required, ...fields.optional].sort(), name);
        assert.equal(schema.additionalProperties, false, name);
      }
    });

    it('keeps the catalog ids of spec/001 for Sticpay', async () => {
      const body = (await get('/connxt/v2/flow-types/definitions?type=PSP')).json();
      const sticpay = body.data.targets.find((target: { id: string }) => target.id === spec.sticpay.targetId);
      assert.equal(sticpay.name, 'Sticpay');
      const definitionIds = sticpay.actions.map((action: { definition: { id: string } | null }) => action.definition?.id ?? null);
      assert.deepEqual(definitionIds, [spec.sticpay.refundDefinitionId, spec.sticpay.withdrawDefinitionId, spec.sticpay.depositDefinitionId]);
    });

    it('answers 400 / 4001 without type, 404 / 4004 for an unknown type', async () => {
      const missing = await get('/connxt/v2/flow-types/definitions');
      assert.equal(missing.statusCode, 400);
      assert.deepEqual(
        { code: missing.json().code, message: missing.json().message, errors: missing.json().errors },
        { code: '4001', message: 'Validation failed', errors: [{ field: 'type', message: 'is required' }] },
      );
      const unknown = await get('/connxt/v2/flow-types/definitions?type=ROUTING');
      assert.equal(unknown.statusCode, 404);
      assert.equal(unknown.json().code, '4004');
      assert.equal(unknown.json().message, 'Flow type not found');
    });

    it('answers 401 / 4002 without a token and with a wrong one', async () => {
      for (const token of [null, 'sec_AAAAAAAAAAAAAAAAAAAAAAAAAA', 'not-a-token']) {
        const res = await get('/connxt/v2/flow-types/definitions?type=PSP', token);
        assert.equal(res.statusCode, 401, String(token));
        assert.equal(res.json().code, '4002');
        assert.deepEqual(Object.keys(res.json()), ['timestamp', 'code', 'message', 'errors']);
      }
    });

    it('lists every built-in gateway ENABLED with a definition for each action it supports (Cube Pay has no refund)', async () => {
      const targets = (await get('/connxt/v2/flow-types/definitions?type=PSP')).json().data.targets;
      const supported = (name: string) =>
        targets
          .find((x: { name: string }) => x.name === name)
          .actions.filter((a: { definition: unknown }) => a.definition !== null)
          .map((a: { name: string }) => a.name);
      for (const target of targets) assert.equal(target.status, 'ENABLED', target.name);
      assert.deepEqual(supported('ConnectPSP'), ['REFUND', 'WITHDRAW', 'DEPOSIT']);
      assert.deepEqual(supported('Cube Pay'), ['WITHDRAW', 'DEPOSIT']);
      assert.deepEqual(supported('Sticpay'), ['REFUND', 'WITHDRAW', 'DEPOSIT']);
      assert.deepEqual(supported('Paymaxis'), ['REFUND', 'WITHDRAW', 'DEPOSIT']);
    });

    it('stores each builtin script version with its target\'s shared modules, and a change to them is a new version', async () => {
      const { rows } = await ctx.t.db.query<{ definition_id: string; modules: Record<string, string> }>(
        'SELECT definition_id, modules FROM flow_definition_versions WHERE definition_id = $1',
        [spec.paymaxis.depositDefinitionId],
      );
      assert.equal(rows.length, 1);
      assert.match(rows[0]!.modules['./common.js']!, /export /);
      const all = loadConnectorManifests();
      const changed = all.map((m) =>
        m.id === spec.paymaxis.targetId
          ? { ...m, actions: { ...m.actions, DEPOSIT: { ...m.actions.DEPOSIT!, modules: { './common.js': '// changed\n' + m.actions.DEPOSIT!.modules['./common.js'] }, scriptSha256: 'changed' } } }
          : m,
      );
      await syncBuiltinCatalog(ctx.t.db, changed);
      await syncBuiltinCatalog(ctx.t.db, changed);
      const versions = await ctx.t.db.query<{ version: number; modules: Record<string, string> }>(
        'SELECT version, modules FROM flow_definition_versions WHERE definition_id = $1 ORDER BY version',
        [spec.paymaxis.depositDefinitionId],
      );
      assert.deepEqual(versions.rows.map((r) => r.version), [1, 2]);
      assert.match(versions.rows[1]!.modules['./common.js']!, /^\/\/ changed\n/);
      // A manifest's hash covers the modules: the same script with other shared code hashes otherwise.
      const paymaxis = all.find((m) => m.id === spec.paymaxis.targetId)!.actions.DEPOSIT!;
      assert.notEqual(paymaxis.scriptSha256, createHash('sha256').update(paymaxis.script).digest('hex'));
      await syncBuiltinCatalog(ctx.t.db, all);
      await ctx.t.engine.services.catalog.reload();
    });

    it('retires what left connectors/ and brings it back when it returns', async () => {
      const all = loadConnectorManifests();
      const without = all
        .filter((m) => m.id !== spec.paymaxis.targetId)
        .map((m) => (m.id === spec.sticpay.targetId ? { ...m, actions: { DEPOSIT: m.actions.DEPOSIT } } : m));
      await syncBuiltinCatalog(ctx.t.db, without);
      await ctx.t.engine.services.catalog.reload();
      const targets = (await get('/connxt/v2/flow-types/definitions?type=PSP')).json().data.targets;
      const paymaxis = targets.find((x: { id: string }) => x.id === spec.paymaxis.targetId);
      const sticpay = targets.find((x: { id: string }) => x.id === spec.sticpay.targetId);
      assert.equal(paymaxis.status, 'DISABLED');
      assert.equal(sticpay.status, 'ENABLED');
      assert.deepEqual(
        sticpay.actions.map((a: { definition: { id: string } | null }) => a.definition?.id ?? null),
        [null, null, spec.sticpay.depositDefinitionId],
      );

      await syncBuiltinCatalog(ctx.t.db, all);
      await ctx.t.engine.services.catalog.reload();
      const back = (await get('/connxt/v2/flow-types/definitions?type=PSP')).json().data.targets;
      assert.equal(back.find((x: { id: string }) => x.id === spec.paymaxis.targetId).status, 'ENABLED');
      assert.equal(
        back.find((x: { id: string }) => x.id === spec.sticpay.targetId).actions[1].definition.id,
        spec.sticpay.withdrawDefinitionId,
      );
    });

    it('refuses a manifest that gives an action another definition id, with a clear message', async () => {
      const changed = loadConnectorManifests().map((m) =>
        m.id === spec.sticpay.targetId
          ? { ...m, actions: { ...m.actions, DEPOSIT: { ...m.actions.DEPOSIT!, definitionId: 'fld_01jzzzzzzzzzzzzzzzzzzzzzzz' } } }
          : m,
      );
      await assert.rejects(syncBuiltinCatalog(ctx.t.db, changed), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(
          err.message,
          `connector sticpay: DEPOSIT is definition ${spec.sticpay.depositDefinitionId} in the store, the manifest says fld_01jzzzzzzzzzzzzzzzzzzzzzzz; definition ids are permanent`,
        );
        return true;
      });
    });
  });
}
