import type { Clock } from '../clock.js';
import type { DataKeyring } from '../crypto/data-keys.js';
import { AppError, pgErrorCode, pgErrorCodes } from '../errors.js';
import { isTenantId, tenantId } from '../ids.js';
import type { Db, Queryable } from '../store/db.js';
import { normalizeApprovalLimits } from '../transactions/approval-limits.js';
import { generateSecretToken } from './secret-token.js';
import { operatorTokenId, type TenantContext } from './token-authenticator.js';
import {
  brandView,
  environmentColumns,
  environmentView,
  tokenColumns,
  tokenView,
  type BrandRow,
  type EnvironmentRow,
  type TokenRow,
} from './tenant-rows.js';

export interface TenantServiceDeps {
  db: Db;
  keyring: DataKeyring;
  clock: Clock;
  /** Called when a token stops being valid, so authentication caches drop it at once. */
  onTokenInvalidated?: (tokenId: string) => void;
}

export interface EnvironmentSettings {
  successRedirectUrl?: string | null;
  failureRedirectUrl?: string | null;
  webhookUrl?: string | null;
  /** Currency → amount below which a withdrawal needs no operator approval (approval-limits.ts). */
  withdrawalAutoApproveLimits?: Record<string, string>;
}

export interface NewEnvironment extends EnvironmentSettings {
  name: string;
  production?: boolean;
}

export type BrandView = ReturnType<typeof brandView>;
export type EnvironmentView = ReturnType<typeof environmentView>;
export type TokenView = ReturnType<typeof tokenView>;

/** Brands, environments and their secret tokens; the admin API and the CLI both call this. */
export class TenantService {
  readonly #deps: TenantServiceDeps;

  constructor(deps: TenantServiceDeps) {
    this.#deps = deps;
  }

  async createBrand(name: string, q: Queryable = this.#deps.db): Promise<BrandView> {
    const { rows } = await q.query<BrandRow>(
      'INSERT INTO brands (id, name) VALUES ($1, $2) RETURNING id, name, created_at, updated_at',
      [tenantId('brn'), name],
    );
    return brandView(rows[0]!);
  }

  async listBrands(): Promise<BrandView[]> {
    const { rows } = await this.#deps.db.query<BrandRow>(
      'SELECT id, name, created_at, updated_at FROM brands ORDER BY created_at, id',
    );
    return rows.map(brandView);
  }

  async getBrand(id: string): Promise<BrandView> {
    if (!isTenantId('brn', id)) throw AppError.notFound('Brand not found');
    const { rows } = await this.#deps.db.query<BrandRow>(
      'SELECT id, name, created_at, updated_at FROM brands WHERE id = $1',
      [id],
    );
    if (rows[0] === undefined) throw AppError.notFound('Brand not found');
    return brandView(rows[0]);
  }

  /** Creates the environment with its data key and first secret token in one statement. */
  async createEnvironment(
    brandId: string,
    input: NewEnvironment,
    q: Queryable = this.#deps.db,
  ): Promise<EnvironmentView & { secretToken: string }> {
    if (!isTenantId('brn', brandId)) throw AppError.notFound('Brand not found');
    const limits = checkedLimits(input.withdrawalAutoApproveLimits) ?? {};
    const id = tenantId('env');
    const token = generateSecretToken();
    try {
      const { rows } = await q.query<EnvironmentRow>(
        `WITH env AS (
           INSERT INTO environments
             (id, brand_id, name, production, success_redirect_url, failure_redirect_url, webhook_url, data_key,
              withdrawal_auto_approve_limits)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $12::jsonb)
           RETURNING ${environmentColumns}
         ), first_token AS (
           INSERT INTO secret_tokens (id, environment_id, token_hash, prefix)
           SELECT $9, id, $10, $11 FROM env
         )
         SELECT ${environmentColumns} FROM env`,
        [
          id,
          brandId,
          input.name,
          input.production ?? false,
          input.successRedirectUrl ?? null,
          input.failureRedirectUrl ?? null,
          input.webhookUrl ?? null,
          this.#deps.keyring.newWrappedKey(id),
          tenantId('tok'),
          token.hash,
          token.prefix,
          JSON.stringify(limits),
        ],
      );
      return { ...environmentView(rows[0]!), secretToken: token.token };
    } catch (err) {
      if (pgErrorCode(err) === pgErrorCodes.foreignKeyViolation) throw AppError.notFound('Brand not found');
      if (pgErrorCode(err) === pgErrorCodes.uniqueViolation) {
        throw AppError.conflict('An environment with this name already exists in this brand');
      }
      throw err;
    }
  }

  async listEnvironments(brandId: string): Promise<EnvironmentView[]> {
    await this.getBrand(brandId);
    const { rows } = await this.#deps.db.query<EnvironmentRow>(
      `SELECT ${environmentColumns} FROM environments WHERE brand_id = $1 ORDER BY created_at, id`,
      [brandId],
    );
    return rows.map(environmentView);
  }

  async getEnvironment(id: string): Promise<EnvironmentView> {
    if (!isTenantId('env', id)) throw AppError.notFound('Environment not found');
    const { rows } = await this.#deps.db.query<EnvironmentRow>(
      `SELECT ${environmentColumns} FROM environments WHERE id = $1`,
      [id],
    );
    if (rows[0] === undefined) throw AppError.notFound('Environment not found');
    return environmentView(rows[0]);
  }

  /**
   * What an operator acting on an environment (admin API, dashboard, CLI) is, in place of a secret
   * token: the same brand and environment a token of it would yield, so every tenant check applies.
   */
  async operatorContext(environmentId: string): Promise<TenantContext> {
    const environment = await this.getEnvironment(environmentId);
    return { brandId: environment.brandId, environmentId: environment.id, tokenId: operatorTokenId, production: environment.production };
  }

  /** Only the settings present in `patch` change; `null` clears one. */
  async updateEnvironment(
    id: string,
    patch: EnvironmentSettings & { name?: string; hostMap?: Record<string, string> },
  ): Promise<EnvironmentView> {
    if (!isTenantId('env', id)) throw AppError.notFound('Environment not found');
    const limits = checkedLimits(patch.withdrawalAutoApproveLimits);
    // Production is fixed at creation, so checking it first cannot race with a change of it.
    if (patch.hostMap !== undefined && Object.keys(patch.hostMap).length > 0 && (await this.getEnvironment(id)).production) {
      throw AppError.validation([{ field: 'hostMap', message: 'is not allowed on a production environment' }]);
    }
    try {
      const { rows } = await this.#deps.db.query<EnvironmentRow>(
        `UPDATE environments SET
           name = CASE WHEN $2 THEN $3 ELSE name END,
           success_redirect_url = CASE WHEN $4 THEN $5 ELSE success_redirect_url END,
           failure_redirect_url = CASE WHEN $6 THEN $7 ELSE failure_redirect_url END,
           webhook_url = CASE WHEN $8 THEN $9 ELSE webhook_url END,
           host_map = coalesce($10::jsonb, host_map),
           withdrawal_auto_approve_limits = coalesce($11::jsonb, withdrawal_auto_approve_limits),
           updated_at = now()
         WHERE id = $1
         RETURNING ${environmentColumns}`,
        [
          id,
          patch.name !== undefined,
          patch.name ?? null,
          patch.successRedirectUrl !== undefined,
          patch.successRedirectUrl ?? null,
          patch.failureRedirectUrl !== undefined,
          patch.failureRedirectUrl ?? null,
          patch.webhookUrl !== undefined,
          patch.webhookUrl ?? null,
          patch.hostMap === undefined ? null : JSON.stringify(normalizeHostMap(patch.hostMap)),
          limits === undefined ? null : JSON.stringify(limits),
        ],
      );
      if (rows[0] === undefined) throw AppError.notFound('Environment not found');
      return environmentView(rows[0]);
    } catch (err) {
      if (pgErrorCode(err) === pgErrorCodes.uniqueViolation) {
        throw AppError.conflict('An environment with this name already exists in this brand');
      }
      throw err;
    }
  }

  async listTokens(environmentId: string): Promise<TokenView[]> {
    await this.getEnvironment(environmentId);
    const { rows } = await this.#deps.db.query<TokenRow>(
      `SELECT ${tokenColumns} FROM secret_tokens WHERE environment_id = $1 ORDER BY created_at, id`,
      [environmentId],
    );
    const now = this.#deps.clock.now();
    return rows.map((row) => tokenView(row, now));
  }

  /** An additional live token; the existing ones keep working. */
  async createToken(environmentId: string): Promise<TokenView & { secretToken: string }> {
    if (!isTenantId('env', environmentId)) throw AppError.notFound('Environment not found');
    const token = generateSecretToken();
    const { rows } = await this.#deps.db.query<TokenRow>(
      `INSERT INTO secret_tokens (id, environment_id, token_hash, prefix)
       SELECT $1, id, $3, $4 FROM environments WHERE id = $2
       RETURNING ${tokenColumns}`,
      [tenantId('tok'), environmentId, token.hash, token.prefix],
    );
    if (rows[0] === undefined) throw AppError.notFound('Environment not found');
    return { ...tokenView(rows[0], this.#deps.clock.now()), secretToken: token.token };
  }

  /**
   * Issues a new token and lets every live one expire after `graceSeconds`, so clients can switch
   * over without an outage. One statement: the update and the insert see the same snapshot, so the
   * new token is not among the ones set to expire.
   */
  async rotateTokens(
    environmentId: string,
    graceSeconds: number,
  ): Promise<{ token: TokenView & { secretToken: string }; expiring: TokenView[] }> {
    if (!isTenantId('env', environmentId)) throw AppError.notFound('Environment not found');
    const now = this.#deps.clock.now();
    const expiresAt = new Date(now.getTime() + graceSeconds * 1000);
    const token = generateSecretToken();
    const { rows } = await this.#deps.db.query<TokenRow & { is_new: boolean }>(
      `WITH env AS (
         SELECT id FROM environments WHERE id = $1
       ), expiring AS (
         UPDATE secret_tokens SET expires_at = LEAST(COALESCE(expires_at, $5::timestamptz), $5::timestamptz)
         WHERE environment_id IN (SELECT id FROM env) AND revoked_at IS NULL
           AND (expires_at IS NULL OR expires_at > $6::timestamptz)
         RETURNING ${tokenColumns}
       ), fresh AS (
         INSERT INTO secret_tokens (id, environment_id, token_hash, prefix)
         SELECT $2, id, $3, $4 FROM env
         RETURNING ${tokenColumns}
       )
       SELECT ${tokenColumns}, true AS is_new FROM fresh
       UNION ALL
       SELECT ${tokenColumns}, false AS is_new FROM expiring`,
      [environmentId, tenantId('tok'), token.hash, token.prefix, expiresAt, now],
    );
    const fresh = rows.find((row) => row.is_new);
    if (fresh === undefined) throw AppError.notFound('Environment not found');
    const expiring = rows.filter((row) => !row.is_new);
    for (const row of expiring) this.#deps.onTokenInvalidated?.(row.id);
    return {
      token: { ...tokenView(fresh, now), secretToken: token.token },
      expiring: expiring.map((row) => tokenView(row, now)),
    };
  }

  /** Revokes at once; revoking a revoked token changes nothing. */
  async revokeToken(environmentId: string, tokenId: string): Promise<TokenView> {
    if (!isTenantId('env', environmentId) || !isTenantId('tok', tokenId)) throw AppError.notFound('Token not found');
    const now = this.#deps.clock.now();
    const { rows } = await this.#deps.db.query<TokenRow>(
      `UPDATE secret_tokens SET revoked_at = COALESCE(revoked_at, $3)
       WHERE id = $1 AND environment_id = $2
       RETURNING ${tokenColumns}`,
      [tokenId, environmentId, now],
    );
    if (rows[0] === undefined) throw AppError.notFound('Token not found');
    this.#deps.onTokenInvalidated?.(tokenId);
    return tokenView(rows[0], now);
  }
}

/** Each limit at its currency's precision; a 4001 naming the currency when one is not an amount of it. */
function checkedLimits(limits: Record<string, string> | undefined): Record<string, string> | undefined {
  if (limits === undefined) return undefined;
  const checked = normalizeApprovalLimits(limits);
  if (checked.errors.length > 0) throw AppError.validation(checked.errors);
  return checked.limits;
}

/** Origins compare lower-case, without a trailing slash on the base, as sdk.http matches them. */
function normalizeHostMap(hostMap: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(hostMap).map(([origin, base]) => [origin.toLowerCase(), base.replace(/\/+$/, '')]));
}
