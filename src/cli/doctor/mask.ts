/** Query parameters of a PostgreSQL URL that can carry a secret (libpq's names). */
const secretParameters = ['password', 'sslpassword', 'sslkey'];

/**
 * DATABASE_URL as doctor prints it: the password (and any secret query parameter) replaced by
 * `***`. A URL that does not parse is not shown at all rather than shown unmasked.
 */
export function maskDatabaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '(DATABASE_URL, unparsable)';
  }
  if (url.password !== '') url.password = '***';
  for (const name of [...url.searchParams.keys()]) {
    if (secretParameters.includes(name.toLowerCase())) url.searchParams.set(name, '***');
  }
  // URLSearchParams percent-encodes the asterisks; they are shown as typed.
  return url.toString().replaceAll('%2A%2A%2A', '***');
}
