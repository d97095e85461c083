import { centsFromWire } from './money.js';
import { validation } from './problems.js';

/**
 * Reading request bodies field by field, each refusal a 400 VALIDATION_ERROR whose detail names
 * the field, the way a connector author needs it.
 */
export type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export function bodyObject(body: unknown): Json {
  if (!isObject(body)) throw validation('The request body must be a JSON object.');
  return body;
}

export function objectAt(holder: Json, key: string, path: string): Json {
  const value = holder[key];
  if (!isObject(value)) throw validation(`${path} is required and must be an object.`);
  return value;
}

export function optionalObjectAt(holder: Json, key: string, path: string): Json | undefined {
  return holder[key] === undefined || holder[key] === null ? undefined : objectAt(holder, key, path);
}

interface TextRule {
  max?: number;
  pattern?: RegExp;
  /** What the pattern means, for the error detail. */
  hint?: string;
}

export function textAt(holder: Json, key: string, path: string, rule: TextRule = {}): string {
  const value = holder[key];
  if (typeof value !== 'string' || value.trim() === '') throw validation(`${path} is required and must be a non-empty string.`);
  if (rule.max !== undefined && value.length > rule.max) throw validation(`${path} must be at most ${rule.max} characters.`);
  if (rule.pattern !== undefined && !rule.pattern.test(value)) throw validation(`${path} ${rule.hint ?? 'has an invalid format'}.`);
  return value;
}

export function optionalTextAt(holder: Json, key: string, path: string, rule: TextRule = {}): string | undefined {
  return holder[key] === undefined || holder[key] === null ? undefined : textAt(holder, key, path, rule);
}

export function choiceAt<T extends string>(holder: Json, key: string, path: string, choices: readonly T[]): T {
  const value = holder[key];
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw validation(`${path} must be one of ${choices.join(', ')}.`);
  }
  return value as T;
}

export function integerAt(holder: Json, key: string, path: string, min: number, max: number, fallback: number): number {
  const value = holder[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw validation(`${path} must be an integer from ${min} to ${max}.`);
  }
  return value;
}

/** Reais as a JSON number (150.50), as centavos. */
export function amountAt(holder: Json, key: string, path: string): number {
  const cents = centsFromWire(holder[key]);
  if (cents === undefined) throw validation(`${path} must be a positive JSON number of reais with at most two decimals (e.g. 150.50).`);
  return cents;
}

export function optionalHttpUrlAt(holder: Json, key: string, path: string): string | undefined {
  const value = optionalTextAt(holder, key, path, { max: 2048 });
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw validation(`${path} must be an http(s) URL.`);
  return value;
}
