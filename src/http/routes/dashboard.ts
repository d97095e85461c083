import type { FastifyPluginAsync } from 'fastify';

/**
 * The operator dashboard: static files (plain HTML, CSS and ES modules, nothing to build) that
 * talk to /admin/v1 with the admin token the operator signs in with. The policy lets the page run
 * only its own scripts and talk only to this origin, so a value that slipped through as markup
 * could neither run nor send the token anywhere. Gateway logos may be remote or data: images.
 */
const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const dashboardSchema = {
  tags: ['Operations'],
  summary: 'The operator dashboard',
  description: 'Sends the browser to `/dashboard/`, where the dashboard\'s page and files are served; it signs in with the admin token.',
  response: { 302: { description: 'To `/dashboard/`.', type: 'null', headers: { Location: { type: 'string', enum: ['/dashboard/'] } } } },
};

export function dashboardRoutes(deps: { root: string }): FastifyPluginAsync {
  return async (app) => {
    // Loaded when an app is built, not with the engine's modules (the CLI serves no HTTP).
    const { default: fastifyStatic } = await import('@fastify/static');
    app.addHook('onSend', async (_request, reply) => {
      void reply.header('content-security-policy', contentSecurityPolicy);
      void reply.header('x-content-type-options', 'nosniff');
      void reply.header('referrer-policy', 'no-referrer');
    });
    // Relative asset paths in index.html need the trailing slash.
    app.get('/dashboard', { schema: dashboardSchema }, async (_request, reply) => reply.redirect('/dashboard/', 302));
    await app.register(fastifyStatic, {
      root: deps.root,
      prefix: '/dashboard/',
      index: ['index.html'],
      dotfiles: 'deny',
      // No caching across upgrades: the files are tiny, and a stale app.js against a newer API is worse.
      cacheControl: false,
      setHeaders: (reply) => void reply.header('cache-control', 'no-cache'),
    });
  };
}
