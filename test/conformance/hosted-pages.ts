/**
 * A payer without JavaScript: loads a hosted page, presses the button whose `decision` value is
 * asked for, and follows forms and redirects until no such button is left. Only loopback URLs are
 * fetched; a redirect elsewhere (the merchant's success URL) ends the walk with its location.
 */
export interface PageVisit {
  /** The last URL loaded, or the off-machine location the walk stopped at. */
  url: string;
  status: number;
  body: string;
  /** Every URL loaded, in order, for failure messages. */
  trail: string[];
}

export interface PressOptions {
  /** Values for visible inputs, by name (e.g. a card number or a PIX code), over the page's own. */
  fields?: Record<string, string>;
  maxSteps?: number;
}

interface ParsedForm {
  action: string;
  fields: Record<string, string>;
  decisions: string[];
}

export async function pressThrough(startUrl: string, decision: string, options: PressOptions = {}): Promise<PageVisit> {
  const trail: string[] = [];
  let next: { url: string; method: 'GET' | 'POST'; body?: URLSearchParams } = { url: startUrl, method: 'GET' };
  let pressed = 0;
  for (let step = 0; step < (options.maxSteps ?? 20); step += 1) {
    if (!isLoopback(next.url)) return { url: next.url, status: 0, body: '', trail };
    trail.push(`${next.method} ${next.url}`);
    const response = await fetch(next.url, {
      method: next.method,
      redirect: 'manual',
      ...(next.body ? { body: next.body, headers: { 'content-type': 'application/x-www-form-urlencoded' } } : {}),
    });
    const body = await response.text();
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location !== null) {
      next = { url: new URL(location, next.url).href, method: response.status === 307 || response.status === 308 ? next.method : 'GET', ...(response.status === 307 || response.status === 308 ? { body: next.body } : {}) } as typeof next;
      continue;
    }
    const form = parseForms(body, next.url).find((f) => f.decisions.includes(decision));
    if (form === undefined) {
      if (pressed === 0) throw new Error(`no "${decision}" button on ${next.url} (HTTP ${response.status}): ${body.slice(0, 300)}`);
      return { url: next.url, status: response.status, body, trail };
    }
    const fields = new URLSearchParams({ ...form.fields, ...(options.fields ?? {}), decision });
    next = { url: form.action, method: 'POST', body: fields };
    pressed += 1;
  }
  throw new Error(`hosted pages did not end after ${options.maxSteps ?? 20} steps: ${trail.join(' → ')}`);
}

function isLoopback(url: string): boolean {
  const { hostname } = new URL(url);
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

function parseForms(html: string, pageUrl: string): ParsedForm[] {
  const forms: ParsedForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attributes = attributesOf(match[1] ?? '');
    if ((attributes.method ?? 'get').toLowerCase() !== 'post') continue;
    const inner = match[2] ?? '';
    const fields: Record<string, string> = {};
    for (const input of inner.matchAll(/<input\b([^>]*)>/gi)) {
      const a = attributesOf(input[1] ?? '');
      if (a.name !== undefined && a.type !== 'submit') fields[a.name] = a.value ?? '';
    }
    for (const select of inner.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/gi)) {
      const name = attributesOf(select[1] ?? '').name;
      const options = [...(select[2] ?? '').matchAll(/<option\b([^>]*)>/gi)].map((o) => attributesOf(o[1] ?? ''));
      const chosen = options.find((o) => 'selected' in o) ?? options[0];
      if (name !== undefined && chosen !== undefined) fields[name] = chosen.value ?? '';
    }
    const decisions = [...inner.matchAll(/<button\b([^>]*)>/gi)]
      .map((b) => attributesOf(b[1] ?? ''))
      .filter((a) => a.name === 'decision' && a.value !== undefined)
      .map((a) => a.value!);
    forms.push({ action: new URL(attributes.action ?? pageUrl, pageUrl).href, fields, decisions });
  }
  return forms;
}

function attributesOf(text: string): Record<string, string | undefined> {
  const attributes: Record<string, string | undefined> = {};
  for (const m of text.matchAll(/([a-zA-Z_:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
    attributes[m[1]!.toLowerCase()] = unescape(m[2] ?? m[3] ?? m[4]);
  }
  return attributes;
}

function unescape(value: string | undefined): string | undefined {
  return value
    ?.replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
