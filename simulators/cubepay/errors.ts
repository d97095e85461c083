/**
 * Cube Pay's numbered error codes (spec/004, "Gateway specific codes"). They come with HTTP 400.
 * The body's shape is not public: modeled as `{code, message}`, plus `errors: [{field, message}]`
 * when a request field is invalid (004 lists no code for validation, so those use 1025, its
 * generic "try again later" code).
 */
export const errorMessages = {
  1016: 'Credential not found',
  1021: 'Transaction ID is missing',
  1025: 'An error has occurred. Please try again later.',
  1026: 'API Key is missing',
  1027: 'API Key not found',
  1028: 'API Key has expired',
  1039: 'Transaction ID does not exist',
  1076: "You can't change this transaction",
  1089: 'Client Transaction ID is missing',
  1129: "You can't cancel this transaction",
  1229: 'Your Webhook URL is not available at this time',
  1295: 'Your IP is blocked',
} as const;

export type CubePayCode = keyof typeof errorMessages;

export interface FieldProblem {
  field: string;
  message: string;
}

export interface CubePayErrorBody {
  code: CubePayCode;
  message: string;
  errors?: FieldProblem[];
}

/** Thrown by route handlers; the plugin's error handler turns it into the 400 body. */
export class CubePayError extends Error {
  readonly code: CubePayCode;
  readonly errors: FieldProblem[] | undefined;

  constructor(code: CubePayCode, errors?: FieldProblem[]) {
    super(errorMessages[code]);
    this.code = code;
    this.errors = errors && errors.length > 0 ? errors : undefined;
  }

  get body(): CubePayErrorBody {
    return { code: this.code, message: this.message, ...(this.errors ? { errors: this.errors } : {}) };
  }
}

/** A field problem: 1025 with the field named (never its value: it may be a card number). */
export function invalid(errors: FieldProblem[]): CubePayError {
  return new CubePayError(1025, errors);
}

/**
 * The body of an injected 5xx (fault plan) or an unexpected failure. Cube Pay documents no 5xx
 * body; its generic code 1025 is the closest documented answer.
 */
export function serverErrorBody(): CubePayErrorBody {
  return { code: 1025, message: errorMessages[1025] };
}
