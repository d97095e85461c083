// A transaction's story in order: each status change with its cause, and between them each script
// run with its (already redacted) log lines and gateway HTTP calls.
import { h } from './dom.js';
import { badge, jsonBlock, time } from './format.js';

export function timeline(history, steps) {
  const items = [];
  const pending = [...steps];
  for (const change of history) {
    while (pending.length > 0 && pending[0].afterHistorySeq < change.seq) items.push(stepItem(pending.shift()));
    items.push(statusItem(change));
  }
  items.push(...pending.map(stepItem));
  return h('ol.timeline', { 'data-timeline': '' }, items);
}

function statusItem(change) {
  return h(
    'li.tl-status',
    { 'data-status': change.status },
    h('div.tl-head', {}, badge(change.status), h('span.muted', {}, change.fromStatus === null ? 'created' : `from ${change.fromStatus}`), h('span.cause', {}, change.cause), h('time', {}, time(change.createdAt))),
    change.detail ? h('p.detail', {}, change.detail) : null,
  );
}

function stepItem(step) {
  const logs = Object.values(step.logs ?? {});
  const calls = Object.values(step.http ?? {});
  return h(
    'li.tl-step',
    { 'data-step': step.step },
    h(
      'div.tl-head',
      {},
      h('strong', {}, `script: ${step.step}`),
      h(`span.badge.badge-${step.ok ? 'good' : 'bad'}`, {}, step.ok ? 'ok' : step.failure?.kind ?? 'failed'),
      h('span.muted', {}, `${step.durationMs} ms · v${step.definitionVersion}`),
      h('time', {}, time(step.createdAt)),
    ),
    step.failure ? h('p.error', {}, step.failure.message) : null,
    logs.length === 0 ? null : h('ul.logs', {}, logs.map((log) => h(`li.log-${log.level ?? 'info'}`, {}, h('code', {}, `${log.level ?? 'info'}`), ' ', log.message ?? JSON.stringify(log)))),
    calls.map(httpCall),
    h('details', {}, h('summary', {}, 'Result'), jsonBlock(step.result)),
  );
}

function httpCall(call) {
  const status = call.response?.status;
  return h(
    'details.http',
    { 'data-http': '' },
    h(
      'summary',
      {},
      h('code', {}, call.request?.method ?? 'GET'),
      ' ',
      h('span.url', {}, call.request?.url ?? ''),
      ' → ',
      status === undefined ? h('span.badge.badge-bad', {}, call.error ?? 'no response') : h(`span.badge.badge-${status < 400 ? 'good' : 'bad'}`, {}, String(status)),
      call.duration === undefined ? null : h('span.muted', {}, ` ${call.duration} ms`),
    ),
    h('h4', {}, 'Request'),
    jsonBlock({ headers: call.request?.headers, data: call.request?.data }),
    call.response ? [h('h4', {}, 'Response'), jsonBlock({ headers: call.response.headers, data: call.response.data })] : null,
  );
}
