import type { FastifyError, FastifyInstance } from 'fastify';

/**
 * Paymaxis's error body is not public. Modeled on the rest of its API (every answer carries
 * `status` and `timestamp`, as `{result, status, timestamp}` does) and on a public integration
 * that reads `errors` from a failed call:
 *
 *   {"status": 400, "timestamp": "...", "error": "Bad Request", "message": "...",
 *    "errors": [{"field": "amount", "message": "must be greater than 0"}]}
 *
 * `errors` is present only for field validation failures.
 */
export interface FieldProblem {
  field: string;
  message: string;
}

export interface PaymaxisErrorBody {
  status: number;
  timestamp: string;
  error: string;
  message: string;
  errors?: FieldProblem[];
}

const reasons: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function statusReason(status: number): string {
  return reasons[status] ?? 'Error';
}

export function errorBody(status: number, message: string, now: number, errors?: FieldProblem[]): PaymaxisErrorBody {
  return {
    status,
    timestamp: new Date(now).toISOString(),
    error: statusReason(status),
    message,
    ...(errors !== undefined && errors.length > 0 ? { errors } : {}),
  };
}

/** What a route throws to answer with Paymaxis's error body. */
export class PaymaxisError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: FieldProblem[],
  ) {
    super(message);
    this.name = 'PaymaxisError';
  }

  static badRequest(message: string, errors?: FieldProblem[]): PaymaxisError {
    return new PaymaxisError(400, message, errors);
  }

  static unauthorized(): PaymaxisError {
    return new PaymaxisError(401, 'Full authentication is required: send Authorization: Bearer <shop API key>');
  }

  static notFound(message: string): PaymaxisError {
    return new PaymaxisError(404, message);
  }

  static conflict(message: string): PaymaxisError {
    return new PaymaxisError(409, message);
  }
}

/** Error and not-found handlers of the plugin's scope: every failure answers in Paymaxis's shape. */
export function registerErrorHandlers(app: FastifyInstance, now: () => number): void {
  app.setErrorHandler((err: FastifyError | PaymaxisError, request, reply) => {
    if (err instanceof PaymaxisError) {
      if (err.status === 401) void reply.header('www-authenticate', 'Bearer');
      return reply.code(err.status).send(errorBody(err.status, err.message, now(), err.errors));
    }
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) request.log.error({ err }, 'paymaxis simulator failed');
    return reply.code(status).send(errorBody(status, status === 500 ? 'Internal server error' : err.message, now()));
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(errorBody(404, `No resource at ${request.method} ${request.url.split('?')[0]}`, now()));
  });
}
