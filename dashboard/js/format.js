// How values show: times in the reader's zone, statuses as coloured badges, ids shortened.
import { h } from './dom.js';

/** API times are UTC without a zone ("2026-11-21T07:06:55"); log times carry a Z. */
export function time(value) {
  if (value === null || value === undefined) return '—';
  const date = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

/** As src/transactions/status.ts: a transaction in one of these never moves again. */
export const terminalStatuses = new Set(['SUCCESS', 'FAILED', 'REJECTED', 'ABANDONED', 'COMPLETED', 'CANCELLED']);

export const transactionStatuses = [
  'NEW', 'CREATED', 'INITIATED', 'PG_ACCEPTED', 'PG_REJECTED', 'PG_SUCCESS', 'PG_FAILED', 'SUCCESS', 'FAILED', 'REJECTED',
  'ABANDONED', 'PENDING_FOR_APPROVAL', 'APPROVED', 'COMPLETED', 'CANCELLED',
];

const tone = {
  SUCCESS: 'good', COMPLETED: 'good', ACTIVE: 'good', ENABLED: 'good', DELIVERED: 'good', 'NOT DELIVERED': 'bad',
  FAILED: 'bad', REJECTED: 'bad', PG_REJECTED: 'bad', PG_FAILED: 'bad', ABANDONED: 'muted', CANCELLED: 'muted', REVOKED: 'bad', DISABLED: 'muted', EXPIRED: 'muted',
  PENDING_FOR_APPROVAL: 'warn', EXPIRING: 'warn',
};

export function badge(status) {
  return h(`span.badge.badge-${tone[status] ?? 'info'}`, { 'data-status': status }, status);
}

export function money(amount, currency) {
  return `${amount} ${currency}`;
}

/** A pretty-printed JSON block. */
export function jsonBlock(value) {
  return h('pre.json', {}, JSON.stringify(value, null, 2));
}
