import { STATUS_CODES } from 'node:http';
import type { FastifyReply } from 'fastify';

/**
 * ConnectPSP answers errors as RFC 7807 `application/problem+json` with its own `code`
 * (PSP-FACTS.md). The codes named there are used as they are; the few the facts do not name
 * (validation, not found, duplicates, injected faults) are modeled and listed in the README.
 */
export type ProblemCode =
  | 'VALIDATION_ERROR'
  | 'INVALID_CREDENTIALS'
  | 'TOKEN_EXPIRED'
  | 'INVALID_APPLICATION_TOKEN'
  | 'RESOURCE_NOT_FOUND'
  | 'DUPLICATE_EXTERNAL_REFERENCE'
  | 'INVALID_SIGNATURE'
  | 'CASH_IN_NOT_PAID'
  | 'CASH_IN_ALREADY_REFUNDED'
  | 'CASH_IN_EXPIRED'
  | 'CASH_IN_CANCELLED'
  | 'MISSING_END_TO_END_ID'
  | 'INSUFFICIENT_FUNDS'
  | 'INVALID_STATE'
  | 'INTERNAL_ERROR'
  | 'SERVICE_UNAVAILABLE';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
}

/** Thrown by handlers; the simulator's error handler turns it into the problem body. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'Problem';
  }

  body(): ProblemBody {
    return problemBody(this.status, this.code, this.detail);
  }
}

export function problemBody(status: number, code: string, detail: string): ProblemBody {
  return {
    type: `https://docs.connectpsp.com/errors/${code.toLowerCase().replace(/_/g, '-')}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    code,
    detail,
  };
}

/** Codes for statuses a fault plan (`PUT /_sim/faults`) injects; the gateway's own where it has one. */
const injectedCodes: Record<number, string> = {
  400: 'VALIDATION_ERROR',
  401: 'INVALID_CREDENTIALS',
  404: 'RESOURCE_NOT_FOUND',
  409: 'DUPLICATE_EXTERNAL_REFERENCE',
  422: 'INVALID_STATE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

export function injectedProblem(status: number): ProblemBody {
  const code = injectedCodes[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR');
  return problemBody(status, code, status >= 500 ? 'An unexpected error occurred; retry later.' : 'The request was refused.');
}

export const problemContentType = 'application/problem+json; charset=utf-8';

/** Sent as text: the media type is not plain JSON, so Fastify's serializer is not relied on. */
export function sendProblem(reply: FastifyReply, body: ProblemBody): FastifyReply {
  return reply.code(body.status).header('content-type', problemContentType).send(JSON.stringify(body));
}

export const validation = (detail: string): Problem => new Problem(400, 'VALIDATION_ERROR', detail);
