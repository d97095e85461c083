import type { FastifyInstance } from 'fastify';
import { shopOf } from './auth.js';
import { type FieldProblem, PaymaxisError } from './errors.js';
import { readPaymentRequest } from './payment-request.js';
import { envelope, paymentResult } from './payment-view.js';
import type { ListFilter, PaymentBook } from './payments.js';

export interface PaymentRoutesDeps {
  book: PaymentBook;
  publicBaseUrl: string;
  now: () => number;
}

/**
 * The gateway API (behind Bearer auth and the fault plan):
 *   POST /api/v1/payments        create a DEPOSIT, WITHDRAWAL or REFUND
 *   GET  /api/v1/payments/{id}   one payment
 *   GET  /api/v1/payments        list, newest first (limit, offset, created.gte/lt, updated.gte/lt)
 */
export function registerPaymentRoutes(app: FastifyInstance, deps: PaymentRoutesDeps): void {
  const { book, publicBaseUrl, now } = deps;

  app.post('/api/v1/payments', async (request) => {
    const payment = book.create(shopOf(request), readPaymentRequest(request));
    return envelope(paymentResult(payment, publicBaseUrl), now());
  });

  app.get('/api/v1/payments/:id', async (request) => {
    const { id } = request.params as { id: string };
    const payment = book.get(shopOf(request), id);
    if (payment === undefined) throw PaymaxisError.notFound(`Payment ${id} not found`);
    return envelope(paymentResult(payment, publicBaseUrl), now());
  });

  app.get('/api/v1/payments', async (request) => {
    const filter = readListQuery(request.query as Record<string, string | string[] | undefined>);
    const { payments, hasMore } = book.list(shopOf(request), filter);
    return envelope(
      payments.map((p) => paymentResult(p, publicBaseUrl)),
      now(),
      { hasMore },
    );
  });
}

/**
 * Query names as Paymaxis's published client sends them: nested ranges with dots
 * (`created.gte=2024-05-01T00:00:00Z&created.lt=...`). `limit` defaults to 50 (max 100, modeled),
 * `offset` to 0.
 */
function readListQuery(query: Record<string, string | string[] | undefined>): ListFilter {
  const problems: FieldProblem[] = [];
  const single = (name: string): string | undefined => {
    const value = query[name];
    return Array.isArray(value) ? value[value.length - 1] : value;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const text = single(name);
    if (text === undefined) return fallback;
    const value = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(value >= min && value <= max)) problems.push({ field: name, message: `must be an integer from ${min} to ${max}` });
    return value;
  };
  const instant = (name: string): number | undefined => {
    const text = single(name);
    if (text === undefined) return undefined;
    const value = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : NaN;
    if (Number.isNaN(value)) problems.push({ field: name, message: 'must be an ISO 8601 date-time' });
    return value;
  };
  const filter: ListFilter = {
    limit: integer('limit', 50, 1, 100),
    offset: integer('offset', 0, 0, 1_000_000),
    createdFrom: instant('created.gte'),
    createdBefore: instant('created.lt'),
    updatedFrom: instant('updated.gte'),
    updatedBefore: instant('updated.lt'),
  };
  if (problems.length > 0) throw PaymaxisError.badRequest('Validation failed', problems);
  return filter;
}
