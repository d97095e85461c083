/**
 * Resource timestamps as Connxt shows them (`"createdAt": "2025-12-12T16:56:36"`): seconds, no
 * zone. Connxt Engine always writes UTC.
 */
export function toApiDateTime(date: Date): string {
  return date.toISOString().slice(0, 19);
}

/** Envelope timestamps carry the zone: `"timestamp": "2025-12-12T10:43:18Z"`. */
export function toEnvelopeTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19) + 'Z';
}

export function toApiDateTimeOrNull(date: Date | null): string | null {
  return date === null ? null : toApiDateTime(date);
}
