import type { CatalogDefinition, CatalogService, CatalogSnapshot, CatalogTarget } from '../catalog/catalog-service.js';
import { builtinFlowTypes } from '../catalog/flow-types.js';
import type { Clock } from '../clock.js';
import { AppError, pgConstraint, pgErrorCode, pgErrorCodes, type FieldError } from '../errors.js';
import type { FlowExecutor, ParentTransaction, StepPsp, StepTransaction } from '../flows/flow-executor.js';
import { Redactor } from '../flows/redaction.js';
import type { StepReport } from '../flows/sandbox.js';
import { isCatalogId, isTenantId, transactionId } from '../ids.js';
import type { ReconciliationJanitor } from '../jobs/reconciliation-janitor.js';
import type { Logger } from '../logger.js';
import { parseAmount } from '../money/amount.js';
import type { CredentialCipher } from '../psps/credential-cipher.js';
import type { PspOperation } from '../psps/psp-input.js';
import type { Db } from '../store/db.js';
import type { TenantContext } from '../tenants/token-authenticator.js';
import { defaultTransitionsFor, pathBetween, type TransactionStatus, type TransitionMap } from './status.js';
import { interpretStep, type StepOutcome } from './step-outcome.js';
import {
  checkCreateTransactionShape,
  checkTransactionType,
  orderAndCustomer,
  type CreateTransactionInput,
} from './transaction-input.js';
import { checkRefundParent } from './refund-parent.js';
import { insertTransaction, moveStatus, stepRunRecord, transactionIdForOrder } from './transaction-repo.js';
import { boundedMeta, createdResponse, type CreatedTransactionResponse } from './transaction-response.js';

export interface TransactionServiceDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  catalog: CatalogService;
  cipher: CredentialCipher;
  executor: FlowExecutor;
  /** Asks the PSP about a transaction now (a refund of a deposit that has not settled does this first). */
  janitor: Pick<ReconciliationJanitor, 'reconcile'>;
}

interface PspRecord {
  id: string;
  flow_target_id: string;
  status: 'ENABLED' | 'DISABLED';
  credential: Buffer;
  operations: PspOperation[];
  host_map: Record<string, string>;
  production: boolean;
  success_redirect_url: string | null;
  failure_redirect_url: string | null;
}

const pspFlowTypeId = builtinFlowTypes.find((type) => type.name === 'PSP')!.id;

/**
 * Reconciliation's first look at a transaction that has not settled: long enough for its
 * `initiate` step to finish (15 s at most), soon enough that a process that died during it is noticed.
 */
const firstCheckDelayMs = 60_000;

/** Statuses a new transaction is stored through before its script runs (spec/000). */
const createdThrough: TransactionStatus[] = ['NEW', 'CREATED', 'INITIATED'];

/** Creates transactions and runs their `initiate` step; every query is scoped by environment. */
export class TransactionService {
  readonly #deps: TransactionServiceDeps;

  constructor(deps: TransactionServiceDeps) {
    this.#deps = deps;
  }

  async create(tenant: TenantContext, body: unknown): Promise<CreatedTransactionResponse> {
    const { db, clock, catalog } = this.#deps;
    const shapeErrors = checkCreateTransactionShape(body);
    if (shapeErrors.length > 0) throw AppError.validation(shapeErrors);
    const input = body as CreateTransactionInput;
    const snapshot = await catalog.snapshot();
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
      parent,
    };
    const credential = await this.#deps.cipher.decrypt(tenant.environmentId, psp.id, psp.credential);
    const redactor = Redactor.fromCredential(credential);
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
        statuses: createdThrough,
        nextCheckAt: new Date(clock.now().getTime() + firstCheckDelayMs),
        pendingPayload: null,
        now: clock.now(),
      });
    } catch (err) {
      throw await this.#translateInsertError(err, tenant, ids.orderId);
    }
    if (!inserted.created) {
      // Another refund of the same deposit took what was left between the check and the insert.
      throw AppError.validation([{ field: 'txnAmount', message: 'exceeds what is left to refund on the deposit' }]);
    }

    const stepPsp: StepPsp = {
      credential,
      allowedHosts: target.allowedHosts,
      hostMap: psp.production ? {} : psp.host_map,
      successRedirectUrl: psp.success_redirect_url,
      failureRedirectUrl: psp.failure_redirect_url,
      redactor,
    };
    const report = await this.#deps.executor.run('initiate', transaction, stepPsp, input.executePayload);
    const outcome = interpretStep('initiate', action.name, report);
    const settled = await this.#settleInitiate(transaction, definition, report, outcome);
    this.#deps.logger.info(
      { transactionId: transaction.id, status: settled.status, outcome: outcome.kind, scriptMs: report.durationMs },
      'transaction initiated',
    );
    return createdResponse(transaction, settled.status, settled.pspTxnId, report, outcome);
  }

  /** Moves INITIATED to where the initiate outcome leads, recording the step run, in one statement. */
  async #settleInitiate(
    transaction: StepTransaction,
    definition: CatalogDefinition,
    report: StepReport,
    outcome: StepOutcome,
  ): Promise<{ status: TransactionStatus; pspTxnId: string | null }> {
    const map: TransitionMap = definition.transitions ?? defaultTransitionsFor(transaction.action);
    const target = initiateTarget(outcome);
    const path = pathBetween(map, 'INITIATED', target) ?? [];
    if (path.length === 0) {
      this.#deps.logger.error({ transactionId: transaction.id, target }, 'transition map has no path from INITIATED');
    }
    const pspTxnId = outcome.kind === 'accepted' || outcome.kind === 'succeeded' || outcome.kind === 'failed' ? outcome.pspTxnId : undefined;
    const result = await moveStatus(this.#deps.db, {
      transactionId: transaction.id,
      expectedStatus: 'INITIATED',
      path,
      cause: 'api',
      detail: outcomeDetail(outcome),
      pspTxnId,
      stepRun: stepRunRecord('initiate', transaction.definitionVersion, report, boundedMeta(report.meta)),
      now: this.#deps.clock.now(),
    });
    return { status: result.status, pspTxnId: result.pspTxnId };
  }

  /** A REFUND must name its deposit (checked in refund-parent.ts); nothing else may name one. */
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
    return checkRefundParent(
      this.#deps.db,
      tenant.environmentId,
      input.parentTxnId,
      { pspId, currency: amount.money.currency, amountMinor: amount.money.minor },
      errors,
    );
  }

  async #loadPsp(tenant: TenantContext, pspId: string): Promise<PspRecord> {
    const { rows } = await this.#deps.db.query<PspRecord>(
      `SELECT p.id, p.flow_target_id, p.status, p.credential, p.operations,
              e.host_map, e.production, e.success_redirect_url, e.failure_redirect_url
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

/** Where `initiate` takes a transaction (issue 3): money-safe when the outcome is unknown. */
function initiateTarget(outcome: StepOutcome): TransactionStatus {
  switch (outcome.kind) {
    case 'accepted':
      return 'PG_ACCEPTED';
    case 'succeeded':
      return 'SUCCESS';
    case 'failed':
      return 'FAILED';
    case 'refused':
      return 'REJECTED';
    case 'broken':
      // Nothing left the sandbox: the PSP never saw it. Otherwise the PSP may have acted, so the
      // transaction waits for a webhook or a status check instead of being called failed.
      return outcome.reachedServer ? 'PG_ACCEPTED' : 'REJECTED';
  }
}

function outcomeDetail(outcome: StepOutcome): string | null {
  switch (outcome.kind) {
    case 'refused':
      return outcome.message;
    case 'broken':
      return outcome.reachedServer ? `${outcome.message} (outcome unknown: the PSP may have received the request)` : outcome.message;
    default:
      return outcome.message ?? null;
  }
}

function checkAction(snapshot: CatalogSnapshot, id: string, errors: FieldError[]) {
  const action = isCatalogId('fat', id) ? snapshot.action(pspFlowTypeId, id) : undefined;
  if (action === undefined) errors.push({ field: 'flowActionId', message: 'is not a flow action of the PSP flow type' });
  return action;
}

function checkTarget(snapshot: CatalogSnapshot, id: string, errors: FieldError[]): CatalogTarget | undefined {
  const target = isCatalogId('ftg', id) ? snapshot.targets.get(id) : undefined;
  if (target === undefined) {
    errors.push({ field: 'flowTargetId', message: 'is not a flow target' });
    return undefined;
  }
  if (target.status !== 'ENABLED') {
    errors.push({ field: 'flowTargetId', message: 'is disabled' });
    return undefined;
  }
  return target;
}

/** The PSP must be enabled, configured on this target, with an enabled operation for the action. */
function checkPspFor(
  psp: PspRecord,
  target: CatalogTarget,
  actionId: string,
  flowTargetId: string,
  errors: FieldError[],
): CatalogDefinition | undefined {
  if (psp.flow_target_id !== flowTargetId) {
    errors.push({ field: 'pspId', message: `is configured for flow target ${psp.flow_target_id}, not ${flowTargetId}` });
    return undefined;
  }
  if (psp.status !== 'ENABLED') {
    errors.push({ field: 'pspId', message: 'is disabled' });
    return undefined;
  }
  const operation = psp.operations.find((op) => op.flowActionId === actionId);
  if (operation === undefined || operation.status !== 'ENABLED') {
    errors.push({ field: 'flowActionId', message: 'has no enabled operation on this PSP' });
    return undefined;
  }
  const definition = target.definitions.get(actionId);
  if (definition === undefined || definition.id !== operation.flowDefinitionId) {
    errors.push({ field: 'flowActionId', message: "the PSP operation's flow definition is no longer available" });
    return undefined;
  }
  return definition;
}
