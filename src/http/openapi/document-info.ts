import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../paths.js';
import { environmentScopeTag, securitySchemes } from './route-documentation.js';

/** The document's fixed parts: info, servers, tags and security schemes. */

const { version } = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };

const description = `
The Connxt API V2 (\`/connxt/v2\`), as Connxt Engine serves it, and the engine's operator API (\`/admin/v1\`).

**Envelopes.** Every answer is \`{timestamp, code, message, data}\` (\`code\` is the HTTP status as a string), and every error
\`{timestamp, code, message, errors}\` with a Connxt code: 4001 validation (with \`errors: [{field, message}]\`),
4002 authentication, 4003 permission, 4004 not found, 4005 conflict, 1000 server error.

**Authentication.** \`/connxt/v2\` takes an environment's secret token in \`X-SECRET-TOKEN\`; \`/admin/v1\` the operator token
as \`Authorization: Bearer\`. Health, readiness, metrics, this reference and the PSP callbacks are public.

**Retries.** Creating POSTs honour \`Idempotency-Key\`: the same key with the same request replays the first answer.

This document is served at \`/openapi.json\`; \`/docs\` renders it.
`.trim();

export const tags = [
  { name: 'Flow types', description: 'The gateways (flow targets) a flow type offers, with their credential schemas and actions (spec/001 step 1).' },
  { name: 'PSPs', description: 'An environment\'s configured gateways, with their encrypted credentials (spec/001 step 2).' },
  { name: 'Transactions', description: 'Deposits, withdrawals and refunds, their status and history (spec/001 step 3).' },
  { name: 'Callbacks', description: 'Where payers come back and PSPs notify; the URLs are handed to scripts as `ctx.urls.server`.' },
  { name: 'Admin: brands', description: 'Brands and their environments.' },
  { name: 'Admin: environments', description: 'Redirect and webhook URLs, host maps, withdrawal approval limits.' },
  { name: 'Admin: tokens', description: 'Environment secret tokens: create, rotate, revoke.' },
  { name: 'Admin: flow targets', description: 'Custom gateways and their scripts.' },
  { name: 'Admin: webhook endpoints', description: 'Where merchant events are delivered, signed.' },
  { name: 'Admin: merchant events', description: 'The events of transactions and their deliveries.' },
  { name: environmentScopeTag, description: 'The merchant API for operators, acting as one environment.' },
  { name: 'Operations', description: 'Health, readiness and metrics of the process.' },
  { name: 'Reference', description: 'This document.' },
];

export function openApiBase(publicUrl: string | undefined) {
  return {
    openapi: '3.1.0',
    info: { title: 'Connxt Engine API', version, description, license: { name: 'Apache-2.0', identifier: 'Apache-2.0' } },
    ...(publicUrl === undefined ? {} : { servers: [{ url: publicUrl.replace(/\/+$/, ''), description: 'This engine (CONNXT_PUBLIC_URL)' }] }),
    tags,
    components: { securitySchemes },
  };
}
