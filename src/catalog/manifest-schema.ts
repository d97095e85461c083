/** JSON Schema of connectors/<target>/manifest.json. */
const stringList = {
  type: 'object',
  required: ['type', 'items'],
  properties: {
    type: { const: 'array' },
    items: {
      type: 'object',
      required: ['enum', 'type'],
      properties: { enum: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true }, type: { const: 'string' } },
    },
  },
} as const;

export const targetInputSchemaSchema = {
  type: 'object',
  required: ['paymentMethods', 'countries', 'currencies'],
  properties: { paymentMethods: stringList, countries: stringList, currencies: stringList },
} as const;

const actionSchema = {
  type: 'object',
  required: ['definitionId', 'description', 'script', 'inputSchema'],
  additionalProperties: false,
  properties: {
    definitionId: { type: 'string', pattern: '^fld_[0-9a-hjkmnp-tv-z]{26}$' },
    description: { type: 'string', minLength: 1, maxLength: 200 },
    script: { type: 'string', pattern: '^[a-z0-9-]+\\.js$' },
    inputSchema: { type: 'object' },
    // How long a transaction may stay unsettled before reconciliation abandons it: a minute at
    // least, a year at most (anything longer is no decision at all).
    timeToLiveSeconds: { type: 'integer', minimum: 60, maximum: 31_536_000 },
  },
} as const;

export const manifestSchema = {
  type: 'object',
  required: ['id', 'name', 'flowType', 'status', 'logo', 'allowedHosts', 'credentialSchema', 'inputSchema', 'actions'],
  additionalProperties: false,
  properties: {
    $comment: { type: 'string' },
    id: { type: 'string', pattern: '^ftg_[0-9a-hjkmnp-tv-z]{26}$' },
    name: { type: 'string', minLength: 1, maxLength: 100 },
    flowType: { type: 'string', minLength: 1 },
    status: { enum: ['ENABLED', 'DISABLED'] },
    logo: { type: 'string', minLength: 1 },
    allowedHosts: { type: 'array', items: { type: 'string', pattern: '^[a-z0-9.-]+(:[0-9]{1,5})?$' } },
    modules: { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^[a-z0-9-]+\\.js$' } },
    credentialSchema: {
      type: 'object',
      required: ['type', 'properties', 'additionalProperties'],
      properties: { type: { const: 'object' }, additionalProperties: { const: false } },
    },
    inputSchema: targetInputSchemaSchema,
    actions: {
      type: 'object',
      additionalProperties: false,
      properties: { DEPOSIT: actionSchema, WITHDRAW: actionSchema, REFUND: actionSchema },
    },
  },
} as const;
