/** At most this many bytes of a receiver's answer are read and kept in the delivery log. */
export const maxExcerptBytes = 1024;

/**
 * The start of a response body as text, for the delivery log: reads at most `maxBytes`, then
 * cancels the rest (a receiver answering with a large or endless body cannot hold the worker).
 * Anything that is not text (invalid UTF-8, control characters such as NUL) gives null: the log
 * is for people, and PostgreSQL text cannot hold NUL anyway.
 */
export async function readExcerpt(body: ReadableStream<Uint8Array> | null, maxBytes = maxExcerptBytes): Promise<string | null> {
  if (body === null) return null;
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const bytes = Buffer.concat(chunks).subarray(0, maxBytes);
  return bytes.length === 0 ? null : textOf(bytes, size > maxBytes);
}

function textOf(bytes: Buffer, cut: boolean): string | null {
  let text: string;
  try {
    // `stream: true` lets a character split by the cut at maxBytes be dropped instead of failing.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: cut });
  } catch {
    return null;
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? null : text;
}
