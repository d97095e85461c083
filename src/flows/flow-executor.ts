import type { CallbackTokens } from '../callbacks/callback-tokens.js';
import type { EngineMetrics } from '../metrics/engine-metrics.js';
import type { Queryable } from '../store/db.js';
import { mapNavigation } from './navigation-host-map.js';
import type { Redactor } from './redaction.js';
import type { Sandbox, SharedModules, StepName, StepReport } from './sandbox.js';

/** The transaction as a script sees it in `ctx.transaction`. */
export interface StepTransaction {
  id: string;
  action: string;
  /** Exact decimal string at the currency's precision ("200.00"): scripts sign it as sent. */
  amount: string;
  currency: string;
  orderId: string | null;
  customerId: string | null;
  pspTxnId: string | null;
  flowDefinitionId: string;
  definitionVersion: number;
  /** Its flow target's catalog id: labels its script and gateway metrics (not part of ctx). */
  flowTargetId: string;
  /** REFUND only: the deposit it refunds, as its script needs it (the PSP's id above all). */
  parent?: ParentTransaction | undefined;
}

export interface ParentTransaction {
  id: string;
  pspTxnId: string | null;
  amount: string;
  currency: string;
  orderId: string | null;
  status: string;
}

/** What a step needs from the PSP configuration and its environment. */
export interface StepPsp {
  credential: Record<string, unknown>;
  allowedHosts: readonly string[];
  /** Empty on production environments (refused when they are configured). */
  hostMap: Readonly<Record<string, string>>;
  successRedirectUrl: string | null;
  failureRedirectUrl: string | null;
  /** Masks this credential's values (Redactor.fromCredential), built once per transaction. */
  redactor: Redactor;
}

export interface FlowExecutorDeps {
  db: Queryable;
  sandbox: Sandbox;
  /** Base of the callback URLs handed to scripts (CONNXT_PUBLIC_URL). */
  publicUrl: string;
  tokens: CallbackTokens;
  /** Every run's duration and every gateway call's latency are recorded here. */
  metrics: Pick<EngineMetrics, 'scripts' | 'gateway'>;
}

interface StoredScript {
  script: string;
  modules: SharedModules;
}

/** Script versions are immutable, so a loaded one is kept; the cap bounds memory, not staleness. */
const maxCachedScripts = 512;

/** Runs one step of a transaction's pinned definition version with the documented ctx. */
export class FlowExecutor {
  readonly #deps: FlowExecutorDeps;
  readonly #scripts = new Map<string, StoredScript>();

  constructor(deps: FlowExecutorDeps) {
    this.#deps = deps;
  }

  /** Where the payer comes back (`r`) and the PSP notifies (`w`); the tokens make them unguessable. */
  callbackUrls(transactionId: string): { redirect: string; webhook: string } {
    const base = this.#deps.publicUrl.replace(/\/+$/, '');
    const { tokens } = this.#deps;
    return {
      redirect: `${base}/connxt/v2/callbacks/r/${transactionId}/${tokens.tokenFor('r', transactionId)}`,
      webhook: `${base}/connxt/v2/callbacks/w/${transactionId}/${tokens.tokenFor('w', transactionId)}`,
    };
  }

  async run(step: StepName, transaction: StepTransaction, psp: StepPsp, data: unknown): Promise<StepReport> {
    const { script, modules } = await this.#script(transaction.flowDefinitionId, transaction.definitionVersion);
    const ctx = {
      id: transaction.id,
      step,
      credential: psp.credential,
      data: data ?? {},
      transaction: {
        id: transaction.id,
        action: transaction.action,
        amount: transaction.amount,
        currency: transaction.currency,
        orderId: transaction.orderId,
        customerId: transaction.customerId,
        pspTxnId: transaction.pspTxnId,
        parent: transaction.parent ?? null,
      },
      urls: {
        server: {
          ...this.callbackUrls(transaction.id),
          successRedirectUrl: psp.successRedirectUrl,
          failureRedirectUrl: psp.failureRedirectUrl,
        },
      },
    };
    const { scripts, gateway } = this.#deps.metrics;
    const target = transaction.flowTargetId;
    const report = await this.#deps.sandbox.run({
      scriptName: `${transaction.flowDefinitionId}@${transaction.definitionVersion}`,
      script,
      modules,
      step,
      ctx,
      egress: { allowedHosts: psp.allowedHosts, hostMap: psp.hostMap },
      redactor: psp.redactor,
      onHttpCall: (call) => gateway.observe(target, call.status, call.seconds),
    });
    scripts.observe({ target, action: transaction.action, step }, report);
    return step === 'initiate' ? { ...report, value: mapNavigation(report.value, psp.hostMap) } : report;
  }

  async #script(definitionId: string, version: number): Promise<StoredScript> {
    const key = `${definitionId}@${version}`;
    const cached = this.#scripts.get(key);
    if (cached !== undefined) return cached;
    const { rows } = await this.#deps.db.query<StoredScript>(
      'SELECT script, modules FROM flow_definition_versions WHERE definition_id = $1 AND version = $2',
      [definitionId, version],
    );
    if (rows[0] === undefined) throw new Error(`flow definition ${key} does not exist`);
    if (this.#scripts.size >= maxCachedScripts) this.#scripts.delete(this.#scripts.keys().next().value!);
    this.#scripts.set(key, rows[0]);
    return rows[0];
  }
}
