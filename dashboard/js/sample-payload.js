// A starting payload for "try a deposit", made from the definition's inputSchema: every required
// field gets a plausible test value (the schema's own example or default first), so that the
// operator edits a working body instead of writing one from nothing.

/** Test values for payer fields whose format a type alone cannot produce (patterns, formats). */
const knownValues = {
  document: '52998224725',
  country_code: 'GB',
  countryCode: '44',
  country: 'GB',
  email: 'payer@example.com',
  first_name: 'Ada',
  firstName: 'Ada',
  last_name: 'Lovelace',
  lastName: 'Lovelace',
  name: 'Ada Lovelace',
  phoneNumber: '7700900123',
  dob: '05/03/2000',
  ip: '203.0.113.10',
};

export function samplePayload(inputSchema) {
  const sample = sampleOf(inputSchema ?? {}, '');
  return { body: { order: { id: `dashboard-${Date.now().toString(36)}` }, ...(typeof sample === 'object' && sample !== null ? sample : {}) } };
}

function sampleOf(schema, name) {
  if (schema.examples?.length > 0) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length > 0) return schema.enum[0];
  if (name in knownValues) return knownValues[name];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type ?? (schema.properties ? 'object' : 'string')) {
    case 'object': {
      const value = {};
      for (const key of schema.required ?? []) value[key] = sampleOf(schema.properties?.[key] ?? {}, key);
      return value;
    }
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    default:
      if (schema.format === 'email') return knownValues.email;
      if (schema.format === 'uuid') return crypto.randomUUID();
      return name === 'id' ? `cust-${Date.now().toString(36)}` : 'test';
  }
}
