/** Hosted pages are plain HTML forms: they work without JavaScript and in a headless browser. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A complete page; `body` must already be escaped HTML. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1d2433}
h1{font-size:1.4rem}.amount{font-size:2rem;font-weight:600;margin:.5rem 0}
form{display:flex;gap:.75rem;margin-top:1.5rem;flex-wrap:wrap}
button{font-size:1rem;padding:.7rem 1.4rem;border-radius:.4rem;border:1px solid #1d2433;cursor:pointer}
button[value=pay],button[value=approve]{background:#1d6b3a;color:#fff;border-color:#1d6b3a}
label{display:block;margin:.5rem 0 .2rem}input{font-size:1rem;padding:.4rem;width:100%;box-sizing:border-box}
.note{color:#5b6477;font-size:.9rem}code{word-break:break-all}
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

export interface DecisionButton {
  /** Sent as the `decision` form field. */
  value: string;
  label: string;
}

/**
 * A form that POSTs `decision=<button value>` plus hidden fields to `action`. The default buttons
 * are Pay and Decline, the ones tests and the browser suite press.
 */
export function decisionForm(
  action: string,
  hidden: Record<string, string> = {},
  buttons: readonly DecisionButton[] = [
    { value: 'pay', label: 'Pay' },
    { value: 'decline', label: 'Decline' },
  ],
  extraFields = '',
): string {
  const inputs = Object.entries(hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const controls = buttons
    .map((b) => `<button type="submit" name="decision" value="${escapeHtml(b.value)}">${escapeHtml(b.label)}</button>`)
    .join('');
  return `<form method="post" action="${escapeHtml(action)}">${inputs}${extraFields}${controls}</form>`;
}
