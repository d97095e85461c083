import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';

/** Bodies a payment request could need, with room to spare; a gateway refuses more. */
const maxJsonBytes = 256 * 1024;

/**
 * The simulator's own JSON parser, so that it behaves the same mounted in the engine (which
 * brings a parser of its own) and standalone (Fastify's default). A body that cannot be read is
 * a 400, which the error handler turns into Cube Pay's 1025 without quoting the body: a JSON
 * parse error quotes the text it failed on, and that text may hold a card number.
 */
export function acceptJsonBodies(app: FastifyInstance): void {
  if (app.hasContentTypeParser('application/json')) app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: maxJsonBytes }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch {
      done(Object.assign(new Error('unreadable JSON body'), { statusCode: 400 }), undefined);
    }
  });
}
