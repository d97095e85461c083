import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readExcerpt } from './response-excerpt.js';

const stream = (...chunks: (string | Uint8Array)[]) =>
  new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
        controller.close();
      },
    }),
  ).body;

describe('response excerpt', () => {
  it('keeps a short text body whole', async () => {
    assert.equal(await readExcerpt(stream('{"ok":', 'true}\n')), '{"ok":true}\n');
  });

  it('keeps at most 1 KiB, dropping a character the cut splits', async () => {
    assert.equal(await readExcerpt(stream('x'.repeat(600), 'y'.repeat(600))), 'x'.repeat(600) + 'y'.repeat(424));
    const excerpt = await readExcerpt(stream('a'.repeat(1023) + 'é and more'));
    assert.equal(excerpt, 'a'.repeat(1023));
  });

  it('stops reading an endless body', async () => {
    let pulls = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        controller.enqueue(new Uint8Array(512).fill(0x61));
      },
    });
    assert.equal((await readExcerpt(endless))?.length, 1024);
    assert.ok(pulls < 10, `read ${pulls} chunks`);
  });

  it('keeps nothing of an empty or binary body', async () => {
    assert.equal(await readExcerpt(null), null);
    assert.equal(await readExcerpt(stream('')), null);
    assert.equal(await readExcerpt(stream(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))), null);
    assert.equal(await readExcerpt(stream('text with a \u0000 in it')), null);
  });
});
