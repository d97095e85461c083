import type {} from '@fastify/swagger';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { openApiBase } from './document-info.js';
import type { JsonSchema, NamedExample } from './envelopes.js';
import { documentRoute } from './route-documentation.js';
import { useSchemasForDocumentationOnly } from './schema-compilers.js';

declare module 'fastify' {
  interface FastifySchema {
    /** Named examples of the request body; the body schema itself is shared with the service's validator. */
    bodyExamples?: Record<string, NamedExample>;
  }
}

export interface OpenApiReferenceDeps {
  /** CONNXT_PUBLIC_URL: the document's server, when known. */
  publicUrl?: string | undefined;
}

/** Where the interactive reference is served. */
const docsPrefix = '/docs';

/**
 * The OpenAPI 3.1 document at /openapi.json and the Swagger UI reference at /docs (its assets
 * served by the engine itself), generated from the route schemas. Call before any route is
 * registered: the hooks only see routes added after them.
 */
export async function registerOpenApiReference(app: FastifyInstance, deps: OpenApiReferenceDeps): Promise<void> {
  // Loaded when an app is built, not with the engine's modules: the CLI, which serves no HTTP,
  // starts faster without them.
  const [{ default: fastifySwagger }, { default: fastifySwaggerUi }] = await Promise.all([import('@fastify/swagger'), import('@fastify/swagger-ui')]);
  useSchemasForDocumentationOnly(app);
  app.addHook('onRoute', documentRoute);

  await app.register(fastifySwagger, {
    openapi: openApiBase(deps.publicUrl),
    // A route without tags is one nobody documented: it stays out, and test/openapi.test.ts names it.
    hideUntagged: true,
    // Routes are served at their full path whatever the public URL's path is.
    stripBasePath: false,
    transform: ({ schema, url }) => ({ schema: withBodyExamples(schema), url }),
    transformObject: (document) => ('openapiObject' in document ? withOptionalBodies(document.openapiObject as OpenApiObject) : document.swaggerObject),
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: docsPrefix,
    theme: { title: 'Connxt Engine API reference' },
    uiConfig: { deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 0 },
  });

  app.get(
    '/openapi.json',
    {
      schema: {
        tags: ['Reference'],
        summary: 'This OpenAPI 3.1 document',
        description: 'Generate a client from it, or read it rendered at /docs.',
        response: { 200: { description: 'The OpenAPI document.', type: 'object' } },
      },
    },
    async () => app.swagger(),
  );
}

function withBodyExamples(schema: FastifySchema): FastifySchema {
  if (schema?.bodyExamples === undefined) return schema;
  const { bodyExamples, ...documented } = schema;
  return { ...documented, body: { ...(documented.body as JsonSchema), 'x-examples': bodyExamples } };
}

type Operation = { requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> } };
type OpenApiObject = { paths?: Record<string, Record<string, Operation> | undefined> };

/**
 * @fastify/swagger marks every request body required. A body whose schema accepts `{}` may be left
 * out: validatedBody() reads a missing body as `{}`.
 */
function withOptionalBodies(document: OpenApiObject): OpenApiObject {
  for (const pathItem of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(pathItem ?? {})) {
      const body = operation.requestBody;
      const schema = body?.content?.['application/json']?.schema;
      if (body === undefined || schema === undefined) continue;
      body.required = Array.isArray(schema.required) || (typeof schema.minProperties === 'number' && schema.minProperties > 0);
    }
  }
  return document;
}
