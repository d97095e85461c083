import type { Account } from './accounts.js';
import type { CashIn } from './cash-in.js';
import type { CashOut } from './cash-out.js';

/**
 * Every cash-in and cash-out, with the other ids they can be looked up by: ConnectPSP's GET
 * accepts the transactionId, the internalCode or an endToEndId; the hosted pages find a charge by
 * its copy-and-paste code, its txid or its OpenFinance page token.
 */
export class Ledger {
  readonly #cashIns = new Map<string, CashIn>();
  readonly #cashOuts = new Map<string, CashOut>();
  readonly #aliases = new Map<string, string>();

  addCashIn(cashIn: CashIn): void {
    this.#cashIns.set(cashIn.transactionId, cashIn);
  }

  addCashOut(cashOut: CashOut): void {
    this.#cashOuts.set(cashOut.transactionId, cashOut);
  }

  /** Another name for a resource (internalCode, endToEndId, BR Code, page token, ...). */
  alias(name: string, transactionId: string): void {
    this.#aliases.set(name, transactionId);
  }

  cashIn(id: string, account?: Account): CashIn | undefined {
    const found = this.#cashIns.get(this.#aliases.get(id) ?? id);
    return account === undefined || found?.account === account ? found : undefined;
  }

  cashOut(id: string, account?: Account): CashOut | undefined {
    const found = this.#cashOuts.get(this.#aliases.get(id) ?? id);
    return account === undefined || found?.account === account ? found : undefined;
  }
}
