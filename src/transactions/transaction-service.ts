import type { CatalogService } from '../catalog/catalog-service.js';
import type { Clock } from '../clock.js';
import { AppError, pgConstraint, pgErrorCode, pgErrorCodes, type FieldError } from '../errors.js';
import type { FlowExecutor, ParentTransaction, StepPsp, StepTransaction } from '../flows/flow-executor.js';
import { Redactor } from '../flows/redaction.js';
import type { StepReport } from '../flows/sandbox.js';
import { isTenantId, transactionId } from '../ids.js';
import type { ReconciliationJanitor } from '../jobs/reconciliation-janitor.js';
import type { Logger } from '../logger.js';
import type { EngineMetrics } from '../metrics/engine-metrics.js';
import type { TransactionLabels } from '../metrics/transaction-metrics.js';
import { parseAmount } from '../money/amount.js';
import type { CredentialCipher } from '../psps/credential-cipher.js';
import type { Db } from '../store/db.js';
import { operatorTokenId, type TenantContext } from '../tenants/token-authenticator.js';
import { needsApproval } from './approval-limits.js';
import { checkAction, checkPspFor, checkTarget, type PspRecord } from './create-checks.js';
import { loadForStep } from './step-context.js';
import { defaultTransitionsFor, pathBetween, terminalStatuses, type TransactionStatus, type TransitionMap } from './status.js';
import { initiateTarget, interpretStep, outcomeDetail, type StepOutcome } from './step-outcome.js';
import {
  checkCreateTransactionShape,
  checkTransactionType,
  orderAndCustomer,
  type CreateTransactionInput,
} from './transaction-input.js';
import { checkRefundParent, loadRefundParent } from './refund-parent.js';
import { insertTransaction, moveStatus, stepRunRecord, transactionIdForOrder } from './transaction-repo.js';
import { awaitingApprovalResponse, boundedMeta, createdResponse, type CreatedTransactionResponse } from './transaction-response.js';
import {
  approvedThrough,
  awaitingApprovalThrough,
  findApprovalCandidate,
  notAwaitingApproval,
  pendingPayloadContext,
  type RejectInput,
} from './withdrawal-approval.js';

export interface TransactionServiceDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  catalog: CatalogService;
  cipher: CredentialCipher;
  executor: FlowExecutor;
  /** Asks the PSP about a transaction now (a refund of a deposit that has not settled does this first). */
  janitor: Pick<ReconciliationJanitor, 'reconcile'>;
  /** Creations and status changes are counted here, once their statement has applied. */
  metrics: Pick<EngineMetrics, 'transactions'>;
  /**
   * Reconciliation's first look at a transaction that has not settled (default 60 s): long enough
   * for its `initiate` step to finish (15 s at most), soon enough that a process that died during
   * it is noticed.
   */
  reconcileAfterMs?: number;
}


const defaultReconcileAfterMs = 60_000;

/** Statuses a new transaction is stored through before its script runs (spec/000). */
const createdThrough: TransactionStatus[] = ['NEW', 'CREATED', 'INITIATED'];

/**
 * Creates transactions and runs their `initiate` step, at once or, for a withdrawal that needs an
 * operator, when it is approved; every query is scoped by environment.
 */
export class TransactionService {
  readonly #deps: TransactionServiceDeps;

  constructor(deps: TransactionServiceDeps) {
    this.#deps = deps;
  }

  #firstCheckAt(): Date {
    return new Date(this.#deps.clock.now().getTime() + (this.#deps.reconcileAfterMs ?? defaultReconcileAfterMs));
  }

  async create(tenant: TenantContext, body: unknown): Promise<CreatedTransactionResponse> {
    const { db, clock, catalog } = this.#deps;
    const shapeErrors = checkCreateTransactionShape(body);
    if (shapeErrors.length > 0) throw AppError.validation(shapeErrors);
    const input = body as CreateTransactionInput;
    const snapshot = await catalog.snapshotKnowing(input.flowTargetId);
    const errors: FieldError[] = [];
    const action = checkAction(snapshot, input.flowActionId, errors);
    const target = checkTarget(snapshot, input.flowTargetId, errors);
    const amount = parseAmount(input.txnAmount, input.txnCurrency);
    if (!amount.ok) errors.push({ field: amount.field, message: amount.message });
    const transactionType = action ? checkTransactionType(action.name, input.transactionType, errors) : null;
    if (!isTenantId('psp', input.pspId)) throw AppError.notFound('PSP not found');
    const psp = await this.#loadPsp(tenant, input.pspId);
    const definition = action && target ? checkPspFor(psp, target, action.id, input.flowTargetId, errors) : undefined;
    if (definition !== undefined && errors.length === 0) {
      errors.push(...snapshot.inputValidator(definition)(input.executePayload.body));
    }
    const ids = orderAndCustomer(input.executePayload.body, errors);
    const parent = await this.#checkParent(tenant, input, action?.name, psp.id, amount, errors);
    if (errors.length > 0 || !amount.ok || action === undefined || target === undefined || definition === undefined) {
      throw AppError.validation(errors);
    }

    const transaction: StepTransaction = {
      id: transactionId(),
      action: action.name,
      amount: amount.money.decimal,
      currency: amount.money.currency,
      orderId: ids.orderId,
      customerId: ids.customerId,
      pspTxnId: null,
      flowDefinitionId: definition.id,
      definitionVersion: definition.latestVersion,
      flowTargetId: target.id,
      parent,
    };
    const credential = await this.#deps.cipher.decrypt(tenant.environmentId, psp.id, psp.credential);
    const redactor = Redactor.fromCredential(credential);
    const awaitsApproval = action.name === 'WITHDRAW' && needsApproval(psp.withdrawal_auto_approve_limits, amount.money);
    let inserted: { created: boolean };
    try {
      inserted = await insertTransaction(db, {
        ...transaction,
        brandId: tenant.brandId,
        environmentId: tenant.environmentId,
        pspId: psp.id,
        flowTargetId: target.id,
        flowActionId: action.id,
        transactionType,
        amountMinor: amount.money.minor,
        // Card numbers and CVCs never reach storage, even inside the merchant's own payload.
        executePayload: redactor.value(input.executePayload),
        parentTransactionId: parent?.id ?? null,
        statuses: awaitsApproval ? awaitingApprovalThrough : createdThrough,
        // Nothing to ask the PSP about while a person has not decided.
        nextCheckAt: awaitsApproval ? null : this.#firstCheckAt(),
        // The script will need the payload as sent, which the stored copy is not: it waits sealed.
        pendingPayload: awaitsApproval
          ? await this.#deps.cipher.sealJson(tenant.environmentId, pendingPayloadContext(transaction.id), input.executePayload)
          : null,
        cause: causeOf(tenant),
        now: clock.now(),
      });
    } catch (err) {
      throw await this.#translateInsertError(err, tenant, ids.orderId);
    }
    if (!inserted.created) {
      // Another refund of the same deposit took what was left between the check and the insert.
      throw AppError.validation([{ field: 'txnAmount', message: 'exceeds what is left to refund on the deposit' }]);
    }
    this.#deps.metrics.transactions.created(metricLabels(transaction), awaitsApproval ? awaitingApprovalThrough : createdThrough);
    // Every line about this transaction from here on carries its id (and who started it).
    const log = this.#deps.logger.child({ txnId: transaction.id, createdBy: causeOf(tenant) });
    if (awaitsApproval) {
      log.info('withdrawal waits for approval');
      return awaitingApprovalResponse(transaction);
    }

    const stepPsp: StepPsp = {
      credential,
      allowedHosts: target.allowedHosts,
      hostMap: psp.production ? {} : psp.host_map,
      successRedirectUrl: psp.success_redirect_url,
      failureRedirectUrl: psp.failure_redirect_url,
      redactor,
    };
    return this.#initiate(transaction, definition.transitions ?? defaultTransitionsFor(action.name), stepPsp, input.executePayload, causeOf(tenant), log);
  }

  /**
   * An operator approves a withdrawal waiting in PENDING_FOR_APPROVAL: it moves through APPROVED
   * to INITIATED, conditional on still waiting, so of two approvals at once exactly one runs the
   * script (the other gets a 409); then `initiate` runs as it does at creation.
   */
  async approve(tenant: TenantContext, id: string): Promise<CreatedTransactionResponse> {
    const { db, clock, cipher } = this.#deps;
    const candidate = await findApprovalCandidate(db, tenant.environmentId, id);
    if (candidate.status !== 'PENDING_FOR_APPROVAL' || candidate.pendingPayload === null) throw notAwaitingApproval(candidate.status);
    const loaded = await loadForStep(this.#deps, id);
    if (loaded === undefined) throw AppError.notFound('Transaction not found');
    // Opened before the move, which clears it: after the move it is only in this process's memory.
    const payload = await cipher.openJson(tenant.environmentId, pendingPayloadContext(id), candidate.pendingPayload);
    const moved = await moveStatus(db, {
      transactionId: id,
      expectedStatus: 'PENDING_FOR_APPROVAL',
      path: approvedThrough,
      cause: 'operator',
      detail: null,
      pspTxnId: undefined,
      stepRun: undefined,
      nextCheckAt: this.#firstCheckAt(),
      now: clock.now(),
    });
    if (!moved.moved) throw notAwaitingApproval(moved.status);
    this.#deps.metrics.transactions.entered(metricLabels(loaded.transaction), approvedThrough);
    const log = this.#deps.logger.child({ txnId: id });
    log.info('withdrawal approved');
    return this.#initiate(loaded.transaction, loaded.transitions, loaded.psp, payload, 'operator', log);
  }

  /** An operator rejects a waiting withdrawal: REJECTED with the reason as its detail; the script never runs. */
  async reject(tenant: TenantContext, id: string, input: RejectInput): Promise<void> {
    const candidate = await findApprovalCandidate(this.#deps.db, tenant.environmentId, id);
    if (candidate.status !== 'PENDING_FOR_APPROVAL') throw notAwaitingApproval(candidate.status);
    const moved = await moveStatus(this.#deps.db, {
      transactionId: id,
      expectedStatus: 'PENDING_FOR_APPROVAL',
      path: ['REJECTED'],
      cause: 'operator',
      detail: input.reason?.trim() ?? null,
      pspTxnId: undefined,
      stepRun: undefined,
      now: this.#deps.clock.now(),
    });
    if (!moved.moved) throw notAwaitingApproval(moved.status);
    this.#deps.metrics.transactions.entered({ action: candidate.action, target: candidate.flowTargetId }, ['REJECTED']);
    this.#deps.logger.child({ txnId: id }).info('withdrawal rejected');
  }

  /** Runs `initiate` on a transaction stored as INITIATED and answers what it led to. */
  async #initiate(
    transaction: StepTransaction,
    transitions: TransitionMap,
    psp: StepPsp,
    payload: unknown,
    cause: 'api' | 'operator',
    log: Logger,
  ): Promise<CreatedTransactionResponse> {
    const report = await this.#deps.executor.run('initiate', transaction, psp, payload);
    const outcome = interpretStep('initiate', transaction.action, report);
    const settled = await this.#settleInitiate(transaction, transitions, report, outcome, cause, log);
    log.info({ status: settled.status, outcome: outcome.kind, scriptMs: report.durationMs }, 'transaction initiated');
    return createdResponse(transaction, settled.status, settled.pspTxnId, report, outcome);
  }

  /** Moves INITIATED to where the initiate outcome leads, recording the step run, in one statement. */
  async #settleInitiate(
    transaction: StepTransaction,
    map: TransitionMap,
    report: StepReport,
    outcome: StepOutcome,
    cause: 'api' | 'operator',
    log: Logger,
  ): Promise<{ status: TransactionStatus; pspTxnId: string | null }> {
    const target = initiateTarget(outcome);
    const path = pathBetween(map, 'INITIATED', target) ?? [];
    if (path.length === 0) {
      log.error({ target }, 'transition map has no path from INITIATED');
    }
    const pspTxnId = outcome.kind === 'accepted' || outcome.kind === 'succeeded' || outcome.kind === 'failed' ? outcome.pspTxnId : undefined;
    const result = await moveStatus(this.#deps.db, {
      transactionId: transaction.id,
      expectedStatus: 'INITIATED',
      path,
      cause,
      detail: outcomeDetail(outcome),
      pspTxnId,
      stepRun: stepRunRecord('initiate', transaction.definitionVersion, report, boundedMeta(report.meta)),
      now: this.#deps.clock.now(),
    });
    if (result.moved) this.#deps.metrics.transactions.entered(metricLabels(transaction), path);
    return { status: result.status, pspTxnId: result.pspTxnId };
  }

  /**
   * A REFUND must name its deposit (checked in refund-parent.ts); nothing else may name one. A
   * deposit whose outcome is not final yet is asked about first (PSP-FACTS.md: reconcile before any
   * follow-up operation), so a deposit paid while its webhook is late can be refunded.
   */
  async #checkParent(
    tenant: TenantContext,
    input: CreateTransactionInput,
    actionName: string | undefined,
    pspId: string,
    amount: ReturnType<typeof parseAmount>,
    errors: FieldError[],
  ): Promise<ParentTransaction | undefined> {
    if (actionName !== 'REFUND') {
      if (input.parentTxnId !== undefined) errors.push({ field: 'parentTxnId', message: 'is only for a REFUND' });
      return undefined;
    }
    if (input.parentTxnId === undefined) {
      errors.push({ field: 'parentTxnId', message: 'is required for a REFUND: the id of the deposit to refund' });
      return undefined;
    }
    if (!amount.ok) return undefined;
    const { db, janitor, logger } = this.#deps;
    let parent = await loadRefundParent(db, tenant.environmentId, input.parentTxnId);
    if (parent.action === 'DEPOSIT' && !terminalStatuses.has(parent.status) && errors.length === 0) {
      try {
        await janitor.reconcile(parent.id);
      } catch (err) {
        // The PSP could not be asked: the deposit is judged as stored, which refuses the refund.
        logger.child({ txnId: parent.id }).warn({ err }, 'could not reconcile a deposit before its refund');
      }
      parent = await loadRefundParent(db, tenant.environmentId, parent.id);
    }
    return checkRefundParent(parent, { pspId, currency: amount.money.currency, amountMinor: amount.money.minor }, errors);
  }

  async #loadPsp(tenant: TenantContext, pspId: string): Promise<PspRecord> {
    const { rows } = await this.#deps.db.query<PspRecord>(
      `SELECT p.id, p.flow_target_id, p.status, p.credential, p.operations,
              e.host_map, e.production, e.success_redirect_url, e.failure_redirect_url, e.withdrawal_auto_approve_limits
         FROM psps p JOIN environments e ON e.id = p.environment_id
        WHERE p.id = $1 AND p.environment_id = $2`,
      [pspId, tenant.environmentId],
    );
    if (rows[0] === undefined) throw AppError.notFound('PSP not found');
    return rows[0];
  }

  async #translateInsertError(err: unknown, tenant: TenantContext, orderId: string | null): Promise<unknown> {
    if (pgErrorCode(err) !== pgErrorCodes.uniqueViolation || pgConstraint(err) !== 'transactions_order_per_environment') {
      return err;
    }
    const existing = orderId === null ? undefined : await transactionIdForOrder(this.#deps.db, tenant.environmentId, orderId);
    return AppError.conflict(`Transaction for order ${JSON.stringify(orderId)} already exists: ${existing ?? 'unknown'}`);
  }
}

function metricLabels(transaction: StepTransaction): TransactionLabels {
  return { action: transaction.action, target: transaction.flowTargetId };
}

/** An operator acting as the environment (admin API, dashboard, CLI) is recorded as such, not as the merchant. */
function causeOf(tenant: TenantContext): 'api' | 'operator' {
  return tenant.tokenId === operatorTokenId ? 'operator' : 'api';
}
