/**
 * The simulator's test-data conventions (README "Test data"), importable by tests and the
 * conformance driver. Behaviour hangs on these values only where the README says so.
 */

/** A CPF and a CNPJ whose verifier digits are right: accepted as payer or payee. */
export const validCpf = '52998224725';
export const validCnpj = '11222333000181';

/** Verifier digits wrong: POST /cash-in (and /cash-out) answer 400 VALIDATION_ERROR, a payer "declined" at creation. */
export const invalidCpf = '52998224700';

/** PIX keys the DICT does not know: the cash-out is accepted, then FAILS with PIX_KEY_NOT_FOUND when it settles. */
export const unknownPixKeys: ReadonlySet<string> = new Set(['notfound@connectpsp.test', '00000000-0000-4000-8000-000000000000']);
