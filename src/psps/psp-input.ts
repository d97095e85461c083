import type { FieldError } from '../errors.js';
import { compileValidator } from '../validation.js';

export type EnabledStatus = 'ENABLED' | 'DISABLED';

export interface PspOperation {
  flowActionId: string;
  flowDefinitionId: string;
  status: EnabledStatus;
}

export interface CreatePspInput {
  name: string;
  description?: string | null;
  logo?: string | null;
  credential: string;
  flowTargetId: string;
  status?: EnabledStatus;
  operations: PspOperation[];
}

export type UpdatePspInput = Partial<Omit<CreatePspInput, 'flowTargetId'>>;

const statusSchema = { enum: ['ENABLED', 'DISABLED'] } as const;

const operationsSchema = {
  type: 'array',
  minItems: 1,
  maxItems: 20,
  items: {
    type: 'object',
    required: ['flowActionId', 'flowDefinitionId', 'status'],
    properties: {
      flowActionId: { type: 'string', minLength: 1 },
      flowDefinitionId: { type: 'string', minLength: 1 },
      status: statusSchema,
    },
  },
} as const;

const commonProperties = {
  name: { type: 'string', minLength: 1, maxLength: 100 },
  description: { type: ['string', 'null'], maxLength: 500 },
  // A URL or a base64 data URI; the 1 MB body limit bounds it too.
  logo: { type: ['string', 'null'], maxLength: 262_144 },
  credential: { type: 'string', minLength: 1, maxLength: 65_536 },
  status: statusSchema,
  operations: operationsSchema,
  // Connxt documents these as set from the token; clients may still send them, and they are ignored.
  brandId: { description: 'Ignored: set from the token.' },
  environmentId: { description: 'Ignored: set from the token.' },
} as const;

/** Body of POST /connxt/v2/psps/external (spec/001 step 2). */
export const createPspSchema = {
  type: 'object',
  required: ['name', 'credential', 'flowTargetId', 'operations'],
  properties: { ...commonProperties, flowTargetId: { type: 'string', minLength: 1 } },
} as const;

/** Body of PATCH /connxt/v2/psps/{id}: any subset of the fields, the target fixed. */
export const updatePspSchema = {
  type: 'object',
  minProperties: 1,
  properties: commonProperties,
} as const;

const validateCreateShape = compileValidator(createPspSchema);
const validateUpdateShape = compileValidator(updatePspSchema);

/** Shape errors plus the checks that need no catalog: blank names, logo form. */
export function checkCreateShape(body: unknown): FieldError[] {
  return [...validateCreateShape(body), ...checkTextFields(body)];
}

const updatableFields = ['name', 'description', 'logo', 'credential', 'status', 'operations'] as const;

export function checkUpdateShape(body: unknown): FieldError[] {
  const errors = validateUpdateShape(body);
  if (isObject(body) && 'flowTargetId' in body) {
    return [{ field: 'flowTargetId', message: 'cannot be changed; create a new PSP for another flow target' }, ...errors];
  }
  // brandId/environmentId alone are ignored fields: such a PATCH would change nothing.
  if (errors.some((e) => e.field === 'body') || (isObject(body) && !updatableFields.some((field) => field in body))) {
    return [{ field: 'body', message: `must be an object with at least one of: ${updatableFields.join(', ')}` }];
  }
  return [...errors, ...checkTextFields(body)];
}

function checkTextFields(body: unknown): FieldError[] {
  if (!isObject(body)) return [];
  const errors: FieldError[] = [];
  if (typeof body.name === 'string' && body.name.length > 0 && body.name.trim() === '') {
    errors.push({ field: 'name', message: 'must not be blank' });
  }
  if (typeof body.logo === 'string' && !isLogo(body.logo)) {
    errors.push({ field: 'logo', message: 'must be an http(s) URL or a data:image URI' });
  }
  return errors;
}

function isLogo(value: string): boolean {
  if (/^data:image\/[a-z0-9.+-]+(;base64)?,/i.test(value)) return true;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
