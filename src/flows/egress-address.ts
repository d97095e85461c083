import { isIP, isIPv4, isIPv6 } from 'node:net';

/**
 * Why an address must not be contacted by a gateway script, or undefined for a public address.
 * Accepts "1.2.3.4", "::1", "[::1]" and zone-suffixed "fe80::1%eth0"; anything that is not an IP
 * literal yields undefined (names are checked after resolution, never by their spelling).
 */
export function privateAddressReason(address: string): string | undefined {
  const ip = stripBrackets(address).replace(/%.*$/, '');
  if (isIPv4(ip)) return ipv4Reason(ipv4Bytes(ip));
  if (isIPv6(ip)) return ipv6Reason(ipv6Bytes(ip));
  return undefined;
}

function ipv4Reason([a = 0, b = 0]: readonly number[]): string | undefined {
  if (a === 127) return 'loopback address';
  if (a === 169 && b === 254) return 'link-local address';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private address';
  // 0.0.0.0/8 is "this network": Linux connects 0.0.0.0 to the local host.
  if (a === 0) return 'unspecified address';
  if (a === 100 && b >= 64 && b <= 127) return 'carrier-grade NAT address';
  return undefined;
}

function ipv6Reason(bytes: readonly number[]): string | undefined {
  const [a = 0, b = 0] = bytes;
  if (bytes.every((byte) => byte === 0)) return 'unspecified address';
  if (bytes.slice(0, 15).every((byte) => byte === 0) && bytes[15] === 1) return 'loopback address';
  if (a === 0xfe && (b & 0xc0) === 0x80) return 'link-local address';
  // fc00::/7 is unique-local; fec0::/10 is the deprecated site-local range some stacks still route.
  if ((a & 0xfe) === 0xfc || (a === 0xfe && (b & 0xc0) === 0xc0)) return 'private address';
  const embedded = embeddedIpv4(bytes);
  return embedded ? ipv4Reason(embedded) : undefined;
}

/**
 * IPv4-mapped (::ffff:a.b.c.d) addresses reach the IPv4 address on dual-stack sockets; the
 * deprecated IPv4-compatible form (::a.b.c.d) and the NAT64 prefix (64:ff9b::/96) can too,
 * depending on the network, so all three are judged by the IPv4 address they carry.
 */
function embeddedIpv4(bytes: readonly number[]): number[] | undefined {
  const head = bytes.slice(0, 12);
  const zeros = (from: number, to: number) => head.slice(from, to).every((byte) => byte === 0);
  const mapped = zeros(0, 10) && head[10] === 0xff && head[11] === 0xff;
  const compatible = zeros(0, 12);
  const nat64 = head[0] === 0x00 && head[1] === 0x64 && head[2] === 0xff && head[3] === 0x9b && zeros(4, 12);
  return mapped || compatible || nat64 ? bytes.slice(12) : undefined;
}

function ipv4Bytes(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** Only called on strings net.isIPv6 accepted, so the shape is known to be valid. */
function ipv6Bytes(ip: string): number[] {
  let text = ip;
  let tail: number[] = [];
  if (text.includes('.')) {
    const lastColon = text.lastIndexOf(':');
    tail = ipv4Bytes(text.slice(lastColon + 1));
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [left = '', right] = text.split('::');
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groupsOf(left);
  const rest = right === undefined ? [] : groupsOf(right);
  const groups = [...head, ...Array<string>(8 - head.length - rest.length).fill('0'), ...rest];
  const bytes = groups.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** True for hosts an operator names deliberately when listing them: IP literals and localhost. */
export function isExplicitLocalHost(hostname: string): boolean {
  return hostname === 'localhost' || isIP(stripBrackets(hostname)) !== 0;
}

export function isIpLiteral(hostname: string): boolean {
  return isIP(stripBrackets(hostname)) !== 0;
}

interface HostEntry {
  /** As URL.hostname spells it: lower-case, IPv4 canonical, IPv6 in brackets and compressed. */
  hostname: string;
  /** Undefined when the entry names no port: then only the scheme's default port matches. */
  port: number | undefined;
}

/**
 * Entries go through the same WHATWG host parser as request URLs, so "127.0.0.1" and
 * "[0:0::1]" compare equal to however a URL spells the same host. Unparseable entries match nothing.
 */
export function parseHostEntry(entry: string): HostEntry | undefined {
  const text = entry.trim().toLowerCase();
  // A bare IPv6 literal is unambiguous without brackets, though "[::1]:4010" is the documented form.
  const split = isIPv6(text) ? { host: `[${text}]`, port: '' } : splitHostPort(text);
  if (!split || split.host === '') return undefined;
  const port = split.port === '' ? undefined : Number(split.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) return undefined;
  try {
    const parsed = new URL(`http://${split.host}`);
    if (parsed.href !== `http://${parsed.hostname}/`) return undefined;
    return { hostname: parsed.hostname, port };
  } catch {
    return undefined;
  }
}

function splitHostPort(text: string): { host: string; port: string } | undefined {
  const bracketEnd = text.startsWith('[') ? text.indexOf(']') : -1;
  const colon = text.indexOf(':', bracketEnd + 1);
  if (colon === -1) return { host: text, port: '' };
  const port = text.slice(colon + 1);
  return /^\d{1,5}$/.test(port) ? { host: text.slice(0, colon), port } : undefined;
}

/** The allowedHosts entry a URL matches (host and effective port), if any. */
export function matchAllowedHost(allowedHosts: readonly string[], url: URL): HostEntry | undefined {
  const defaultPort = url.protocol === 'https:' ? 443 : 80;
  const port = url.port === '' ? defaultPort : Number(url.port);
  for (const raw of allowedHosts) {
    const entry = parseHostEntry(raw);
    if (entry && entry.hostname === url.hostname && (entry.port ?? defaultPort) === port) return entry;
  }
  return undefined;
}
