import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useEngine } from './helpers/engine.js';
import { assertSuccessEnvelope, client } from './helpers/http.js';
import {
  resourceTimestamp,
  spec,
  specCreatePspBody,
  tenantIdPattern,
} from './helpers/spec-examples.js';
import { storeCases } from './helpers/stores.js';

const sticpayCredentialSchema =
  '{"type":"object","required":["merchantEmail","apiKey"],"properties":{"apiKey":{"type":"string","minLength":1},' +
  '"merchantEmail":{"type":"string","format":"email"},"signType":{"type":"string","enum":["MD5","SHA256"]}},"additionalProperties":false}';

for (const storeCase of storeCases()) {
  describe(`PSP configuration API [${storeCase.kind}]`, () => {
    let other: { brandId: string; environmentId: string; token: string };
    const api = client(
      () => ctx.t.engine.app,
      () => ctx.t.demoToken,
    );
    const createPsp = (overrides: Record<string, unknown> = {}, token?: string) =>
      api.post('/connxt/v2/psps/external', { ...specCreatePspBody(), ...overrides }, token === undefined ? {} : { token });
    const errorsOf = (res: { json(): { errors: unknown } }) => res.json().errors;

    const ctx = useEngine(storeCase);
    before(async () => {
      const brand = await ctx.t.engine.services.tenants.createBrand('Other brand');
      const environment = await ctx.t.engine.services.tenants.createEnvironment(brand.id, { name: 'staging' });
      other = { brandId: brand.id, environmentId: environment.id, token: environment.secretToken };
    });

    it('creates the PSP of spec/001 step 2 and answers field by field as the spec does', async () => {
      const psp = assertSuccessEnvelope(await createPsp());
      assert.deepEqual(Object.keys(psp), [
        'id', 'name', 'description', 'logo', 'credential', 'brandId', 'environmentId', 'flowTargetId', 'status',
        'createdAt', 'updatedAt', 'createdBy', 'updatedBy', 'operations', 'flowTarget',
      ]);
      assert.match(psp.id, tenantIdPattern('psp'));
      const demo = ctx.t.engine.demo!;
      assert.deepEqual(
        { ...psp, id: undefined, createdAt: undefined, updatedAt: undefined },
        {
          id: undefined,
          name: 'Sticpay',
          description: null,
          logo: 'https://example.com/stripe-test.png',
          credential: '***ENCRYPTED***',
          brandId: demo.brandId,
          environmentId: demo.environmentId,
          flowTargetId: spec.sticpay.targetId,
          status: 'ENABLED',
          createdAt: undefined,
          updatedAt: undefined,
          createdBy: demo.environmentId,
          updatedBy: demo.environmentId,
          operations: specCreatePspBody().operations,
          flowTarget: {
            id: spec.sticpay.targetId,
            credentialSchema: sticpayCredentialSchema,
            flowTypeId: spec.flowTypeId,
            currencies: ['USD'],
            countries: [],
            paymentMethods: ['Bank'],
            supportedActions: [
              { flowActionId: spec.actions.REFUND, flowDefinitionId: spec.sticpay.refundDefinitionId, flowActionName: 'REFUND' },
              { flowActionId: spec.actions.WITHDRAW, flowDefinitionId: spec.sticpay.withdrawDefinitionId, flowActionName: 'WITHDRAW' },
              { flowActionId: spec.actions.DEPOSIT, flowDefinitionId: spec.sticpay.depositDefinitionId, flowActionName: 'DEPOSIT' },
            ],
          },
        },
      );
      assert.match(psp.createdAt, resourceTimestamp);
      assert.equal(psp.updatedAt, psp.createdAt);
    });

    it('stores the credential encrypted and bound to its PSP', async () => {
      const psp = (await createPsp({ name: 'Sticpay stored' })).json().data;
      const { rows } = await ctx.t.db.query<{ credential: Buffer }>('SELECT credential FROM psps WHERE id = $1', [psp.id]);
      const stored = rows[0]!.credential;
      assert.ok(Buffer.isBuffer(stored));
      for (const plaintext of ['your_api_key_here', 'merchant@example.com', 'apiKey']) {
        assert.equal(stored.includes(Buffer.from(plaintext)), false, plaintext);
      }
      const cipher = ctx.t.engine.services.cipher;
      const demo = ctx.t.engine.demo!;
      assert.deepEqual(await cipher.decrypt(demo.environmentId, psp.id, stored), {
        merchantEmail: 'merchant@example.com',
        apiKey: 'your_api_key_here',
      });
      // Moved onto another PSP's row, the ciphertext no longer opens.
      await assert.rejects(cipher.decrypt(demo.environmentId, 'psp_someoneElse0000000000000000', stored));
    });

    it('reports every missing field at once', async () => {
      const res = await api.post('/connxt/v2/psps/external', {});
      assert.equal(res.statusCode, 400);
      assert.equal(res.json().code, '4001');
      assert.equal(res.json().message, 'Validation failed');
      assert.deepEqual(new Set(errorsOf(res) as unknown[]), new Set([
        { field: 'name', message: 'is required' },
        { field: 'credential', message: 'is required' },
        { field: 'flowTargetId', message: 'is required' },
        { field: 'operations', message: 'is required' },
      ]));
    });

    it('reports wrong types, blank names and bad logos', async () => {
      const res = await createPsp({ name: '   ', logo: 'javascript:alert(1)', credential: 42, operations: 'DEPOSIT', status: 'ON' });
      assert.equal(res.statusCode, 400);
      assert.deepEqual(new Set(errorsOf(res) as unknown[]), new Set([
        { field: 'name', message: 'must not be blank' },
        { field: 'logo', message: 'must be an http(s) URL or a data:image URI' },
        { field: 'credential', message: 'must be a string' },
        { field: 'operations', message: 'must be an array' },
        { field: 'status', message: 'must be one of: ENABLED, DISABLED' },
      ]));
      assert.equal(ctx.t.logs.text.includes('javascript:alert'), false);
    });

    it('checks the credential against the target credentialSchema, listing every problem', async () => {
      const notJson = await createPsp({ credential: '{apiKey: oops' });
      assert.deepEqual(errorsOf(notJson), [{ field: 'credential', message: 'must be a JSON string of an object' }]);
      const array = await createPsp({ credential: '["a"]' });
      assert.deepEqual(errorsOf(array), [{ field: 'credential', message: 'must be a JSON string of an object' }]);
      const wrong = await createPsp({ credential: '{"apiKey": 12345, "merchantEmail": "not-an-email", "secretSauce": "x"}' });
      assert.deepEqual(new Set(errorsOf(wrong) as unknown[]), new Set([
        { field: 'credential.secretSauce', message: 'is not allowed' },
        { field: 'credential.apiKey', message: 'must be a string' },
        { field: 'credential.merchantEmail', message: 'must be a valid email' },
      ]));
      const missing = await createPsp({ credential: '{"signType": "MD5"}' });
      assert.deepEqual(new Set(errorsOf(missing) as unknown[]), new Set([
        { field: 'credential.merchantEmail', message: 'is required' },
        { field: 'credential.apiKey', message: 'is required' },
      ]));
      // Rejected values never come back: not even the email-shaped one.
      assert.equal(JSON.stringify([notJson.json(), wrong.json()]).includes('not-an-email'), false);
    });

    it('requires an existing, ENABLED flow target', async () => {
      const unknown = await createPsp({ flowTargetId: 'ftg_01jzzzzzzzzzzzzzzzzzzzzzzz' });
      assert.deepEqual(errorsOf(unknown), [{ field: 'flowTargetId', message: 'does not name a flow target' }]);
      await ctx.t.db.query("UPDATE flow_targets SET status = 'DISABLED' WHERE id = $1", [spec.paymaxis.targetId]);
      await ctx.t.engine.services.catalog.reload();
      const disabled = await createPsp({
        flowTargetId: spec.paymaxis.targetId,
        credential: '{"apiKey":"k"}',
        operations: [{ flowActionId: spec.actions.DEPOSIT, flowDefinitionId: spec.paymaxis.depositDefinitionId, status: 'ENABLED' }],
      });
      await ctx.t.db.query("UPDATE flow_targets SET status = 'ENABLED' WHERE id = $1", [spec.paymaxis.targetId]);
      await ctx.t.engine.services.catalog.reload();
      assert.deepEqual(errorsOf(disabled), [{ field: 'flowTargetId', message: 'names a flow target that is DISABLED' }]);
    });

    it('requires each operation to name an action of the target and that action’s definition', async () => {
      const res = await createPsp({
        operations: [
          { flowActionId: spec.actions.DEPOSIT, flowDefinitionId: spec.paymaxis.depositDefinitionId, status: 'ENABLED' },
          { flowActionId: spec.actions.REFUND, flowDefinitionId: 'fld_01jzzzzzzzzzzzzzzzzzzzzzzz', status: 'ENABLED' },
          { flowActionId: 'fat_01jzzzzzzzzzzzzzzzzzzzzzzz', flowDefinitionId: spec.sticpay.depositDefinitionId, status: 'ENABLED' },
          { flowActionId: spec.actions.DEPOSIT, flowDefinitionId: spec.sticpay.depositDefinitionId, status: 'DISABLED' },
        ],
      });
      assert.equal(res.statusCode, 400);
      assert.deepEqual(errorsOf(res), [
        { field: 'operations[0].flowDefinitionId', message: 'is not the DEPOSIT definition of this flow target' },
        { field: 'operations[1].flowDefinitionId', message: 'is not the REFUND definition of this flow target' },
        { field: 'operations[2].flowActionId', message: 'is not an action of this flow target' },
        { field: 'operations[3].flowActionId', message: 'is listed more than once' },
      ]);
      // Cube Pay has no refund (spec/004): its REFUND action has no definition to name.
      const cubePay = await createPsp({
        name: 'Cube Pay refunds',
        flowTargetId: 'ftg_01m7xp29ctm6hyfvykqfs4053n',
        credential: JSON.stringify({ apiKey: 'cube-key', signaturePassword: 'cube-password' }),
        operations: [{ flowActionId: spec.actions.REFUND, flowDefinitionId: 'fld_01jzzzzzzzzzzzzzzzzzzzzzzz', status: 'ENABLED' }],
      });
      assert.deepEqual(errorsOf(cubePay), [{ field: 'operations[0].flowDefinitionId', message: 'REFUND has no definition for this flow target' }]);
      const empty = await createPsp({ operations: [] });
      assert.deepEqual(errorsOf(empty), [{ field: 'operations', message: 'must have at least 1 item(s)' }]);
      const badItem = await createPsp({ operations: [{ flowActionId: spec.actions.DEPOSIT, status: 'MAYBE' }] });
      assert.deepEqual(new Set(errorsOf(badItem) as unknown[]), new Set([
        { field: 'operations[0].flowDefinitionId', message: 'is required' },
        { field: 'operations[0].status', message: 'must be one of: ENABLED, DISABLED' },
      ]));
    });

    it('takes brandId and environmentId from the token, never from the body', async () => {
      const res = await createPsp({ name: 'Sticpay spoof', brandId: other.brandId, environmentId: other.environmentId });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().data.brandId, ctx.t.engine.demo!.brandId);
      assert.equal(res.json().data.environmentId, ctx.t.engine.demo!.environmentId);
    });

    it('answers 409 / 4005 for the same name on the same target in the same environment only', async () => {
      assert.equal((await createPsp({ name: 'Twice' })).statusCode, 200);
      const again = await createPsp({ name: 'Twice' });
      assert.equal(again.statusCode, 409);
      assert.deepEqual(
        { code: again.json().code, message: again.json().message, errors: again.json().errors },
        { code: '4005', message: 'PSP with same name already exists', errors: [] },
      );
      const otherTarget = await createPsp({
        name: 'Twice',
        flowTargetId: spec.paymaxis.targetId,
        credential: '{"apiKey":"k"}',
        operations: [{ flowActionId: spec.actions.DEPOSIT, flowDefinitionId: spec.paymaxis.depositDefinitionId, status: 'ENABLED' }],
      });
      assert.equal(otherTarget.statusCode, 200);
      assert.equal((await createPsp({ name: 'Twice' }, other.token)).statusCode, 200);
    });

    it('lets exactly one of several concurrent identical creates through', async () => {
      const results = await Promise.all(Array.from({ length: 6 }, () => createPsp({ name: 'Race' })));
      assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 409, 409, 409, 409, 409]);
      const { rows } = await ctx.t.db.query("SELECT id FROM psps WHERE name = 'Race'");
      assert.equal(rows.length, 1);
    });

    it('reads a PSP back, and lists newest first with a cursor and filters', async () => {
      const created = (await createPsp({ name: 'Readable' })).json().data;
      const read = await api.get(`/connxt/v2/psps/${created.id}`);
      assert.equal(read.statusCode, 200);
      assert.deepEqual(read.json().data, created);

      const firstPage = (await api.get('/connxt/v2/psps?limit=2')).json().data;
      assert.equal(firstPage.items.length, 2);
      assert.equal(firstPage.items[0].id, created.id);
      const secondPage = (await api.get(`/connxt/v2/psps?limit=2&cursor=${firstPage.nextCursor}`)).json().data;
      const all = (await api.get('/connxt/v2/psps?limit=200')).json().data;
      assert.equal(all.nextCursor, null);
      assert.deepEqual(
        [...firstPage.items, ...secondPage.items].map((p: { id: string }) => p.id),
        all.items.slice(0, 4).map((p: { id: string }) => p.id),
      );
      const paymaxisOnly = (await api.get(`/connxt/v2/psps?flowTargetId=${spec.paymaxis.targetId}`)).json().data;
      assert.ok(paymaxisOnly.items.length >= 1);
      assert.ok(paymaxisOnly.items.every((p: { flowTargetId: string }) => p.flowTargetId === spec.paymaxis.targetId));

      const bad = await api.get('/connxt/v2/psps?limit=0&status=ON&cursor=psp_nope');
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(new Set(errorsOf(bad) as unknown[]), new Set([
        { field: 'limit', message: 'must be an integer from 1 to 200' },
        { field: 'status', message: 'must be one of: ENABLED, DISABLED' },
      ]));
      const badCursor = await api.get('/connxt/v2/psps?cursor=psp_notOneOfOurs000000000000000');
      assert.deepEqual(errorsOf(badCursor), [{ field: 'cursor', message: 'does not name a PSP of this environment' }]);
    });

    it('updates name, status, operations and replaces the credential', async () => {
      const created = (await createPsp({ name: 'Patchable' })).json().data;
      const res = await api.patch(`/connxt/v2/psps/${created.id}`, {
        name: 'Patched',
        status: 'DISABLED',
        description: 'US wallet',
        operations: [{ flowActionId: spec.actions.DEPOSIT, flowDefinitionId: spec.sticpay.depositDefinitionId, status: 'DISABLED' }],
        credential: '{"merchantEmail":"new@example.com","apiKey":"rotated-key","signType":"SHA256"}',
      });
      assert.equal(res.statusCode, 200);
      const patched = res.json().data;
      assert.equal(patched.name, 'Patched');
      assert.equal(patched.status, 'DISABLED');
      assert.equal(patched.description, 'US wallet');
      assert.equal(patched.credential, '***ENCRYPTED***');
      assert.deepEqual(patched.operations, [
        { flowActionId: spec.actions.DEPOSIT, flowDefinitionId: spec.sticpay.depositDefinitionId, status: 'DISABLED' },
      ]);
      assert.equal(patched.createdAt, created.createdAt);
      const { rows } = await ctx.t.db.query<{ credential: Buffer }>('SELECT credential FROM psps WHERE id = $1', [created.id]);
      const cipher = ctx.t.engine.services.cipher;
      assert.deepEqual(await cipher.decrypt(ctx.t.engine.demo!.environmentId, created.id, rows[0]!.credential), {
        merchantEmail: 'new@example.com',
        apiKey: 'rotated-key',
        signType: 'SHA256',
      });
    });

    it('refuses bad updates with the same field errors', async () => {
      const created = (await createPsp({ name: 'Strict' })).json().data;
      const empty = await api.patch(`/connxt/v2/psps/${created.id}`, {});
      const atLeastOne = [{ field: 'body', message: 'must be an object with at least one of: name, description, logo, credential, status, operations' }];
      assert.deepEqual(errorsOf(empty), atLeastOne);
      const ignoredOnly = await api.patch(`/connxt/v2/psps/${created.id}`, { environmentId: 'env_x' });
      assert.deepEqual(errorsOf(ignoredOnly), atLeastOne);
      const retarget = await api.patch(`/connxt/v2/psps/${created.id}`, { flowTargetId: spec.paymaxis.targetId });
      assert.deepEqual(errorsOf(retarget), [
        { field: 'flowTargetId', message: 'cannot be changed; create a new PSP for another flow target' },
      ]);
      const badCredential = await api.patch(`/connxt/v2/psps/${created.id}`, { credential: '{"apiKey":"only"}' });
      assert.deepEqual(errorsOf(badCredential), [{ field: 'credential.merchantEmail', message: 'is required' }]);
      const clash = await api.patch(`/connxt/v2/psps/${created.id}`, { name: 'Sticpay' });
      assert.equal(clash.statusCode, 409);
      assert.equal(clash.json().code, '4005');
    });

    it('keeps environments apart: another environment’s PSP is 404 and never listed', async () => {
      const mine = (await createPsp({ name: 'Private' })).json().data;
      const asOther = { token: other.token };
      const read = await api.get(`/connxt/v2/psps/${mine.id}`, asOther);
      assert.equal(read.statusCode, 404);
      assert.deepEqual({ code: read.json().code, message: read.json().message }, { code: '4004', message: 'PSP not found' });
      assert.equal((await api.patch(`/connxt/v2/psps/${mine.id}`, { status: 'DISABLED' }, asOther)).statusCode, 404);
      const listed = (await api.get('/connxt/v2/psps?limit=200', asOther)).json().data.items;
      assert.ok(listed.every((p: { environmentId: string }) => p.environmentId === other.environmentId));
      assert.equal((await api.get('/connxt/v2/psps/psp_doesNotExist00000000000000')).statusCode, 404);
      // The PSP is untouched.
      assert.equal((await api.get(`/connxt/v2/psps/${mine.id}`)).json().data.status, 'ENABLED');
    });
  });
}

