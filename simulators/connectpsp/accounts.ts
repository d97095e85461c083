import { randomBytes, randomUUID } from 'node:crypto';
import type { StoredReply } from './idempotency.js';

/**
 * A merchant's ConnectPSP application: the four credentials the connector needs (PSP-FACTS.md),
 * its wallet and its test options. Every resource and idempotency key belongs to one account.
 */
export interface Account {
  clientId: string;
  clientSecret: string;
  /** The fixed GUID sent as the `ApplicationToken` header. */
  applicationToken: string;
  /** Key of the `DigitalSignature` HMAC and of webhook signatures. */
  cryptoToken: string;
  /** Shown to payers (BR Code, bank app). */
  merchantName: string;
  /** Centavos. Transactional covers cash-outs and refunds; proprietary is the reserve. */
  balances: { transactional: number; proprietary: number };
  /** `auto`: a cash-out settles by itself after a few (scaled) seconds; `manual`: only the control API settles it. */
  cashOutSettlement: 'auto' | 'manual';
  /** Seconds an access token lives: 3600 as documented, shorter for tests of TOKEN_EXPIRED. */
  tokenTtlSeconds: number;
  /** Per "METHOD /route key". */
  idempotency: Map<string, StoredReply>;
  /** externalReference is unique per application, separately for cash-in and cash-out. */
  externalReferences: { cashIn: Set<string>; cashOut: Set<string> };
  /** The wallet's accounts at the (single, modeled) banking partner. */
  bankAccounts: { transactional: string; proprietary: string };
}

export interface AccountOptions {
  merchantName?: string;
  transactionalBalanceCents?: number;
  proprietaryBalanceCents?: number;
  cashOutSettlement?: 'auto' | 'manual';
  tokenTtlSeconds?: number;
}

/** The README demo's account: fixed, documented credentials. */
export const demoCredentials = {
  clientId: 'connectpsp-demo',
  clientSecret: 'demo-client-secret',
  applicationToken: '6f1c2a4e-8b3d-4f5a-9c7e-2d1b0a9f8e7d',
  cryptoToken: 'demo-crypto-token',
} as const;

const defaultBalances = { transactional: 1_000_000, proprietary: 5_000_000 }; // R$ 10.000,00 and R$ 50.000,00

/** "12345678-9": eight digits and a check digit (their sum mod 10; the real rule varies per bank). */
function accountNumber(): string {
  const digits = String(randomBytes(4).readUInt32BE()).padStart(10, '0').slice(-8);
  const check = [...digits].reduce((sum, d) => sum + Number(d), 0) % 10;
  return `${digits}-${check}`;
}

export class Accounts {
  readonly #byClientId = new Map<string, Account>();

  constructor() {
    this.#add(demoCredentials, { merchantName: 'Connxt Demo Store' });
  }

  /** A fresh application with random credentials (`POST /_sim/accounts`). */
  create(options: AccountOptions = {}): Account {
    return this.#add(
      {
        clientId: `cli_${randomBytes(12).toString('hex')}`,
        clientSecret: randomBytes(24).toString('base64url'),
        applicationToken: randomUUID(),
        cryptoToken: randomBytes(32).toString('hex'),
      },
      options,
    );
  }

  get(clientId: string): Account | undefined {
    return this.#byClientId.get(clientId);
  }

  #add(credentials: Pick<Account, 'clientId' | 'clientSecret' | 'applicationToken' | 'cryptoToken'>, options: AccountOptions): Account {
    const account: Account = {
      ...credentials,
      merchantName: options.merchantName ?? 'Loja Exemplo',
      balances: {
        transactional: options.transactionalBalanceCents ?? defaultBalances.transactional,
        proprietary: options.proprietaryBalanceCents ?? defaultBalances.proprietary,
      },
      cashOutSettlement: options.cashOutSettlement ?? 'auto',
      tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
      idempotency: new Map(),
      externalReferences: { cashIn: new Set(), cashOut: new Set() },
      bankAccounts: { transactional: accountNumber(), proprietary: accountNumber() },
    };
    this.#byClientId.set(account.clientId, account);
    return account;
  }
}

/** What `POST /_sim/accounts` answers: the credentials in the connector's terms, and the options. */
export function accountCredentials(account: Account) {
  return {
    clientId: account.clientId,
    clientSecret: account.clientSecret,
    applicationToken: account.applicationToken,
    cryptoToken: account.cryptoToken,
    merchantName: account.merchantName,
    cashOutSettlement: account.cashOutSettlement,
    tokenTtlSeconds: account.tokenTtlSeconds,
  };
}
