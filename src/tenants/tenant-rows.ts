/** Rows as the store returns them, and the views the API shows. */
import { toApiDateTime, toApiDateTimeOrNull } from '../api-time.js';

export interface BrandRow {
  id: string;
  name: string;
  created_at: Date;
  updated_at: Date;
}

export interface EnvironmentRow {
  id: string;
  brand_id: string;
  name: string;
  production: boolean;
  success_redirect_url: string | null;
  failure_redirect_url: string | null;
  webhook_url: string | null;
  host_map: Record<string, string>;
  withdrawal_auto_approve_limits: Record<string, string>;
  created_at: Date;
  updated_at: Date;
}

export interface TokenRow {
  id: string;
  environment_id: string;
  prefix: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export const environmentColumns =
  'id, brand_id, name, production, success_redirect_url, failure_redirect_url, webhook_url, host_map, ' +
  'withdrawal_auto_approve_limits, created_at, updated_at';
export const tokenColumns = 'id, environment_id, prefix, created_at, expires_at, revoked_at, last_used_at';

export function brandView(row: BrandRow) {
  return { id: row.id, name: row.name, createdAt: toApiDateTime(row.created_at), updatedAt: toApiDateTime(row.updated_at) };
}

export function environmentView(row: EnvironmentRow) {
  return {
    id: row.id,
    brandId: row.brand_id,
    name: row.name,
    production: row.production,
    successRedirectUrl: row.success_redirect_url,
    failureRedirectUrl: row.failure_redirect_url,
    webhookUrl: row.webhook_url,
    hostMap: row.host_map,
    withdrawalAutoApproveLimits: row.withdrawal_auto_approve_limits,
    createdAt: toApiDateTime(row.created_at),
    updatedAt: toApiDateTime(row.updated_at),
  };
}

export type TokenStatus = 'ACTIVE' | 'EXPIRING' | 'EXPIRED' | 'REVOKED';

export function tokenStatus(row: Pick<TokenRow, 'expires_at' | 'revoked_at'>, now: Date): TokenStatus {
  if (row.revoked_at !== null) return 'REVOKED';
  if (row.expires_at === null) return 'ACTIVE';
  return row.expires_at.getTime() > now.getTime() ? 'EXPIRING' : 'EXPIRED';
}

export function tokenView(row: TokenRow, now: Date) {
  return {
    id: row.id,
    environmentId: row.environment_id,
    prefix: row.prefix,
    status: tokenStatus(row, now),
    createdAt: toApiDateTime(row.created_at),
    expiresAt: toApiDateTimeOrNull(row.expires_at),
    revokedAt: toApiDateTimeOrNull(row.revoked_at),
    lastUsedAt: toApiDateTimeOrNull(row.last_used_at),
  };
}
