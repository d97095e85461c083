import { toApiDateTime } from '../api-time.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import { isTenantId, tenantId } from '../ids.js';
import type { CredentialCipher } from '../psps/credential-cipher.js';
import type { Db } from '../store/db.js';
import { urlProblems, type CreateWebhookEndpointInput, type UpdateWebhookEndpointInput } from './webhook-endpoint-input.js';
import {
  createdWebhookEndpointView,
  webhookEndpointColumns,
  webhookEndpointView,
  type WebhookEndpointRow,
  type WebhookEndpointView,
} from './webhook-endpoint-view.js';
import { generateWebhookSecret, webhookSecretContext } from './webhook-secret.js';

export interface WebhookEndpointServiceDeps {
  db: Db;
  clock: Clock;
  cipher: CredentialCipher;
}

const endpointNotFound = () => AppError.notFound('Webhook endpoint not found');
const environmentNotFound = () => AppError.notFound('Environment not found');

/**
 * Merchant webhook endpoints of an environment: create, list, update, delete, rotate secrets.
 * Every read and write names the environment too, so another environment's endpoint is not found;
 * a deleted endpoint is kept (its delivery log refers to it) but is not found either.
 */
export class WebhookEndpointService {
  readonly #deps: WebhookEndpointServiceDeps;

  constructor(deps: WebhookEndpointServiceDeps) {
    this.#deps = deps;
  }

  /** The signing secret is generated here and answered once; only its sealed form is stored. */
  async create(environmentId: string, input: CreateWebhookEndpointInput): Promise<WebhookEndpointView & { secret: string }> {
    const production = await this.#production(environmentId);
    throwIfProblems(urlProblems(input.url, production));
    const id = tenantId('whe');
    const secret = generateWebhookSecret();
    const sealed = await this.#deps.cipher.sealJson(environmentId, webhookSecretContext(id), secret);
    const now = this.#deps.clock.now();
    const { rows } = await this.#deps.db.query<WebhookEndpointRow>(
      `INSERT INTO webhook_endpoints (id, environment_id, url, description, events, enabled, secret, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $8)
       RETURNING ${webhookEndpointColumns}`,
      [id, environmentId, input.url, input.description ?? null, eventsParam(input.events), input.enabled ?? true, sealed, now],
    );
    return createdWebhookEndpointView(rows[0]!, secret, now);
  }

  async list(environmentId: string): Promise<WebhookEndpointView[]> {
    await this.#production(environmentId);
    const { rows } = await this.#deps.db.query<WebhookEndpointRow>(
      `SELECT ${webhookEndpointColumns} FROM webhook_endpoints
        WHERE environment_id = $1 AND deleted_at IS NULL
        ORDER BY created_at, id`,
      [environmentId],
    );
    const now = this.#deps.clock.now();
    return rows.map((row) => webhookEndpointView(row, now));
  }

  async get(environmentId: string, id: string): Promise<WebhookEndpointView> {
    if (!isTenantId('env', environmentId) || !isTenantId('whe', id)) throw endpointNotFound();
    const { rows } = await this.#deps.db.query<WebhookEndpointRow>(
      `SELECT ${webhookEndpointColumns} FROM webhook_endpoints
        WHERE id = $1 AND environment_id = $2 AND deleted_at IS NULL`,
      [id, environmentId],
    );
    if (rows[0] === undefined) throw endpointNotFound();
    return webhookEndpointView(rows[0], this.#deps.clock.now());
  }

  /** Only the fields present change; `events: null` takes every type again. */
  async update(environmentId: string, id: string, patch: UpdateWebhookEndpointInput): Promise<WebhookEndpointView> {
    if (!isTenantId('env', environmentId) || !isTenantId('whe', id)) throw endpointNotFound();
    if (patch.url !== undefined) throwIfProblems(urlProblems(patch.url, await this.#production(environmentId)));
    const now = this.#deps.clock.now();
    const { rows } = await this.#deps.db.query<WebhookEndpointRow>(
      `UPDATE webhook_endpoints SET
         url = coalesce($3, url),
         events = CASE WHEN $4 THEN $5::jsonb ELSE events END,
         description = CASE WHEN $6 THEN $7 ELSE description END,
         enabled = coalesce($8, enabled),
         updated_at = $9
       WHERE id = $1 AND environment_id = $2 AND deleted_at IS NULL
       RETURNING ${webhookEndpointColumns}`,
      [
        id,
        environmentId,
        patch.url ?? null,
        patch.events !== undefined,
        eventsParam(patch.events),
        patch.description !== undefined,
        patch.description ?? null,
        patch.enabled ?? null,
        now,
      ],
    );
    if (rows[0] === undefined) throw endpointNotFound();
    return webhookEndpointView(rows[0], now);
  }

  /**
   * Soft delete: the row stays for the delivery log, and the deliverer skips it, so deliveries
   * already queued for it are dropped rather than sent.
   */
  async delete(environmentId: string, id: string): Promise<{ id: string; deleted: true }> {
    if (!isTenantId('env', environmentId) || !isTenantId('whe', id)) throw endpointNotFound();
    const { rowCount } = await this.#deps.db.query(
      `UPDATE webhook_endpoints SET deleted_at = $3, updated_at = $3
        WHERE id = $1 AND environment_id = $2 AND deleted_at IS NULL`,
      [id, environmentId, this.#deps.clock.now()],
    );
    if (rowCount === 0) throw endpointNotFound();
    return { id, deleted: true };
  }

  /**
   * A new secret, answered once. The current one becomes the previous one (still sealed) and keeps
   * signing deliveries, as a second v1, until `expiresInSeconds` from now: time for the merchant to
   * deploy the new one. A previous secret from an earlier rotation is dropped.
   */
  async rotateSecret(
    environmentId: string,
    id: string,
    expiresInSeconds: number,
  ): Promise<{ secret: string; previousSecretExpiresAt: string }> {
    await this.get(environmentId, id);
    const secret = generateWebhookSecret();
    const sealed = await this.#deps.cipher.sealJson(environmentId, webhookSecretContext(id), secret);
    const now = this.#deps.clock.now();
    const expiresAt = new Date(now.getTime() + expiresInSeconds * 1000);
    // SET's right-hand sides read the row as it was, so previous_secret gets the old secret.
    const { rows } = await this.#deps.db.query<WebhookEndpointRow>(
      `UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_expires_at = $4, secret = $3, updated_at = $5
        WHERE id = $1 AND environment_id = $2 AND deleted_at IS NULL
        RETURNING ${webhookEndpointColumns}`,
      [id, environmentId, sealed, expiresAt, now],
    );
    if (rows[0] === undefined) throw endpointNotFound();
    return { secret, previousSecretExpiresAt: toApiDateTime(expiresAt) };
  }

  /** Whether the environment is a production one; not found if it does not exist. */
  async #production(environmentId: string): Promise<boolean> {
    if (!isTenantId('env', environmentId)) throw environmentNotFound();
    const { rows } = await this.#deps.db.query<{ production: boolean }>('SELECT production FROM environments WHERE id = $1', [
      environmentId,
    ]);
    if (rows[0] === undefined) throw environmentNotFound();
    return rows[0].production;
  }
}

function eventsParam(events: readonly string[] | null | undefined): string | null {
  return events === undefined || events === null ? null : JSON.stringify(events);
}

function throwIfProblems(problems: { field: string; message: string }[]): void {
  if (problems.length > 0) throw AppError.validation(problems);
}
