import type { CatalogService } from '../catalog/catalog-service.js';
import type { StepPsp, StepTransaction } from '../flows/flow-executor.js';
import { Redactor } from '../flows/redaction.js';
import type { CredentialCipher } from '../psps/credential-cipher.js';
import type { Queryable } from '../store/db.js';
import { defaultTransitionsFor, type TransactionStatus, type TransitionMap } from './status.js';

/** A stored transaction with everything a later step (redirect, webhook, status) needs to run. */
export interface LoadedTransaction {
  transaction: StepTransaction;
  status: TransactionStatus;
  environmentId: string;
  psp: StepPsp;
  /** The definition's own map (PSP-FACTS.md); the action's default when it has none. */
  transitions: TransitionMap;
}

export interface StepContextDeps {
  db: Queryable;
  catalog: CatalogService;
  cipher: CredentialCipher;
}

interface Row {
  id: string;
  environment_id: string;
  psp_id: string;
  flow_target_id: string;
  action: string;
  status: TransactionStatus;
  amount: string;
  currency: string;
  order_id: string | null;
  customer_id: string | null;
  psp_txn_id: string | null;
  flow_definition_id: string;
  definition_version: number;
  credential: Buffer;
  host_map: Record<string, string>;
  production: boolean;
  success_redirect_url: string | null;
  failure_redirect_url: string | null;
  parent_id: string | null;
  parent_psp_txn_id: string | null;
  parent_amount: string | null;
  parent_currency: string | null;
  parent_order_id: string | null;
  parent_status: string | null;
}

/** One query: the transaction, its PSP and environment, and a refund's parent. */
export async function loadForStep(deps: StepContextDeps, transactionId: string): Promise<LoadedTransaction | undefined> {
  const { rows } = await deps.db.query<Row>(
    `SELECT t.id, t.environment_id, t.psp_id, t.flow_target_id, t.action, t.status, t.amount::text AS amount, t.currency,
            t.order_id, t.customer_id, t.psp_txn_id, t.flow_definition_id, t.definition_version,
            p.credential, e.host_map, e.production, e.success_redirect_url, e.failure_redirect_url,
            par.id AS parent_id, par.psp_txn_id AS parent_psp_txn_id, par.amount::text AS parent_amount,
            par.currency AS parent_currency, par.order_id AS parent_order_id, par.status AS parent_status
       FROM transactions t
       JOIN psps p ON p.id = t.psp_id
       JOIN environments e ON e.id = t.environment_id
       LEFT JOIN transactions par ON par.id = t.parent_transaction_id
      WHERE t.id = $1`,
    [transactionId],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  const snapshot = await deps.catalog.snapshot();
  const target = snapshot.targets.get(row.flow_target_id);
  const definition = target === undefined ? undefined : [...target.definitions.values()].find((d) => d.id === row.flow_definition_id);
  const credential = await deps.cipher.decrypt(row.environment_id, row.psp_id, row.credential);
  return {
    transaction: {
      id: row.id,
      action: row.action,
      amount: row.amount,
      currency: row.currency,
      orderId: row.order_id,
      customerId: row.customer_id,
      pspTxnId: row.psp_txn_id,
      flowDefinitionId: row.flow_definition_id,
      definitionVersion: row.definition_version,
      flowTargetId: row.flow_target_id,
      parent:
        row.parent_id === null
          ? undefined
          : {
              id: row.parent_id,
              pspTxnId: row.parent_psp_txn_id,
              amount: row.parent_amount!,
              currency: row.parent_currency!,
              orderId: row.parent_order_id,
              status: row.parent_status!,
            },
    },
    status: row.status,
    environmentId: row.environment_id,
    psp: {
      credential,
      allowedHosts: target?.allowedHosts ?? [],
      hostMap: row.production ? {} : row.host_map,
      successRedirectUrl: row.success_redirect_url,
      failureRedirectUrl: row.failure_redirect_url,
      redactor: Redactor.fromCredential(credential),
    },
    transitions: definition?.transitions ?? defaultTransitionsFor(row.action),
  };
}
