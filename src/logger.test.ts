import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { runForRequest } from './log-context.js';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger('info', stream) };
}

describe('createLogger', () => {
  it('logs an error as type, message, code and stack only: never the SQL or its parameters', () => {
    const { lines, logger } = capture();
    const driverError = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
      code: '22021',
      query: 'INSERT INTO psps (id, credential) VALUES ($1, $2)',
      params: ['psp_x', 'the-plaintext-secret'],
    });
    logger.error({ err: driverError }, 'request failed');
    const entry = JSON.parse(lines[0]!);
    assert.deepEqual(Object.keys(entry.err).sort(), ['code', 'message', 'stack', 'type']);
    assert.equal(entry.err.code, '22021');
    assert.doesNotMatch(lines[0]!, /the-plaintext-secret|INSERT INTO/);
  });

  it('redacts token and credential fields wherever they appear', () => {
    const { lines, logger } = capture();
    logger.info({ secretToken: 'sec_x', nested: { credential: '{"apiKey":"k"}', token: 't' } }, 'oops');
    assert.doesNotMatch(lines[0]!, /sec_x|apiKey|"t"/);
  });
});

describe('log lines and the request they are written for', () => {
  it('carry the request id inside runForRequest, across awaits, and only there', async () => {
    const { lines, logger } = capture();
    const service = logger.child({ txnId: 'ortxABC' });
    logger.info('before');
    await runForRequest('req-1', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      service.info('inside');
    });
    logger.info('after');
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(
      entries.map((entry) => [entry.msg, entry.requestId, entry.txnId]),
      [
        ['before', undefined, undefined],
        ['inside', 'req-1', 'ortxABC'],
        ['after', undefined, undefined],
      ],
    );
  });

  it('does not write the key twice on a logger that already carries a request id', () => {
    const { lines, logger } = capture();
    runForRequest('req-2', () => logger.child({ requestId: 'req-2' }).info('request line'));
    assert.equal(lines[0]!.match(/"requestId"/g)?.length, 1, lines[0]);
  });
});
