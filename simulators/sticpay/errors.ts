/**
 * Sticpay answers API errors with HTTP 200 and `{success: false, code, message, errors}`; each
 * entry of `errors` is a Spring-style `{field, defaultMessage}`. The numbered codes below are the
 * public ones; 1000 (validation) and 1200 (risk decline, test data) are modeled: Sticpay's own
 * numbers for those are not public.
 */
export const errorCodes = {
  validation: 1000,
  signatureInvalid: 809,
  duplicateOrder: 1300,
  orderNotFound: 1401,
  notRefundable: 1402,
  insufficientBalance: 700,
  insufficientBalanceForRefund: 701,
  riskDeclined: 1200,
} as const;

export interface FieldError {
  field: string;
  defaultMessage: string;
}

export interface SticpayErrorBody {
  success: false;
  code: number;
  message: string;
  errors: FieldError[];
}

/** A refusal of an API request: data, answered by the route as the gateway's error body. */
export class SticpayError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly errors: FieldError[] = [],
    /** Gateway errors are HTTP 200; only framework-level failures (404 route, 5xx) use another status. */
    readonly httpStatus = 200,
  ) {
    super(message);
    this.name = 'SticpayError';
  }

  static validation(errors: FieldError[]): SticpayError {
    return new SticpayError(errorCodes.validation, 'Invalid request parameters', errors);
  }

  static signatureInvalid(): SticpayError {
    return new SticpayError(errorCodes.signatureInvalid, 'Signature is invalid', [{ field: 'sign', defaultMessage: 'signature verification failed' }]);
  }

  static orderNotFound(): SticpayError {
    return new SticpayError(errorCodes.orderNotFound, 'Order not found');
  }

  body(): SticpayErrorBody {
    return { success: false, code: this.code, message: this.message, errors: this.errors };
  }
}

/** The body of an injected fault or an unexpected failure with HTTP `status` (what an upstream proxy or the app would say). */
export function httpErrorBody(status: number): SticpayErrorBody {
  const message = status === 404 ? 'Not Found' : status === 503 ? 'Service Unavailable' : status >= 500 ? 'Internal Server Error' : 'Bad Request';
  return { success: false, code: status, message, errors: [] };
}
