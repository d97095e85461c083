import { table } from '../stats.js';
import type { SoakResult } from './soak.js';

/** The soak's result as a person reads it: the run, the figures, and each check with its violations. */
export function formatReport(result: SoakResult, command: string): string {
  const { requests, flows, faults, figures, receiver } = result;
  const lines: string[] = [];
  const add = (line = '') => lines.push(line);
  add('# Connxt Engine soak');
  add(`date:     ${result.startedAt}`);
  add(`machine:  ${result.machine.cpu} × ${result.machine.cores}, ${result.machine.memoryGiB} GiB, Node ${result.machine.node}`);
  add(`command:  ${command}`);
  add(`store:    ${result.store}; seed ${result.seed}; ${result.workers} workers`);
  add(
    `time:     load ${(result.minutes * 60).toFixed(0)} s (+${(result.loadSeconds - result.minutes * 60).toFixed(0)} s finishing the flows in hand), ` +
      `drain ${result.drainSeconds.toFixed(0)} s (${result.drained ? 'drained' : 'NOT drained'}), total ${result.totalSeconds.toFixed(0)} s`,
  );
  if (result.kills.length > 0) {
    add(`crashes:  ${result.kills.map((kill) => `kill -9 at ${kill.atSeconds} s, back after ${(kill.downMs / 1000).toFixed(1)} s`).join('; ')}`);
  }
  add(`engine:   graceful stop after the drain exited ${result.engineExitCode}`);
  add();
  add('## Load');
  add(
    table(
      ['what', 'count'],
      [
        ['requests to the engine', requests.requests],
        ['  answered 2xx', requests.answers['2xx'] ?? 0],
        ['  answered 4xx (refusals, conflicts)', requests.answers['4xx'] ?? 0],
        ['  answered 5xx', requests.answers['5xx'] ?? 0],
        ['  connection errors', requests.connectionErrors],
        ['  answers abandoned on purpose', requests.abandoned],
        ['deposit flows', flows.deposits],
        ['withdrawal flows', flows.withdrawals],
        ['refund flows (racing pairs)', `${flows.refunds} (${flows.racingRefunds})`],
        ['reads', flows.reads],
        ['events redelivered by an operator', flows.redeliveries],
        ['duplicate creates (same key, at once)', flows.duplicateCreates],
        ['creates retried after a lost answer', flows.lostAnswers],
        ['creates retried after a connection error', flows.retriedAfterConnectionError],
        ['requests whose key a killed attempt still held (409)', flows.keysLeftHeld],
        ['approvals / rejections (racing pairs)', `${flows.approvals} / ${flows.rejections} (${flows.racingDecisions})`],
        ['refunds refused', flows.refusedRefunds],
        ['payer / back-office steps that failed', flows.payerErrors],
        ['flows given up at the end', flows.abandonedFlows],
        ['unexpected flow errors', result.flowErrors.count],
      ].map(([what, count]) => [String(what), String(count)]),
    ),
  );
  add();
  add('## Faults injected by the gateway simulators');
  add(
    table(
      ['fault', 'count'],
      [
        ['API 5xx', faults.error],
        ['API timeout (no answer)', faults.timeout],
        ['webhook dropped', faults.drop],
        ['webhook duplicated', faults.duplicate],
        ['webhook delayed', faults.delay],
        ['webhook repeated late', faults.replay],
        ['total', faults.total],
        ['(webhooks that arrived after a later one)', faults.outOfOrder],
      ].map(([what, count]) => [String(what), String(count)]),
    ),
  );
  add();
  add('## Outcome');
  add(
    table(
      ['what', 'count'],
      [
        ['orders sent', result.ordersSent],
        ['transactions acknowledged (200 with an id)', result.acknowledged],
        ['transactions stored', figures.transactions],
        ...Object.entries(figures.byActionAndStatus).map(([action, statuses]) => [
          `  ${action}`,
          Object.entries(statuses)
            .map(([status, n]) => `${status} ${n}`)
            .join(', '),
        ]),
        ['status changes', figures.statusChanges],
        ['gateway callbacks received', Object.entries(figures.inboundCallbacks).map(([state, n]) => `${state} ${n}`).join(', ')],
        ['merchant events', figures.merchantEvents],
        ['delivery attempts (engine log)', figures.deliveryAttempts],
        ['deliveries received by the merchants', receiver.deliveries],
        ['  accepted', receiver.accepted],
        ['  answered 5xx / slowly on purpose', `${receiver.answered5xx} / ${receiver.answeredSlowly}`],
        ['  duplicates recognised by event id', receiver.duplicates],
        ['  first copies after a later event of the same transaction', receiver.outOfOrder],
        ['left behind: outbox rows / delivery jobs', `${figures.outboxLeft} / ${figures.deliveriesLeft}`],
      ].map(([what, count]) => [String(what), String(count)]),
    ),
  );
  add();
  add('## Checks');
  add(
    table(
      ['check', 'checked', 'violations'],
      result.checks.map((check, index) => [`${index + 1}. ${check.name}`, `${check.count} ${check.unit}`, String(check.violations)]),
    ),
  );
  for (const check of result.checks) {
    for (const example of check.examples) add(`  ✗ ${check.name}: ${example}`);
  }
  for (const example of result.flowErrors.examples) add(`  ! unexpected flow error: ${example.split('\n').slice(0, 3).join(' | ')}`);
  add();
  add(result.violations === 0 ? 'violations: 0' : `violations: ${result.violations}`);
  if (result.kept !== undefined) add(`kept: ${result.kept}`);
  return lines.join('\n');
}
