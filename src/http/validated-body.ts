import type { FastifyRequest } from 'fastify';
import { assertValid, type Validator } from '../validation.js';

/** The request body after `check` found nothing wrong with it; a missing body counts as `{}`. */
export function validatedBody<T>(request: FastifyRequest, check: Validator): T {
  return assertValid<T>(check, request.body ?? {});
}
