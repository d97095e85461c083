import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { Validator } from '../validation.js';

/** The request body after `check` found nothing wrong with it; a missing body counts as `{}`. */
export function validatedBody<T>(request: FastifyRequest, check: Validator): T {
  const body = request.body ?? {};
  const errors = check(body);
  if (errors.length > 0) throw AppError.validation(errors);
  return body as T;
}
