import { randomBytes } from 'node:crypto';
import { currencyDigits, formatAmount, parseAmount, supportedCurrencies } from './money.js';
import type { SignType } from './signing.js';

/** A Sticpay merchant account: the e-mail that names it, its API key, its signing setting, its wallet. */
export interface Account {
  merchantEmail: string;
  apiKey: string;
  signType: SignType;
  /** Minor units per currency. Payments credit it, payouts and refunds draw on it. */
  balances: Map<string, bigint>;
}

/** The fixed account of the README demo. */
export const demoAccount = {
  merchantEmail: 'demo-merchant@sticpay.example',
  apiKey: 'sticpay-demo-api-key',
  signType: 'MD5',
} as const satisfies Pick<Account, 'merchantEmail' | 'apiKey' | 'signType'>;

/** Every new wallet starts with 10,000 of each supported currency, so payouts work before any payment. */
const openingMajorUnits = 10_000n;

export interface NewAccountOptions {
  signType?: SignType;
  /** Opening balances as decimal strings per currency, replacing the default for those currencies. */
  balances?: Record<string, string>;
}

export class Accounts {
  readonly #byEmail = new Map<string, Account>();

  constructor() {
    this.#add({ ...demoAccount, balances: openingBalances() });
  }

  /** Like the back office opening a merchant: a fresh e-mail and key. Throws a RangeError on a bad balance. */
  create(options: NewAccountOptions = {}): Account {
    const balances = openingBalances();
    for (const [currency, amount] of Object.entries(options.balances ?? {})) balances.set(currency, parseBalance(currency, amount));
    const suffix = randomBytes(6).toString('hex');
    return this.#add({
      merchantEmail: `merchant-${suffix}@sticpay.example`,
      apiKey: randomBytes(24).toString('hex'),
      signType: options.signType ?? 'MD5',
      balances,
    });
  }

  /** E-mail addresses are matched without regard to case. */
  get(merchantEmail: string): Account | undefined {
    return this.#byEmail.get(merchantEmail.toLowerCase());
  }

  setBalance(account: Account, currency: string, amount: string): void {
    account.balances.set(currency, parseBalance(currency, amount));
  }

  #add(account: Account): Account {
    this.#byEmail.set(account.merchantEmail.toLowerCase(), account);
    return account;
  }
}

export function balanceOf(account: Account, currency: string): bigint {
  return account.balances.get(currency) ?? 0n;
}

/** The account in its own terms: the fields a connector credential needs, and the balances. */
export function accountView(account: Account): Record<string, unknown> {
  return {
    merchantEmail: account.merchantEmail,
    apiKey: account.apiKey,
    signType: account.signType,
    balances: Object.fromEntries([...account.balances].map(([currency, minor]) => [currency, formatAmount(minor, currency)])),
  };
}

function openingBalances(): Map<string, bigint> {
  return new Map(supportedCurrencies.map((currency) => [currency, openingMajorUnits * 10n ** BigInt(currencyDigits[currency] ?? 2)]));
}

/** A balance may be zero, unlike an amount. */
function parseBalance(currency: string, amount: string): bigint {
  if (/^0+(\.0+)?$/.test(amount) && currencyDigits[currency] !== undefined) return 0n;
  const parsed = parseAmount(amount, currency);
  if (!parsed.ok) throw new RangeError(`balance ${currency}: ${parsed.message}`);
  return parsed.minor;
}
