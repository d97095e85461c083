import type { NamedExample } from './envelopes.js';

/**
 * The examples of spec/001 for its three operations, value for value. Where the spec elides
 * (`"logs": { ... }`, a `...` line in the direct answer), the elided part is left out: `{}` and
 * nothing. test/openapi.test.ts compares them with the spec's own text.
 */

export const specDefinitionsAnswer: NamedExample = {
  summary: 'spec/001 step 1: the PSP flow type with Paymaxis',
  value: {
    timestamp: '2025-12-12T10:43:18Z',
    code: '200',
    message: 'Operation completed successfully',
    data: {
      name: 'PSP',
      targets: [
        {
          id: 'ftg_01jwra8pvkfey9h1f71gsw1qsw',
          name: 'Paymaxis',
          logo: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEU.....',
          status: 'ENABLED',
          credentialSchema: { type: 'object', required: ['apiKey'], properties: { apiKey: { type: 'string' } } },
          inputSchema: {
            paymentMethods: { type: 'array', items: { enum: [], type: 'string' } },
            countries: { type: 'array', items: { enum: [], type: 'string' } },
            currencies: { type: 'array', items: { enum: [], type: 'string' } },
          },
          actions: [
            { id: 'fat_01k5bqfxa3f6cawws5kyqpdkc9', name: 'REFUND', definition: null },
            {
              id: 'fat_01jtj2hq14fexta3pcaeaswc62',
              name: 'WITHDRAW',
              definition: { id: 'fld_01jwwmns3keh2bjgn21e7sq9nz', description: 'SYS-PSP-WITHDRAW-PAYMAXIS', inputSchema: {} },
            },
            {
              id: 'fat_01jt2cetrheh48mkp2m8z680xz',
              name: 'DEPOSIT',
              definition: { id: 'fld_01jwraa3kffey9h1f83mjfj0sv', description: 'SYS-PSP-DEPOSIT-PAYMAXIS', inputSchema: {} },
            },
          ],
        },
      ],
    },
  },
};

const sticpayOperations = [
  { flowActionId: 'fat_01jt2cetrheh48mkp2m8z680xz', flowDefinitionId: 'fld_01jt2cyyskeh48mkpkf3y9z6j3', status: 'ENABLED' },
  { flowActionId: 'fat_01jtj2hq14fexta3pcaeaswc62', flowDefinitionId: 'fld_01jtj66c27fexta3r0gczv1a8b', status: 'ENABLED' },
];

export const specCreatePspRequest: NamedExample = {
  summary: 'spec/001 step 2: Sticpay with deposits and withdrawals',
  value: {
    name: 'Sticpay',
    logo: 'https://example.com/stripe-test.png',
    credential: '{"merchantEmail": "merchant@example.com","apiKey": "your_api_key_here"}',
    flowTargetId: 'ftg_01jt2ctt8veh48mkpcx2bdeatz',
    operations: sticpayOperations,
  },
};

export const specCreatePspAnswer: NamedExample = {
  summary: 'spec/001 step 2: the PSP created',
  value: {
    timestamp: '2025-12-12T11:26:36Z',
    code: '200',
    message: 'Operation completed successfully',
    data: {
      id: 'psp_mSwZ5vYUDN96gEei1kiIjCJc3g',
      name: 'Sticpay',
      description: null,
      logo: 'https://example.com/stripe-test.png',
      credential: '***ENCRYPTED***',
      brandId: 'brn_McUjiTJboTbpIjdZIog2w6fWdx',
      environmentId: 'env_8AJmgfoJgGJ0eFoH8UZ6oeli42',
      flowTargetId: 'ftg_01jt2ctt8veh48mkpcx2bdeatz',
      status: 'ENABLED',
      createdAt: '2025-12-12T16:56:36',
      updatedAt: '2025-12-12T16:56:36',
      createdBy: 'env_8AJmgfoJgGJ0eFoH8UZ6oeli42',
      updatedBy: 'env_8AJmgfoJgGJ0eFoH8UZ6oeli42',
      operations: sticpayOperations,
      flowTarget: {
        id: 'ftg_01jt2ctt8veh48mkpcx2bdeatz',
        credentialSchema:
          '{"type":"object","required":["merchantEmail","apiKey"],"properties":{"apiKey":{"type":"string"},"merchantEmail":{"type":"string"}},"additionalProperties":false}',
        flowTypeId: 'ftp_01jt2ccyw4eh48mknzvb48erpk',
        currencies: ['USD'],
        countries: [],
        paymentMethods: ['Bank'],
        supportedActions: [
          { flowActionId: 'fat_01jtj2hq14fexta3pcaeaswc62', flowDefinitionId: 'fld_01jtj66c27fexta3r0gczv1a8b', flowActionName: 'WITHDRAW' },
          { flowActionId: 'fat_01jt2cetrheh48mkp2m8z680xz', flowDefinitionId: 'fld_01jt2cyyskeh48mkpkf3y9z6j3', flowActionName: 'DEPOSIT' },
        ],
      },
    },
  },
};

export const specCreateTransactionRequest: NamedExample = {
  summary: 'spec/001 step 3: a Sticpay deposit',
  value: {
    flowActionId: 'fat_01jt2cetrheh48mkp2m8z680xz',
    flowTargetId: 'ftg_01jt2ctt8veh48mkpcx2bdeatz',
    pspId: 'psp_gQzyS9RkkknYWFvgnJQj3zSNjP',
    transactionType: 'deposit',
    txnCurrency: 'USD',
    txnAmount: 200,
    executePayload: {
      body: {
        order: {
          id: '1758818848508',
          money: { amount: 12, currency: 'USD' },
          crmData: { amount: 12, currency: 'USD', conversionRate: 1 },
          timestamp: '1758818848508',
        },
        customer: {
          id: 'cust_001',
          firstName: 'Premium',
          lastName: 'Customer',
          email: 'customer.a@example.com',
          phone: { phoneNumber: '1758818848508', countryCode: '91' },
          address: { line1: '123 Main St', city: 'San Francisco', state: 'CA', zipCode: '94103', country: 'US' },
        },
        language: 'en',
        customAttributes: {},
      },
    },
  },
};

export const specRedirectAnswer: NamedExample = {
  summary: 'spec/001 step 3: the payer must go to the PSP\'s page',
  value: {
    timestamp: '2025-12-12T08:55:04Z',
    code: '200',
    message: 'Transaction created successfully',
    data: {
      success: true,
      data: {
        __type: 'success',
        data: {
          navigation: {
            type: 'redirect',
            contentType: 'url',
            value: 'https://pay.sticpay.com/1.1/pay/consume_token/54d9029814dcd97e88b8856029bc4b15216b94b499192d06001765529704',
          },
          status: 'success',
          orderId: 'ortxggdqGELpiuCQ',
          userId: 'cust_001',
        },
      },
      error: null,
      meta: { logs: {}, http: {} },
    },
  },
};

export const specDirectAnswer: NamedExample = {
  summary: 'spec/001 step 3: a transaction that completed at once',
  value: {
    timestamp: '2025-12-12T08:55:04Z',
    code: '200',
    message: 'Transaction created successfully',
    data: { txnId: 'ortxggdqGELpiuCQ', status: 'SUCCESS', pspTxnId: 'psp_transaction_123' },
  },
};
