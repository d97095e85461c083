import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import zlib from 'node:zlib';
import { privateAddressReason } from './egress-address.js';
import { egressRequest, EgressError, encodeBody, type EgressPolicy, type EgressResolver } from './egress.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void;

interface TestServer {
  port: number;
  origin: string;
  seen: Seen[];
}

/** A real HTTP server on a free port, closed (with any hanging connection) when the test ends. */
async function startServer(t: TestContext, handler: Handler, host = '127.0.0.1'): Promise<TestServer> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  t.after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return { port, origin, seen };
}

function policy(overrides: Partial<EgressPolicy> = {}): EgressPolicy {
  return { allowedHosts: [], hostMap: {}, timeoutMs: 5000, maxResponseBytes: 1024 * 1024, ...overrides };
}

/** The EgressError message a call fails with (fails the test if it succeeds or throws anything else). */
async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof EgressError, `expected an EgressError, got ${String(err)}`);
    return err.message;
  }
  return assert.fail('expected the call to fail');
}

function sendJson(res: http.ServerResponse, value: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(value));
}

/** A resolver that answers every name with the given addresses and remembers what it was asked. */
function fakeResolver(addresses: string[]): EgressResolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string) => {
    asked.push(hostname);
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

describe('encodeBody', () => {
  it('sends no body for undefined and adds the default headers', () => {
    const { bytes, headers } = encodeBody({ 'X-Trace': 't1' }, undefined);
    assert.equal(bytes, undefined);
    assert.deepEqual(headers, { 'X-Trace': 't1', 'user-agent': 'connxt-engine', 'accept-encoding': 'gzip, deflate, br' });
  });

  it('drops headers Node must compute and keeps a caller user-agent', () => {
    const { headers } = encodeBody(
      {
        Host: 'evil.com',
        'Content-Length': '1',
        'transfer-encoding': 'chunked',
        Connection: 'close',
        'Accept-Encoding': 'zstd',
        'User-Agent': 'gateway/1',
      },
      'hi',
    );
    assert.deepEqual(headers, {
      'User-Agent': 'gateway/1',
      'accept-encoding': 'gzip, deflate, br',
      'content-type': 'text/plain;charset=utf-8',
      'content-length': '2',
    });
  });

  it('sends a string as is, keeping a given content-type', () => {
    const { bytes, headers } = encodeBody({ 'Content-Type': 'application/xml' }, '<a>é</a>');
    assert.deepEqual(bytes, Buffer.from('<a>é</a>', 'utf8'));
    assert.equal(headers['Content-Type'], 'application/xml');
    assert.equal(headers['content-type'], undefined);
    assert.equal(headers['content-length'], '9');
  });

  it('sends bytes exactly, copying them', () => {
    const whole = new Uint8Array([1, 2, 3, 4, 5]);
    const view = encodeBody({}, whole.subarray(1, 4));
    assert.deepEqual(view.bytes, Buffer.from([2, 3, 4]));
    assert.equal(view.headers['content-type'], 'application/octet-stream');
    whole[2] = 99;
    assert.deepEqual(view.bytes, Buffer.from([2, 3, 4]));
    assert.deepEqual(encodeBody({}, new Uint8Array([7, 8]).buffer).bytes, Buffer.from([7, 8]));
  });

  it('encodes objects and arrays as JSON, byte for byte', () => {
    const { bytes, headers } = encodeBody({}, { amount: 10.5, name: 'Zoë', items: [1, { sku: null }] });
    assert.equal(bytes?.toString('utf8'), '{"amount":10.5,"name":"Zoë","items":[1,{"sku":null}]}');
    assert.equal(headers['content-type'], 'application/json');
    assert.equal(headers['content-length'], String(Buffer.byteLength('{"amount":10.5,"name":"Zoë","items":[1,{"sku":null}]}')));
    assert.equal(encodeBody({}, [1, 'a']).bytes?.toString('utf8'), '[1,"a"]');
    const vendorJson = encodeBody({ 'content-type': 'application/vnd.psp+json' }, { a: 1 });
    assert.equal(vendorJson.bytes?.toString('utf8'), '{"a":1}');
    assert.equal(vendorJson.headers['content-type'], 'application/vnd.psp+json');
  });

  it('encodes form fields when the content-type says so, nested values as JSON', () => {
    const { bytes, headers } = encodeBody(
      { 'Content-Type': 'Application/X-WWW-Form-Urlencoded; charset=UTF-8' },
      { amount: '10.50', name: 'A B&C=é', meta: { x: 1 }, list: [1, 2], n: 3, ok: true, none: null, skipped: undefined },
    );
    assert.equal(
      bytes?.toString('utf8'),
      'amount=10.50&name=A+B%26C%3D%C3%A9&meta=%7B%22x%22%3A1%7D&list=%5B1%2C2%5D&n=3&ok=true&none=',
    );
    assert.equal(headers['Content-Type'], 'Application/X-WWW-Form-Urlencoded; charset=UTF-8');
    assert.equal(headers['content-type'], undefined);
  });

  it('refuses bodies it cannot encode', () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    assert.throws(() => encodeBody(form, ['a']), EgressError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => encodeBody({}, cyclic), EgressError);
    assert.throws(() => encodeBody({}, () => 1), EgressError);
  });
});

describe('privateAddressReason', () => {
  it('classifies private, loopback, link-local, unspecified and CGNAT addresses in every spelling', () => {
    const cases: Array<[string, string | undefined]> = [
      ['127.0.0.1', 'loopback address'],
      ['127.255.0.9', 'loopback address'],
      ['::1', 'loopback address'],
      ['[::1]', 'loopback address'],
      ['0:0:0:0:0:0:0:1', 'loopback address'],
      ['169.254.169.254', 'link-local address'],
      ['fe80::1%eth0', 'link-local address'],
      ['febf::1', 'link-local address'],
      ['10.1.2.3', 'private address'],
      ['172.16.0.1', 'private address'],
      ['172.31.255.255', 'private address'],
      ['192.168.1.1', 'private address'],
      ['fc00::1', 'private address'],
      ['fdff:ffff::1', 'private address'],
      ['0.0.0.0', 'unspecified address'],
      ['::', 'unspecified address'],
      ['100.64.0.1', 'carrier-grade NAT address'],
      ['100.127.255.255', 'carrier-grade NAT address'],
      ['::ffff:127.0.0.1', 'loopback address'],
      ['::ffff:7f00:1', 'loopback address'],
      ['::ffff:169.254.169.254', 'link-local address'],
      ['::ffff:a9fe:a9fe', 'link-local address'],
      ['::ffff:10.0.0.1', 'private address'],
      ['0:0:0:0:0:ffff:c0a8:0101', 'private address'],
      ['64:ff9b::a9fe:a9fe', 'link-local address'],
      ['8.8.8.8', undefined],
      ['172.32.0.1', undefined],
      ['100.128.0.1', undefined],
      ['2606:4700::1111', undefined],
      ['::ffff:8.8.8.8', undefined],
      ['api.example.com', undefined],
    ];
    for (const [address, reason] of cases) assert.equal(privateAddressReason(address), reason, address);
  });
});

describe('egressRequest', () => {
  it('calls a listed host:port and parses JSON and text responses', async (t) => {
    const server = await startServer(t, (req, res) => {
      if (req.url === '/json') return sendJson(res, { ok: true, id: 7 });
      if (req.url === '/problem') {
        res.writeHead(422, { 'content-type': 'application/problem+json', 'x-multi': ['a', 'b'] });
        return res.end('{"error":"bad"}');
      }
      if (req.url === '/broken-json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('{not json');
      }
      if (req.url === '/empty') {
        res.writeHead(204);
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<p>hé</p>');
    });
    const allowed = policy({ allowedHosts: [`127.0.0.1:${server.port}`] });

    const json = await egressRequest(allowed, { method: 'GET', url: `${server.origin}/json` });
    assert.equal(json.status, 200);
    assert.deepEqual(json.data, { ok: true, id: 7 });
    assert.equal(json.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(json.requestedUrl, `${server.origin}/json`);

    const problem = await egressRequest(allowed, { method: 'GET', url: `${server.origin}/problem` });
    assert.equal(problem.status, 422);
    assert.deepEqual(problem.data, { error: 'bad' });
    assert.equal(problem.headers['x-multi'], 'a, b');

    const broken = await egressRequest(allowed, { method: 'GET', url: `${server.origin}/broken-json` });
    assert.equal(broken.data, '{not json');
    const html = await egressRequest(allowed, { method: 'GET', url: `${server.origin}/page` });
    assert.equal(html.data, '<p>hé</p>');
    const empty = await egressRequest(allowed, { method: 'DELETE', url: `${server.origin}/empty` });
    assert.equal(empty.status, 204);
    assert.equal(empty.data, '');

    const first = server.seen[0];
    assert.equal(first?.headers['user-agent'], 'connxt-engine');
    assert.equal(first?.headers['accept-encoding'], 'gzip, deflate, br');
  });

  it('refuses a host that is not listed without contacting it', async (t) => {
    const server = await startServer(t, (_req, res) => sendJson(res, {}));
    const otherPort = server.port === 65535 ? 1 : server.port + 1;
    const message = await refusal(
      egressRequest(policy({ allowedHosts: [`127.0.0.1:${otherPort}`, '127.0.0.1'] }), {
        method: 'GET',
        url: `${server.origin}/x`,
      }),
    );
    assert.equal(message, `host "127.0.0.1:${server.port}" is not in this flow target's allowedHosts`);
    assert.equal(server.seen.length, 0);
    assert.equal(
      await refusal(egressRequest(policy({ allowedHosts: ['api.x.com'] }), { method: 'GET', url: 'https://evil.com/' })),
      'host "evil.com" is not in this flow target\'s allowedHosts',
    );
  });

  it('matches a bare host only on the scheme default port', async () => {
    const resolve = fakeResolver(['8.8.8.8']);
    const bare = policy({ allowedHosts: ['api.x.com'] });
    const message = await refusal(egressRequest(bare, { method: 'GET', url: 'https://api.x.com:8443/' }, undefined, { resolve }));
    assert.match(message, /host "api\.x\.com:8443" is not in/);
    assert.match(
      await refusal(egressRequest(bare, { method: 'GET', url: 'http://api.x.com:443/' }, undefined, { resolve })),
      /is not in/,
    );
    assert.deepEqual(resolve.asked, []);
  });

  it('refuses URLs that are not http(s) or carry credentials', async (t) => {
    const server = await startServer(t, (_req, res) => sendJson(res, {}));
    const allowed = policy({ allowedHosts: [`127.0.0.1:${server.port}`] });
    const withCredentials = `http://user:secret@127.0.0.1:${server.port}/`;
    assert.match(await refusal(egressRequest(allowed, { method: 'GET', url: withCredentials })), /credentials/);
    assert.match(await refusal(egressRequest(allowed, { method: 'GET', url: 'ftp://127.0.0.1/' })), /only http and https/);
    assert.match(await refusal(egressRequest(allowed, { method: 'GET', url: 'file:///etc/passwd' })), /only http and https/);
    assert.match(await refusal(egressRequest(allowed, { method: 'GET', url: 'not a url' })), /invalid URL/);
    assert.equal(server.seen.length, 0);
  });

  it('refuses a listed name that resolves to a private address, checking every address', async (t) => {
    const server = await startServer(t, (_req, res) => sendJson(res, {}));
    const named = policy({ allowedHosts: [`api.psp.test:${server.port}`] });
    const url = `http://api.psp.test:${server.port}/pay`;

    const loopback = fakeResolver(['127.0.0.1']);
    const message = await refusal(egressRequest(named, { method: 'GET', url }, undefined, { resolve: loopback }));
    assert.equal(message, 'refused to connect to 127.0.0.1: loopback address');
    assert.deepEqual(loopback.asked, ['api.psp.test']);

    const mixed = fakeResolver(['8.8.8.8', '169.254.169.254']);
    assert.equal(
      await refusal(egressRequest(named, { method: 'GET', url }, undefined, { resolve: mixed })),
      'refused to connect to 169.254.169.254: link-local address',
    );
    const mapped = fakeResolver(['::ffff:127.0.0.1']);
    assert.equal(
      await refusal(egressRequest(named, { method: 'GET', url }, undefined, { resolve: mapped })),
      'refused to connect to ::ffff:127.0.0.1: loopback address',
    );
    assert.equal(server.seen.length, 0);
  });

  it('connects to a private address when the matched entry is an IP literal or localhost', async (t) => {
    const server = await startServer(t, (_req, res) => sendJson(res, { here: true }));
    const literal = await egressRequest(policy({ allowedHosts: [`127.0.0.1:${server.port}`] }), {
      method: 'GET',
      url: `${server.origin}/`,
    });
    assert.deepEqual(literal.data, { here: true });
    // The same fake resolver as above: here it must be consulted and its loopback answer accepted.
    const resolve = fakeResolver(['127.0.0.1']);
    const named = await egressRequest(
      policy({ allowedHosts: [`localhost:${server.port}`] }),
      { method: 'GET', url: `http://localhost:${server.port}/` },
      undefined,
      { resolve },
    );
    assert.deepEqual(named.data, { here: true });
    assert.deepEqual(resolve.asked, ['localhost']);
    assert.equal(server.seen.length, 2);
  });

  it('refuses the metadata address without attempting a connection', async () => {
    const resolve = fakeResolver(['8.8.8.8']);
    const started = Date.now();
    const message = await refusal(
      egressRequest(
        policy({ allowedHosts: ['api.psp.test'], timeoutMs: 5000 }),
        { method: 'GET', url: 'http://169.254.169.254/latest/meta-data' },
        undefined,
        { resolve },
      ),
    );
    assert.equal(message, 'host "169.254.169.254" is not in this flow target\'s allowedHosts');
    assert.ok(Date.now() - started < 1000, 'a connection attempt would have waited for the timeout');
    assert.deepEqual(resolve.asked, []);
  });

  it('refuses http://[::1] unless it is listed', async (t) => {
    let server: TestServer;
    try {
      server = await startServer(t, (_req, res) => sendJson(res, { v6: true }), '::1');
    } catch {
      return t.skip('no IPv6 loopback here');
    }
    const url = `http://[::1]:${server.port}/`;
    const message = await refusal(egressRequest(policy({ allowedHosts: [`127.0.0.1:${server.port}`] }), { method: 'GET', url }));
    assert.equal(message, `host "[::1]:${server.port}" is not in this flow target's allowedHosts`);
    assert.equal(server.seen.length, 0);
    const listed = await egressRequest(policy({ allowedHosts: [`[::1]:${server.port}`] }), { method: 'GET', url });
    assert.deepEqual(listed.data, { v6: true });
  });

  it('rewrites a mapped origin onto its base URL, keeping path and query', async (t) => {
    const server = await startServer(t, (req, res) => {
      const to = (location: string) => {
        res.writeHead(302, { location });
        res.end();
      };
      // Redirects back to the requested origin are mapped again; ones within the mapped server stay there.
      if (req.url === '/sticpay/hop') return to('https://api.sticpay.com/rest_pay/done?z=2');
      if (req.url === '/sticpay/rest_pay/done?z=2') return to('/sticpay/final');
      sendJson(res, { mapped: true, url: req.url });
    });
    const mapped = policy({ allowedHosts: [], hostMap: { 'https://api.sticpay.com': `${server.origin}/sticpay/` } });
    const response = await egressRequest(mapped, { method: 'GET', url: 'https://API.sticpay.com/rest_pay/pay?x=1&y=%20' });
    assert.deepEqual(response.data, { mapped: true, url: '/sticpay/rest_pay/pay?x=1&y=%20' });
    assert.equal(response.requestedUrl, `${server.origin}/sticpay/rest_pay/pay?x=1&y=%20`);
    assert.deepEqual(
      server.seen.map((seen) => seen.url),
      ['/sticpay/rest_pay/pay?x=1&y=%20'],
    );
    const redirected = await egressRequest(mapped, { method: 'GET', url: 'https://api.sticpay.com/hop' });
    assert.deepEqual(redirected.data, { mapped: true, url: '/sticpay/final' });
    assert.equal(redirected.requestedUrl, `${server.origin}/sticpay/final`);
    assert.match(
      await refusal(egressRequest(mapped, { method: 'GET', url: 'https://api.other.com/' })),
      /host "api\.other\.com" is not in/,
    );
  });

  it('follows same-origin redirects and refuses one to another host', async (t) => {
    const other = await startServer(t, (_req, res) => sendJson(res, { other: true }));
    const server = await startServer(t, (req, res) => {
      const to = (location: string, status = 302) => {
        res.writeHead(status, { location });
        res.end();
      };
      if (req.url === '/start') return to('/middle');
      if (req.url === '/middle') return to(`${server.origin}/end`, 307);
      if (req.url === '/post') return to('/end', 303);
      if (req.url === '/away') return to(`${other.origin}/steal`);
      if (req.url === '/loop') return to('/loop');
      sendJson(res, { end: true, method: req.method });
    });
    const allowed = policy({ allowedHosts: [`127.0.0.1:${server.port}`, `127.0.0.1:${other.port}`] });

    const followed = await egressRequest(allowed, { method: 'GET', url: `${server.origin}/start` });
    assert.deepEqual(followed.data, { end: true, method: 'GET' });
    assert.equal(followed.requestedUrl, `${server.origin}/end`);

    const posted = await egressRequest(allowed, { method: 'POST', url: `${server.origin}/post`, body: { a: 1 } });
    assert.deepEqual(posted.data, { end: true, method: 'GET' });
    const afterSeeOther = server.seen.at(-1);
    assert.equal(afterSeeOther?.body.length, 0);
    assert.equal(afterSeeOther?.headers['content-type'], undefined);

    const away = await refusal(egressRequest(allowed, { method: 'GET', url: `${server.origin}/away` }));
    assert.equal(away, `redirect to another host refused (${server.origin} → ${other.origin})`);
    assert.equal(other.seen.length, 0);

    const before = server.seen.length;
    assert.match(await refusal(egressRequest(allowed, { method: 'GET', url: `${server.origin}/loop` })), /too many redirects/);
    assert.equal(server.seen.length - before, 4);
  });

  it('reuses one connection for successive calls, but never the one a timed-out call left', async (t) => {
    const clientPorts: number[] = [];
    let hang = false;
    const server = await startServer(t, (req, res) => {
      clientPorts.push(req.socket.remotePort ?? 0);
      if (!hang) sendJson(res, { ok: true });
    });
    const allowed = policy({ allowedHosts: [`127.0.0.1:${server.port}`], timeoutMs: 300 });
    const call = () => egressRequest(allowed, { method: 'POST', url: `${server.origin}/pay`, body: { n: 1 } });
    for (let i = 0; i < 5; i++) assert.equal((await call()).status, 200);
    assert.equal(new Set(clientPorts).size, 1, 'five calls, one connection');

    hang = true;
    assert.match(await refusal(call()), /timed out after 300 ms/);
    hang = false;
    assert.equal((await call()).status, 200);
    // The timed-out call was on the pooled connection; the next call needed a new one.
    assert.notEqual(clientPorts.at(-1), clientPorts[0]);
  });

  it('times out a server that never answers', async (t) => {
    const server = await startServer(t, () => {});
    const started = Date.now();
    const message = await refusal(
      egressRequest(policy({ allowedHosts: [`127.0.0.1:${server.port}`], timeoutMs: 300 }), {
        method: 'GET',
        url: `${server.origin}/`,
      }),
    );
    const elapsed = Date.now() - started;
    assert.equal(message, `request to 127.0.0.1:${server.port} timed out after 300 ms`);
    assert.ok(elapsed >= 250 && elapsed < 2000, `took ${elapsed} ms`);
  });

  it('aborts when the caller signals, and does not start when already aborted', async (t) => {
    const server = await startServer(t, () => {});
    const allowed = policy({ allowedHosts: [`127.0.0.1:${server.port}`], timeoutMs: 10_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const message = await refusal(egressRequest(allowed, { method: 'GET', url: `${server.origin}/` }, controller.signal));
    assert.equal(message, `request to 127.0.0.1:${server.port} was aborted`);
    assert.ok(Date.now() - started < 2000);
    assert.equal(server.seen.length, 1);

    const message2 = await refusal(egressRequest(allowed, { method: 'GET', url: `${server.origin}/` }, AbortSignal.abort()));
    assert.match(message2, /was aborted/);
    assert.equal(server.seen.length, 1);
  });

  it('stops reading a 50 MB response at the limit', async (t) => {
    const total = 50 * 1024 * 1024;
    let written = 0;
    const server = await startServer(t, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (written < total) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const started = Date.now();
    const message = await refusal(
      egressRequest(policy({ allowedHosts: [`127.0.0.1:${server.port}`], maxResponseBytes: 1024 * 1024 }), {
        method: 'GET',
        url: `${server.origin}/big`,
      }),
    );
    assert.equal(message, `response from 127.0.0.1:${server.port} exceeds 1048576 bytes`);
    assert.ok(Date.now() - started < 2000);
    // Kernel socket buffers hold a few MB; reading everything would have drained all 50.
    assert.ok(written < 20 * 1024 * 1024, `the server got to write ${written} bytes`);
  });

  it('refuses early when Content-Length is over the limit', async (t) => {
    const server = await startServer(t, (_req, res) => {
      res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
      res.write('just the start');
    });
    const started = Date.now();
    const message = await refusal(
      egressRequest(policy({ allowedHosts: [`127.0.0.1:${server.port}`], maxResponseBytes: 1024, timeoutMs: 5000 }), {
        method: 'GET',
        url: `${server.origin}/`,
      }),
    );
    assert.equal(message, `response from 127.0.0.1:${server.port} exceeds 1024 bytes`);
    assert.ok(Date.now() - started < 1000, 'waited for a body that was never going to fit');
  });

  it('decodes gzip, deflate (zlib and raw) and brotli responses', async (t) => {
    const payload = JSON.stringify({ compressed: true, text: 'é'.repeat(100) });
    const encoders: Record<string, (input: string) => Buffer> = {
      gzip: (input) => zlib.gzipSync(input),
      deflate: (input) => zlib.deflateSync(input),
      'raw-deflate': (input) => zlib.deflateRawSync(input),
      br: (input) => zlib.brotliCompressSync(input),
    };
    const server = await startServer(t, (req, res) => {
      const name = (req.url ?? '/').slice(1);
      const encode = encoders[name];
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': name === 'raw-deflate' ? 'deflate' : name,
      });
      res.end(encode ? encode(payload) : '');
    });
    const allowed = policy({ allowedHosts: [`127.0.0.1:${server.port}`] });
    for (const name of Object.keys(encoders)) {
      const response = await egressRequest(allowed, { method: 'GET', url: `${server.origin}/${name}` });
      assert.deepEqual(response.data, JSON.parse(payload), name);
    }
  });

  it('counts decompressed bytes against the limit', async (t) => {
    const bomb = zlib.gzipSync(Buffer.alloc(50 * 1024 * 1024));
    const server = await startServer(t, (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(bomb.length) });
      res.end(bomb);
    });
    const started = Date.now();
    const message = await refusal(
      egressRequest(policy({ allowedHosts: [`127.0.0.1:${server.port}`], maxResponseBytes: 1024 * 1024 }), {
        method: 'GET',
        url: `${server.origin}/`,
      }),
    );
    assert.equal(message, `response from 127.0.0.1:${server.port} exceeds 1048576 bytes`);
    assert.ok(Date.now() - started < 2000);
  });

  it('sends JSON and form bodies byte for byte', async (t) => {
    const server = await startServer(t, (_req, res) => sendJson(res, {}));
    const allowed = policy({ allowedHosts: [`127.0.0.1:${server.port}`] });
    await egressRequest(allowed, { method: 'POST', url: `${server.origin}/json`, body: { amount: 12.5, currency: 'EUR' } });
    await egressRequest(allowed, {
      method: 'PUT',
      url: `${server.origin}/form`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Host: 'evil.com' },
      body: { amount: '12.50', note: 'a b+c' },
    });
    const [json, form] = server.seen;
    assert.equal(json?.body.toString('utf8'), '{"amount":12.5,"currency":"EUR"}');
    assert.equal(json?.headers['content-type'], 'application/json');
    assert.equal(json?.headers['content-length'], '32');
    assert.equal(form?.method, 'PUT');
    assert.equal(form?.body.toString('utf8'), 'amount=12.50&note=a+b%2Bc');
    assert.equal(form?.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(form?.headers.host, `127.0.0.1:${server.port}`);
  });

  it('refuses a request body over maxRequestBytes before connecting', async (t) => {
    const server = await startServer(t, (_req, res) => sendJson(res, {}));
    const message = await refusal(
      egressRequest(policy({ allowedHosts: [`127.0.0.1:${server.port}`], maxRequestBytes: 10 }), {
        method: 'POST',
        url: `${server.origin}/`,
        body: 'x'.repeat(11),
      }),
    );
    assert.equal(message, 'request body of 11 bytes exceeds 10 bytes');
    assert.equal(server.seen.length, 0);
  });

  it('reports a refused connection as an EgressError', async () => {
    // A port nobody listens on: the one a just-closed server had.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const message = await refusal(
      egressRequest(policy({ allowedHosts: [`127.0.0.1:${freePort}`] }), { method: 'GET', url: `http://127.0.0.1:${freePort}/` }),
    );
    assert.match(message, new RegExp(`^request to 127\\.0\\.0\\.1:${freePort} failed: .*ECONNREFUSED`));
  });
});
