import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redactor } from '../src/flows/redaction.js';
import { adminToken, useEngine } from './helpers/engine.js';
import { FakePsp } from './helpers/fake-psp.js';
import { assertErrorEnvelope, assertSuccessEnvelope, client, type Response } from './helpers/http.js';
import { spec } from './helpers/spec-examples.js';
import { storeCases } from './helpers/stores.js';
import { depositBody, setUpTestGateway, testCredential, testGatewayHandler, testGatewayScript, type TestGateway } from './helpers/test-gateway.js';

// Gateways added at run time through /admin/v1/flow-targets: checked before they are stored,
// versioned per script upload, switched off and on by operators.

const ftgPattern = /^ftg_[0-9a-hjkmnp-tv-z]{26}$/;
const fldPattern = /^fld_[0-9a-hjkmnp-tv-z]{26}$/;
const createdMessage = 'Resource created successfully';

const minimalScript = 'export async function initiate(ctx, sdk) {\n  return sdk.response.failure("not yet", 400);\n}\n';
const withdrawScript = 'export async function initiate(ctx, sdk) {\n  return sdk.response.success({ status: "PENDING" });\n}\n';

const credentialSchema = {
  type: 'object',
  required: ['apiKey'],
  properties: { apiKey: { type: 'string', minLength: 1 }, region: { type: 'string', enum: ['eu', 'us'] } },
  additionalProperties: false,
};
const targetInputSchema = {
  paymentMethods: { type: 'array', items: { enum: ['CARD'], type: 'string' } },
  countries: { type: 'array', items: { enum: ['DE', 'FR'], type: 'string' } },
  currencies: { type: 'array', items: { enum: ['EUR'], type: 'string' } },
};
const depositInputSchema = { type: 'object', required: ['customer'], properties: { customer: { type: 'object' } } };

/** A valid creation body; `overrides` replace top-level fields. */
function targetBody(name: string, overrides: Record<string, unknown> = {}) {
  return {
    name,
    credentialSchema,
    allowedHosts: ['psp.test'],
    actions: { DEPOSIT: { script: minimalScript } },
    ...overrides,
  };
}

interface TargetView {
  id: string;
  name: string;
  logo: string | null;
  status: string;
  credentialSchema: unknown;
  inputSchema: unknown;
  actions: { id: string; name: string; definition: { id: string; description: string; inputSchema: unknown } | null }[];
  source: string;
  allowedHosts: string[];
  versions: Record<string, number>;
}

function definitionOf(target: TargetView, action: 'DEPOSIT' | 'WITHDRAW' | 'REFUND') {
  return target.actions.find((a) => a.name === action)!.definition;
}

for (const storeCase of storeCases()) {
  describe(`admin flow targets API [${storeCase.kind}]`, () => {
    const ctx = useEngine(storeCase, { sandbox: { timeoutMs: 3_000 } });
    // The demo token is kept: a restarted engine no longer reports it.
    let tenantToken = '';
    const api = client(
      () => ctx.t.engine.app,
      () => tenantToken,
    );
    const admin = { admin: adminToken, token: null } as const;
    const createTarget = (body: unknown) => api.post('/admin/v1/flow-targets', body, admin);
    const putAction = (id: string, action: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${adminToken}` }) =>
      ctx.t.engine.app.inject({
        method: 'PUT',
        url: `/admin/v1/flow-targets/${id}/actions/${action}`,
        headers: { ...headers, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
    const tenantTargets = async (): Promise<Record<string, unknown>[]> =>
      assertSuccessEnvelope(await api.get('/connxt/v2/flow-types/definitions?type=PSP')).targets;
    const customTargetCount = async (name: string) =>
      Number((await ctx.t.db.query<{ n: string }>('SELECT count(*) AS n FROM flow_targets WHERE name = $1', [name])).rows[0]!.n);
    const expectValidation = (res: Response, errors: { field: string; message: string | RegExp }[]) => {
      const body = assertErrorEnvelope(res, 400, '4001');
      assert.equal(body.message, 'Validation failed');
      assert.equal(body.errors.length, errors.length, JSON.stringify(body.errors));
      errors.forEach((expected, i) => {
        assert.equal(body.errors[i]!.field, expected.field);
        if (typeof expected.message === 'string') assert.equal(body.errors[i]!.message, expected.message);
        else assert.match(body.errors[i]!.message, expected.message);
      });
    };

    const psp = new FakePsp(testGatewayHandler);
    let gateway: TestGateway;

    before(async () => {
      tenantToken = ctx.t.demoToken!;
      await psp.start();
      gateway = await setUpTestGateway(ctx.t.engine.app, tenantToken, ctx.t.engine.demo!.environmentId, psp);
    });
    after(() => psp.stop());

    let acme: TargetView;

    it('creates a custom target and answers it in the definitions format, with its hosts and versions', async () => {
      const res = await createTarget({
        name: '  Acme Pay  ',
        logo: 'https://acme.example/logo.svg',
        credentialSchema,
        inputSchema: targetInputSchema,
        allowedHosts: ['api.acme-pay.example', 'sandbox.acme-pay.example:8443'],
        actions: {
          DEPOSIT: { script: minimalScript, description: 'Acme card deposit', inputSchema: depositInputSchema },
          WITHDRAW: { script: withdrawScript },
        },
      });
      const data = assertSuccessEnvelope(res, 201, createdMessage) as TargetView;
      assert.deepEqual(Object.keys(data), [
        'id', 'name', 'logo', 'status', 'credentialSchema', 'inputSchema', 'actions', 'source', 'allowedHosts', 'versions',
      ]);
      assert.match(data.id, ftgPattern);
      const deposit = definitionOf(data, 'DEPOSIT')!;
      const withdraw = definitionOf(data, 'WITHDRAW')!;
      assert.match(deposit.id, fldPattern);
      assert.match(withdraw.id, fldPattern);
      assert.notEqual(deposit.id, withdraw.id);
      assert.deepEqual(data, {
        id: data.id,
        name: 'Acme Pay',
        logo: 'https://acme.example/logo.svg',
        status: 'ENABLED',
        credentialSchema,
        inputSchema: targetInputSchema,
        actions: [
          { id: spec.actions.REFUND, name: 'REFUND', definition: null },
          { id: spec.actions.WITHDRAW, name: 'WITHDRAW', definition: { id: withdraw.id, description: 'WITHDRAW script', inputSchema: { type: 'object' } } },
          { id: spec.actions.DEPOSIT, name: 'DEPOSIT', definition: { id: deposit.id, description: 'Acme card deposit', inputSchema: depositInputSchema } },
        ],
        source: 'custom',
        allowedHosts: ['api.acme-pay.example', 'sandbox.acme-pay.example:8443'],
        versions: { [deposit.id]: 1, [withdraw.id]: 1 },
      });
      acme = data;

      // GET adds the script each action runs now (and the shared modules it was built with).
      const { scripts, ...shown } = assertSuccessEnvelope(await api.get(`/admin/v1/flow-targets/${data.id}`, admin));
      assert.deepEqual(shown, data);
      assert.deepEqual(scripts, {
        DEPOSIT: { definitionId: deposit.id, version: 1, script: minimalScript, modules: {} },
        WITHDRAW: { definitionId: withdraw.id, version: 1, script: withdrawScript, modules: {} },
      });

      const stored = await ctx.t.db.query<{ version: number; script: string; script_sha256: string }>(
        'SELECT version, script, script_sha256 FROM flow_definition_versions WHERE definition_id = $1',
        [deposit.id],
      );
      assert.deepEqual(stored.rows, [{ version: 1, script: minimalScript, script_sha256: createHash('sha256').update(minimalScript).digest('hex') }]);
    });

    it('lists it among the operators’ targets and shows it to tenants in GET /flow-types/definitions', async () => {
      const list = assertSuccessEnvelope(await api.get('/admin/v1/flow-targets', admin)) as { id: string }[];
      assert.deepEqual(
        list.find((t) => t.id === acme.id),
        { id: acme.id, name: 'Acme Pay', status: 'ENABLED', source: 'custom', allowedHosts: ['api.acme-pay.example', 'sandbox.acme-pay.example:8443'] },
      );
      assert.deepEqual(
        list.find((t) => t.id === spec.sticpay.targetId),
        { id: spec.sticpay.targetId, name: 'Sticpay', status: 'ENABLED', source: 'builtin', allowedHosts: ['api.sticpay.com'] },
      );
      assert.deepEqual(
        list.map((t) => t.id),
        list.map((t) => t.id).sort(),
      );

      const targets = await tenantTargets();
      const { source, allowedHosts, versions, ...definitionsView } = acme;
      assert.deepEqual([source, allowedHosts.length, Object.keys(versions).length], ['custom', 2, 2]);
      assert.deepEqual(
        targets.find((t) => t.id === acme.id),
        definitionsView,
      );
      assert.deepEqual(
        targets.map((t) => t.name),
        ['Acme Pay', 'ConnectPSP', 'Cube Pay', 'Paymaxis', 'Sticpay', 'Test Gateway'],
      );
    });

    it('refuses a second target with the same name (after trimming) with 409', async () => {
      for (const name of ['Acme Pay', ' Acme Pay ', 'Sticpay']) {
        const body = assertErrorEnvelope(await createTarget(targetBody(name)), 409, '4005');
        assert.equal(body.message, 'A flow target with this name already exists');
      }
      assert.equal(await customTargetCount('Acme Pay'), 1);
    });

    it('refuses a script that does not compile, with the compiler’s message, and stores nothing', async () => {
      const syntax = await createTarget(targetBody('Broken Syntax', { actions: { DEPOSIT: { script: 'export async function initiate(ctx, sdk) {\n  return {;\n}\n' } } }));
      expectValidation(syntax, [{ field: 'actions.DEPOSIT.script', message: /^does not compile: SyntaxError: .+/ }]);
      assert.equal(await customTargetCount('Broken Syntax'), 0);

      const throwsAtLoad = await createTarget(targetBody('Broken Top', { actions: { DEPOSIT: { script: `throw new Error("boom at load");\n${minimalScript}` } } }));
      expectValidation(throwsAtLoad, [{ field: 'actions.DEPOSIT.script', message: /^does not compile: .*boom at load/ }]);
    });

    it('refuses a script without initiate', async () => {
      const script = 'export async function status(ctx, sdk) {\n  return sdk.response.success({ status: "SUCCESS" });\n}\n';
      const res = await createTarget(targetBody('No Initiate', { actions: { DEPOSIT: { script } } }));
      expectValidation(res, [{ field: 'actions.DEPOSIT.script', message: 'must export an async function initiate(ctx, sdk)' }]);
      // initiate must be a function, not any export of that name
      const notAFunction = await createTarget(targetBody('No Initiate', { actions: { DEPOSIT: { script: 'export const initiate = 42;\n' } } }));
      expectValidation(notAFunction, [{ field: 'actions.DEPOSIT.script', message: 'must export an async function initiate(ctx, sdk)' }]);
      assert.equal(await customTargetCount('No Initiate'), 0);
    });

    it('refuses a script importing a Node module', async () => {
      for (const specifier of ['node:fs', 'fs', 'node:child_process']) {
        const script = `import * as m from "${specifier}";\n${minimalScript}`;
        const res = await createTarget(targetBody('Imports', { actions: { DEPOSIT: { script } } }));
        expectValidation(res, [{ field: 'actions.DEPOSIT.script', message: `does not compile: import of "${specifier}" is not available in the sandbox` }]);
      }
      assert.equal(await customTargetCount('Imports'), 0);
    });

    it('refuses the whole target when one of its actions is broken, and names that action', async () => {
      const res = await createTarget(
        targetBody('Half Broken', { actions: { DEPOSIT: { script: minimalScript }, WITHDRAW: { script: 'export async function initiate( {' } } }),
      );
      expectValidation(res, [{ field: 'actions.WITHDRAW.script', message: /^does not compile: SyntaxError: / }]);
      assert.equal(await customTargetCount('Half Broken'), 0);
      // nothing half-stored blocks the name
      assertSuccessEnvelope(await createTarget(targetBody('Half Broken')), 201, createdMessage);
    });

    it('stops a script whose top level never ends at the check’s time limit', async () => {
      const started = Date.now();
      const res = await createTarget(targetBody('Spins', { actions: { DEPOSIT: { script: `while (true) {}\n${minimalScript}` } } }));
      expectValidation(res, [{ field: 'actions.DEPOSIT.script', message: /^does not compile: .*time limit/ }]);
      assert.ok(Date.now() - started < 10_000);
    });

    it('refuses an invalid credentialSchema', async () => {
      const notAnObjectSchema = await createTarget(targetBody('Bad Credential', { credentialSchema: { type: 'string', properties: {} } }));
      expectValidation(notAnObjectSchema, [{ field: 'credentialSchema.type', message: 'must be equal to constant' }]);
      const notAnObject = await createTarget(targetBody('Bad Credential', { credentialSchema: '{"type":"object"}' }));
      expectValidation(notAnObject, [{ field: 'credentialSchema', message: 'must be an object' }]);
      const noProperties = await createTarget(targetBody('Bad Credential', { credentialSchema: { type: 'object' } }));
      expectValidation(noProperties, [{ field: 'credentialSchema.properties', message: 'is required' }]);
      const badKeyword = await createTarget(
        targetBody('Bad Credential', { credentialSchema: { type: 'object', properties: { apiKey: { type: 'text' } } } }),
      );
      expectValidation(badKeyword, [{ field: 'credentialSchema', message: /^is not a valid JSON Schema: / }]);
      const badInput = await createTarget(
        targetBody('Bad Credential', { actions: { DEPOSIT: { script: minimalScript, inputSchema: { type: 'object', required: 'customer' } } } }),
      );
      expectValidation(badInput, [{ field: 'actions.DEPOSIT.inputSchema', message: /^is not a valid JSON Schema: / }]);
      assert.equal(await customTargetCount('Bad Credential'), 0);
    });

    it('refuses a schema declaring an $id (the catalog could not compile it twice) but allows a property named $id', async () => {
      const withId = { type: 'object', $id: 'https://acme.example/credential', properties: { apiKey: { type: 'string' } } };
      for (let i = 0; i < 2; i++) {
        expectValidation(await createTarget(targetBody('With Id', { credentialSchema: withId })), [{ field: 'credentialSchema', message: 'must not declare an $id' }]);
      }
      const nested = { type: 'object', properties: { apiKey: { $id: 'https://acme.example/key', type: 'string' } } };
      expectValidation(await createTarget(targetBody('With Id', { credentialSchema: nested })), [{ field: 'credentialSchema', message: 'must not declare an $id' }]);
      const inputWithId = { $id: 'https://acme.example/input', type: 'object' };
      expectValidation(
        await createTarget(targetBody('With Id', { actions: { DEPOSIT: { script: minimalScript, inputSchema: inputWithId } } })),
        [{ field: 'actions.DEPOSIT.inputSchema', message: 'must not declare an $id' }],
      );
      expectValidation(await putAction(acme.id, 'DEPOSIT', { script: minimalScript, inputSchema: inputWithId }), [
        { field: 'inputSchema', message: 'must not declare an $id' },
      ]);

      const propertyNamedId = { type: 'object', properties: { $id: { type: 'string' } } };
      const created = assertSuccessEnvelope(await createTarget(targetBody('Property Id', { credentialSchema: propertyNamedId })), 201, createdMessage);
      // a PSP can be configured on it: the catalog compiles its schema again
      const deposit = definitionOf(created, 'DEPOSIT')!;
      const pspRes = await api.post('/connxt/v2/psps/external', {
        name: 'Property Id PSP',
        credential: JSON.stringify({ $id: 'merchant-1' }),
        flowTargetId: created.id,
        operations: [{ flowActionId: spec.actions.DEPOSIT, flowDefinitionId: deposit.id, status: 'ENABLED' }],
      });
      assertSuccessEnvelope(pspRes);
    });

    it('refuses bad allowedHosts entries', async () => {
      const res = await createTarget(targetBody('Bad Hosts', { allowedHosts: ['psp.test', 'http://x', 'a b', 'PSP.TEST', 'host:123456'] }));
      expectValidation(res, [
        { field: 'allowedHosts[1]', message: 'has an invalid format' },
        { field: 'allowedHosts[2]', message: 'has an invalid format' },
        { field: 'allowedHosts[3]', message: 'has an invalid format' },
        { field: 'allowedHosts[4]', message: 'has an invalid format' },
      ]);
      const notAList = await createTarget(targetBody('Bad Hosts', { allowedHosts: 'psp.test' }));
      expectValidation(notAList, [{ field: 'allowedHosts', message: 'must be an array' }]);
      const duplicates = await createTarget(targetBody('Bad Hosts', { allowedHosts: ['psp.test', 'psp.test'] }));
      expectValidation(duplicates, [{ field: 'allowedHosts', message: /\S/ }]);
      const patch = await api.patch(`/admin/v1/flow-targets/${acme.id}`, { allowedHosts: ['https://api.acme-pay.example'] }, admin);
      expectValidation(patch, [{ field: 'allowedHosts[0]', message: 'has an invalid format' }]);
      assert.equal(await customTargetCount('Bad Hosts'), 0);
    });

    it('refuses bodies of the wrong shape', async () => {
      expectValidation(await createTarget(targetBody('Shape', { actions: {} })), [{ field: 'actions', message: 'must have at least 1 field(s)' }]);
      expectValidation(await createTarget(targetBody('Shape', { actions: { CAPTURE: { script: minimalScript } } })), [
        { field: 'actions.CAPTURE', message: 'is not allowed' },
      ]);
      expectValidation(await createTarget(targetBody('Shape', { actions: { DEPOSIT: { script: '' } } })), [
        { field: 'actions.DEPOSIT.script', message: 'must not be empty' },
      ]);
      expectValidation(await createTarget(targetBody('   ')), [{ field: 'name', message: 'must not be blank' }]);
      expectValidation(await createTarget(targetBody('Shape', { source: 'builtin' })), [{ field: 'source', message: 'is not allowed' }]);
      expectValidation(await api.patch(`/admin/v1/flow-targets/${acme.id}`, {}, admin), [{ field: 'body', message: 'must have at least 1 field(s)' }]);
      expectValidation(await api.patch(`/admin/v1/flow-targets/${acme.id}`, { status: 'PAUSED' }, admin), [
        { field: 'status', message: 'must be one of: ENABLED, DISABLED' },
      ]);
      expectValidation(await putAction(acme.id, 'DEPOSIT', { description: 'no script' }), [{ field: 'script', message: 'is required' }]);
      assert.equal(await customTargetCount('Shape'), 0);
    });

    it('answers 401 without the admin token, on every route, and changes nothing', async () => {
      const wrong = { admin: 'not-the-admin-token-0123456789abcdef', token: null };
      const tenantOnly = { token: tenantToken };
      for (const options of [{ token: null }, wrong, tenantOnly]) {
        assertErrorEnvelope(await api.get('/admin/v1/flow-targets', options), 401, '4002');
        assertErrorEnvelope(await api.get(`/admin/v1/flow-targets/${acme.id}`, options), 401, '4002');
        assertErrorEnvelope(await api.post('/admin/v1/flow-targets', targetBody('Sneaky'), options), 401, '4002');
        assertErrorEnvelope(await api.patch(`/admin/v1/flow-targets/${acme.id}`, { status: 'DISABLED' }, options), 401, '4002');
      }
      const putHeaders: Record<string, string>[] = [{}, { authorization: 'Bearer not-the-admin-token-0123456789abcdef' }, { 'x-secret-token': tenantToken }];
      for (const headers of putHeaders) {
        assertErrorEnvelope(await putAction(acme.id, 'DEPOSIT', { script: minimalScript }, headers), 401, '4002');
      }
      assert.equal(await customTargetCount('Sneaky'), 0);
      const { scripts: _scripts, ...current } = assertSuccessEnvelope(await api.get(`/admin/v1/flow-targets/${acme.id}`, admin));
      assert.deepEqual(current, acme);
    });

    it('runs a new DEPOSIT version only for transactions created after it; earlier ones keep version 1', async () => {
      const first = assertSuccessEnvelope(await api.post('/connxt/v2/transactions', depositBody(gateway, { scenario: 'redirect' })), 200, 'Transaction created successfully');
      assert.equal(first.status, 'PG_ACCEPTED');
      assert.equal(first.data.data.navigation.value, `https://pay.psp.test/checkout/pg_${first.txnId}`);

      const v2Script = testGatewayScript
        .replace('value: res.data.redirectUrl }', 'value: res.data.redirectUrl + "?v=2" }')
        .replace('pspTxnId: res.data.id });', 'pspTxnId: "v2:" + res.data.id });');
      assert.equal(v2Script.split('"?v=2"').length, 2, 'the v2 script changes the navigation URL');
      assert.equal(v2Script.split('"v2:"').length, 2, 'the v2 script changes the status step');

      const uploaded = assertSuccessEnvelope(await putAction(gateway.targetId, 'DEPOSIT', { script: v2Script })) as TargetView;
      assert.deepEqual(uploaded.versions, { [gateway.depositDefinitionId]: 2 });
      assert.equal(definitionOf(uploaded, 'DEPOSIT')!.id, gateway.depositDefinitionId, 'the definition id never changes');
      assert.equal(definitionOf(uploaded, 'DEPOSIT')!.description, 'TEST-DEPOSIT', 'kept when the upload names none');
      assert.deepEqual(assertSuccessEnvelope(await api.get(`/admin/v1/flow-targets/${gateway.targetId}`, admin)).versions, {
        [gateway.depositDefinitionId]: 2,
      });
      const versions = await ctx.t.db.query<{ version: number; script: string }>(
        'SELECT version, script FROM flow_definition_versions WHERE definition_id = $1 ORDER BY version',
        [gateway.depositDefinitionId],
      );
      assert.deepEqual(versions.rows, [
        { version: 1, script: testGatewayScript },
        { version: 2, script: v2Script },
      ]);

      const second = assertSuccessEnvelope(await api.post('/connxt/v2/transactions', depositBody(gateway, { scenario: 'redirect' })), 200, 'Transaction created successfully');
      assert.equal(second.status, 'PG_ACCEPTED');
      assert.equal(second.data.data.navigation.value, `https://pay.psp.test/checkout/pg_${second.txnId}?v=2`);

      const pinned = await ctx.t.db.query<{ id: string; flow_definition_id: string; definition_version: number }>(
        'SELECT id, flow_definition_id, definition_version FROM transactions WHERE id = ANY($1::text[]) ORDER BY definition_version',
        [[first.txnId, second.txnId]],
      );
      assert.deepEqual(pinned.rows, [
        { id: first.txnId, flow_definition_id: gateway.depositDefinitionId, definition_version: 1 },
        { id: second.txnId, flow_definition_id: gateway.depositDefinitionId, definition_version: 2 },
      ]);
      const steps = await ctx.t.db.query<{ transaction_id: string; definition_version: number }>(
        `SELECT transaction_id, definition_version FROM transaction_step_runs WHERE transaction_id = ANY($1::text[]) AND step = 'initiate'`,
        [[first.txnId, second.txnId]],
      );
      assert.deepEqual(
        steps.rows.map((r) => [r.transaction_id, r.definition_version]).sort((a, b) => Number(a[1]) - Number(b[1])),
        [
          [first.txnId, 1],
          [second.txnId, 2],
        ],
      );

      // A later step of the first transaction runs the version it pinned, not the newest one.
      const stored = assertSuccessEnvelope(await api.get(`/connxt/v2/transactions/${first.txnId}`));
      assert.equal(stored.definitionVersion, 1);
      const stepPsp = {
        credential: testCredential,
        allowedHosts: ['psp.test'],
        hostMap: { 'https://psp.test': psp.origin },
        successRedirectUrl: null,
        failureRedirectUrl: null,
        redactor: Redactor.fromCredential(testCredential),
      };
      const stepTransaction = (txn: { txnId: string; definitionVersion: number }) => ({
        id: txn.txnId,
        action: 'DEPOSIT',
        amount: '200.00',
        currency: 'USD',
        orderId: null,
        customerId: null,
        pspTxnId: null,
        flowDefinitionId: gateway.depositDefinitionId,
        definitionVersion: txn.definitionVersion,
        flowTargetId: gateway.targetId,
      });
      const executor = ctx.t.engine.services.executor;
      const v1Status = await executor.run('status', stepTransaction(stored), stepPsp, {});
      const v2Status = await executor.run('status', stepTransaction({ txnId: second.txnId, definitionVersion: 2 }), stepPsp, {});
      assert.equal(v1Status.ok, true, JSON.stringify(v1Status.failure));
      assert.equal(v2Status.ok, true, JSON.stringify(v2Status.failure));
      assert.equal(JSON.stringify(v1Status.value).includes('v2:'), false, JSON.stringify(v1Status.value));
      assert.equal(JSON.stringify(v2Status.value).includes('"v2:pg_'), true, JSON.stringify(v2Status.value));
    });

    it('keeps the version when an upload is refused, and adds a first definition for a new action', async () => {
      expectValidation(await putAction(gateway.targetId, 'DEPOSIT', { script: 'export async function initiate( {' }), [
        { field: 'script', message: /^does not compile: SyntaxError: / },
      ]);
      expectValidation(await putAction(gateway.targetId, 'DEPOSIT', { script: 'import fs from "node:fs";\nexport async function initiate() {}\n' }), [
        { field: 'script', message: 'does not compile: import of "node:fs" is not available in the sandbox' },
      ]);
      expectValidation(await putAction(gateway.targetId, 'DEPOSIT', { script: 'export async function status() {}\n' }), [
        { field: 'script', message: 'must export an async function initiate(ctx, sdk)' },
      ]);
      let target = assertSuccessEnvelope(await api.get(`/admin/v1/flow-targets/${gateway.targetId}`, admin)) as TargetView;
      assert.deepEqual(target.versions, { [gateway.depositDefinitionId]: 2 });

      target = assertSuccessEnvelope(
        await putAction(gateway.targetId, 'REFUND', { script: minimalScript, description: 'Test refund', inputSchema: { type: 'object', required: ['reason'] } }),
      ) as TargetView;
      const refund = definitionOf(target, 'REFUND')!;
      assert.match(refund.id, fldPattern);
      assert.deepEqual(refund, { id: refund.id, description: 'Test refund', inputSchema: { type: 'object', required: ['reason'] } });
      assert.deepEqual(target.versions, { [gateway.depositDefinitionId]: 2, [refund.id]: 1 });

      // a description and inputSchema sent with a new version replace the definition's
      target = assertSuccessEnvelope(await putAction(gateway.targetId, 'REFUND', { script: withdrawScript, description: 'Test refund v2' })) as TargetView;
      assert.deepEqual(definitionOf(target, 'REFUND'), { id: refund.id, description: 'Test refund v2', inputSchema: { type: 'object', required: ['reason'] } });
      assert.deepEqual(target.versions, { [gateway.depositDefinitionId]: 2, [refund.id]: 2 });
      const tenantView = (await tenantTargets()).find((t) => t.id === gateway.targetId) as unknown as TargetView;
      assert.deepEqual(definitionOf(tenantView, 'REFUND'), definitionOf(target, 'REFUND'));

      assertErrorEnvelope(await putAction(gateway.targetId, 'CAPTURE', { script: minimalScript }), 404, '4004');
      assertErrorEnvelope(await putAction(gateway.targetId, 'deposit', { script: minimalScript }), 404, '4004');
    });

    it('PATCH status DISABLED switches a custom target off for transactions and PSPs; ENABLED switches it back on', async () => {
      const disabled = assertSuccessEnvelope(await api.patch(`/admin/v1/flow-targets/${gateway.targetId}`, { status: 'DISABLED' }, admin));
      assert.equal(disabled.status, 'DISABLED');
      assert.equal((await tenantTargets()).find((t) => t.id === gateway.targetId)!.status, 'DISABLED');

      const refused = assertErrorEnvelope(await api.post('/connxt/v2/transactions', depositBody(gateway)), 400, '4001');
      assert.deepEqual(refused.errors, [{ field: 'flowTargetId', message: 'is disabled' }]);
      const pspRefused = await api.post('/connxt/v2/psps/external', {
        name: 'Late PSP',
        credential: JSON.stringify(testCredential),
        flowTargetId: gateway.targetId,
        operations: [{ flowActionId: spec.actions.DEPOSIT, flowDefinitionId: gateway.depositDefinitionId, status: 'ENABLED' }],
      });
      assert.deepEqual(assertErrorEnvelope(pspRefused, 400, '4001').errors, [{ field: 'flowTargetId', message: 'names a flow target that is DISABLED' }]);

      const enabled = assertSuccessEnvelope(await api.patch(`/admin/v1/flow-targets/${gateway.targetId}`, { status: 'ENABLED' }, admin));
      assert.equal(enabled.status, 'ENABLED');
      const created = assertSuccessEnvelope(await api.post('/connxt/v2/transactions', depositBody(gateway, { scenario: 'success' })), 200, 'Transaction created successfully');
      assert.equal(created.status, 'SUCCESS');
    });

    it('PATCH changes the logo and allowedHosts of a custom target; null clears the logo', async () => {
      const patched = assertSuccessEnvelope(
        await api.patch(`/admin/v1/flow-targets/${acme.id}`, { logo: 'https://acme.example/new.svg', allowedHosts: ['api.acme-pay.example'] }, admin),
      ) as TargetView;
      assert.deepEqual([patched.logo, patched.allowedHosts, patched.status], ['https://acme.example/new.svg', ['api.acme-pay.example'], 'ENABLED']);
      const cleared = assertSuccessEnvelope(await api.patch(`/admin/v1/flow-targets/${acme.id}`, { logo: null }, admin)) as TargetView;
      assert.deepEqual([cleared.logo, cleared.allowedHosts], [null, ['api.acme-pay.example']]);
      const { scripts: _scripts, ...shown } = assertSuccessEnvelope(await api.get(`/admin/v1/flow-targets/${acme.id}`, admin));
      assert.deepEqual(shown, cleared);
    });

    it('switches a builtin target off and on, keeps the switch over a restart, and changes nothing else of it', async () => {
      const sticpay = spec.sticpay.targetId;
      const disabled = assertSuccessEnvelope(await api.patch(`/admin/v1/flow-targets/${sticpay}`, { status: 'DISABLED' }, admin)) as TargetView;
      assert.deepEqual([disabled.id, disabled.status, disabled.source], [sticpay, 'DISABLED', 'builtin']);
      assert.equal((await tenantTargets()).find((t) => t.id === sticpay)!.status, 'DISABLED');

      const hosts = assertErrorEnvelope(await api.patch(`/admin/v1/flow-targets/${sticpay}`, { allowedHosts: ['evil.example'] }, admin), 409, '4005');
      assert.equal(hosts.message, 'A builtin flow target is defined by connectors/; only its status can be changed here');
      assertErrorEnvelope(await api.patch(`/admin/v1/flow-targets/${sticpay}`, { status: 'ENABLED', logo: 'https://evil.example/x.png' }, admin), 409, '4005');
      const put = assertErrorEnvelope(await putAction(sticpay, 'DEPOSIT', { script: minimalScript }), 409, '4005');
      assert.equal(put.message, 'A builtin flow target is defined by connectors/; change its scripts there');
      // the refused PATCH above did not apply its status either
      const afterRefusals = assertSuccessEnvelope(await api.get(`/admin/v1/flow-targets/${sticpay}`, admin)) as TargetView;
      assert.deepEqual([afterRefusals.status, afterRefusals.allowedHosts], ['DISABLED', ['api.sticpay.com']]);
      assert.deepEqual(afterRefusals.versions, {
        [spec.sticpay.depositDefinitionId]: 1,
        [spec.sticpay.withdrawDefinitionId]: 1,
        [spec.sticpay.refundDefinitionId]: 1,
      });

      // connectors/ says ENABLED at every start; the operator's switch wins
      await ctx.restart();
      assert.equal((await tenantTargets()).find((t) => t.id === sticpay)!.status, 'DISABLED');

      const enabled = assertSuccessEnvelope(await api.patch(`/admin/v1/flow-targets/${sticpay}`, { status: 'ENABLED' }, admin)) as TargetView;
      assert.equal(enabled.status, 'ENABLED');
      assert.equal((await tenantTargets()).find((t) => t.id === sticpay)!.status, 'ENABLED');
    });

    it('answers 404 4004 for an unknown target, whatever its id looks like', async () => {
      for (const id of ['ftg_01jt2ctt8veh48mkpcx2bdeaaa', 'ftg_nope', 'fld_01jt2cyyskeh48mkpkf3y9z6j3', 'nope']) {
        assert.equal(assertErrorEnvelope(await api.get(`/admin/v1/flow-targets/${id}`, admin), 404, '4004').message, 'Flow target not found');
        assertErrorEnvelope(await api.patch(`/admin/v1/flow-targets/${id}`, { status: 'DISABLED' }, admin), 404, '4004');
        assertErrorEnvelope(await putAction(id, 'DEPOSIT', { script: minimalScript }), 404, '4004');
      }
    });
  });
}
