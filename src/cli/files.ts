import { readFileSync } from 'node:fs';
import { AppError } from '../errors.js';
import { parseJsonBody } from '../http/json-body.js';

// Files named on the command line are read before any store is opened, and refused the way the
// HTTP API refuses a request body: an operator's typo costs no store lock and no migration.

/** The file's bytes; a file that cannot be read is a validation error naming the option. */
export function readFile(path: string, option: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    throw AppError.validation([{ field: option, message: `cannot read ${path}: ${reason}` }], `Cannot read ${path}`);
  }
}

/** UTF-8 text without a byte order mark. */
export function readText(path: string, option: string): string {
  return readFile(path, option).toString('utf8').replace(/^\uFEFF/, '');
}

/**
 * A JSON file, with the guarantees of an HTTP request body (depth, no __proto__/constructor keys,
 * no NULs). Errors name the file and where in it, never its content: it may hold a credential.
 */
export function readJson(path: string, option: string): unknown {
  const text = readText(path, option);
  try {
    const value = parseJsonBody(text);
    if (value === undefined) throw AppError.validation([{ field: 'body', message: 'is empty' }]);
    return value;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const problem = err.errors[0];
    const where = problem === undefined || problem.field === 'body' ? '' : ` at ${problem.field}`;
    throw AppError.validation([{ field: option, message: `${path}${where} ${problem?.message ?? 'is invalid'}` }]);
  }
}
