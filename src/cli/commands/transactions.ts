import type { Command } from 'commander';
import type { FieldError } from '../../errors.js';
import type { TransactionQueries } from '../../transactions/transaction-queries.js';
import { environmentOption, openEnvironment } from '../environment-scope.js';
import { limitOption, throwIfErrors, withOptionNames } from '../options.js';
import { fields, nextPage, orDash, table, time } from '../output.js';
import { runCommand } from '../run-command.js';

type TransactionDetails = Awaited<ReturnType<TransactionQueries['get']>>;

interface ListOptions {
  environment: string;
  status?: string;
  psp?: string;
  action?: string;
  orderId?: string;
  createdFrom?: string;
  createdTo?: string;
  limit?: string;
  cursor?: string;
}

/** The API's query parameter → the option that carries it, for error messages. */
const optionNames = {
  status: '--status',
  pspId: '--psp',
  action: '--action',
  orderId: '--order-id',
  createdFrom: '--created-from',
  createdTo: '--created-to',
  cursor: '--cursor',
} as const;

/** `connxt transactions get|list --environment <id>`: GET /connxt/v2/transactions[/{id}] as an operator. */
export function registerTransactionCommands(program: Command): void {
  const transactions = program.command('transactions').description('look up the transactions of an environment');

  transactions
    .command('get')
    .description('show one transaction with its whole status history (and, for a deposit, its refunds)')
    .argument('<txnId>', 'transaction id')
    .requiredOption(...environmentOption)
    .action((txnId: string, options: { environment: string }, command: Command) =>
      runCommand(
        command,
        async (session) => {
          const { services, tenant } = await openEnvironment(session, options.environment);
          return services.transactionQueries.get(tenant, txnId);
        },
        transactionDetails,
      ),
    );

  transactions
    .command('list')
    .description('list the transactions of an environment, newest first')
    .requiredOption(...environmentOption)
    .option('--status <status>', 'only this status (SUCCESS, FAILED, PENDING_FOR_APPROVAL, …)')
    .option('--psp <pspId>', 'only the transactions of this PSP (psp_…)')
    .option('--action <action>', 'DEPOSIT, WITHDRAW or REFUND')
    .option('--order-id <orderId>', "only this merchant order id")
    .option('--created-from <date>', 'created at or after this ISO 8601 date or date-time (UTC unless it says otherwise)')
    .option('--created-to <date>', 'created before this ISO 8601 date or date-time')
    .option('--limit <n>', 'page size, 1 to 200 (default 50)')
    .option('--cursor <txnId>', 'the nextCursor of the previous page')
    .action((options: ListOptions, command: Command) =>
      runCommand(
        command,
        async (session) => {
          const errors: FieldError[] = [];
          const query = {
            limit: limitOption(options.limit, errors),
            cursor: options.cursor,
            status: options.status,
            pspId: options.psp,
            action: options.action,
            orderId: options.orderId,
            createdFrom: options.createdFrom,
            createdTo: options.createdTo,
          };
          throwIfErrors(errors);
          const { services, tenant } = await openEnvironment(session, options.environment);
          return withOptionNames(optionNames, () => services.transactionQueries.list(tenant, query));
        },
        ({ items, nextCursor }) =>
          [
            table(
              ['TXN ID', 'ACTION', 'STATUS', 'AMOUNT', 'ORDER', 'PSP', 'CREATED'],
              items.map((txn) => [
                txn.txnId,
                txn.action,
                txn.status,
                `${txn.txnAmount} ${txn.txnCurrency}`,
                orDash(txn.orderId),
                txn.pspId,
                time(txn.createdAt),
              ]),
              'no transactions',
            ),
            ...nextPage(nextCursor),
          ].join('\n'),
      ),
    );
}

function transactionDetails(txn: TransactionDetails): string {
  const sections = [
    fields([
      ['txn id', txn.txnId],
      ['status', txn.status],
      ['action', txn.action],
      ['amount', `${txn.txnAmount} ${txn.txnCurrency}`],
      ['order id', orDash(txn.orderId)],
      ['customer id', orDash(txn.customerId)],
      ['psp', txn.pspId],
      ['psp txn id', orDash(txn.pspTxnId)],
      ...(txn.parentTxnId === null ? [] : ([['refund of', txn.parentTxnId]] as const)),
      ['flow target', txn.flowTargetId],
      ['definition', `${txn.flowDefinitionId} v${txn.definitionVersion}`],
      ['environment', txn.environmentId],
      ['created', time(txn.createdAt)],
      ['updated', time(txn.updatedAt)],
    ]),
    '',
    'history:',
    table(
      ['#', 'TIME', 'FROM', 'TO', 'CAUSE', 'DETAIL'],
      txn.history.map((h) => [String(h.seq), time(h.createdAt), orDash(h.fromStatus), h.status, h.cause, orDash(h.detail)]),
      'no status changes',
    ),
  ];
  if (txn.refunds !== undefined) {
    const { refunds } = txn;
    sections.push(
      '',
      `refunds: ${refunds.refundedAmount} refunded, ${refunds.pendingAmount} pending, ${refunds.refundableAmount} refundable (${txn.txnCurrency})`,
      ...(refunds.items.length === 0
        ? []
        : [table(['TXN ID', 'STATUS', 'AMOUNT', 'CREATED'], refunds.items.map((r) => [r.txnId, r.status, r.txnAmount, time(r.createdAt)]), '')]),
    );
  }
  return sections.join('\n');
}
