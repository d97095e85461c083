import { randomBytes } from 'node:crypto';

/**
 * A Paymaxis shop: what a merchant gets in the back office. The shop API key is the only secret:
 * it authenticates API calls (Bearer) and, as modeled here, signs webhooks.
 */
export interface ShopAccount {
  shopId: string;
  apiKey: string;
}

/** The fixed demo shop the README uses. Never a real key. */
export const demoShop: ShopAccount = Object.freeze({
  shopId: 'shop_demo',
  apiKey: 'pmx_sandbox_demo_shop_api_key',
});

export class ShopAccounts {
  readonly #byApiKey = new Map<string, ShopAccount>();

  constructor() {
    this.#byApiKey.set(demoShop.apiKey, demoShop);
  }

  /** A fresh shop, as the back office creates one; its key format is modeled (the real one is not public). */
  create(): ShopAccount {
    const shop = { shopId: `shop_${randomBytes(6).toString('hex')}`, apiKey: `pmx_${randomBytes(24).toString('base64url')}` };
    this.#byApiKey.set(shop.apiKey, shop);
    return shop;
  }

  byApiKey(apiKey: string): ShopAccount | undefined {
    return this.#byApiKey.get(apiKey);
  }
}
