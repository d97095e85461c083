/** Ids and bodies exactly as spec/001 shows them. */
export const spec = {
  flowTypeId: 'ftp_01jt2ccyw4eh48mknzvb48erpk',
  actions: {
    DEPOSIT: 'fat_01jt2cetrheh48mkp2m8z680xz',
    WITHDRAW: 'fat_01jtj2hq14fexta3pcaeaswc62',
    REFUND: 'fat_01k5bqfxa3f6cawws5kyqpdkc9',
  },
  sticpay: {
    targetId: 'ftg_01jt2ctt8veh48mkpcx2bdeatz',
    depositDefinitionId: 'fld_01jt2cyyskeh48mkpkf3y9z6j3',
    withdrawDefinitionId: 'fld_01jtj66c27fexta3r0gczv1a8b',
    /** Not in spec/001 (its Sticpay has no refund); added with the refund script. */
    refundDefinitionId: 'fld_01m7xy8ezq9v1tnkf834gab5gf',
  },
  paymaxis: {
    targetId: 'ftg_01jwra8pvkfey9h1f71gsw1qsw',
    depositDefinitionId: 'fld_01jwraa3kffey9h1f83mjfj0sv',
    withdrawDefinitionId: 'fld_01jwwmns3keh2bjgn21e7sq9nz',
    /** Not in spec/001 (its Paymaxis shows REFUND without a definition); added with the refund script. */
    refundDefinitionId: 'fld_01m7xxzq49gxnv5kd8d6tmdrjc',
  },
} as const;

/** The request body of spec/001 step 2, verbatim. */
export function specCreatePspBody() {
  return {
    name: 'Sticpay',
    logo: 'https://example.com/stripe-test.png',
    credential: '{"merchantEmail": "merchant@example.com","apiKey": "your_api_key_here"}',
    flowTargetId: 'ftg_01jt2ctt8veh48mkpcx2bdeatz',
    operations: [
      { flowActionId: 'fat_01jt2cetrheh48mkp2m8z680xz', flowDefinitionId: 'fld_01jt2cyyskeh48mkpkf3y9z6j3', status: 'ENABLED' },
      { flowActionId: 'fat_01jtj2hq14fexta3pcaeaswc62', flowDefinitionId: 'fld_01jtj66c27fexta3r0gczv1a8b', status: 'ENABLED' },
    ],
  };
}

export const resourceTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
export const tenantIdPattern = (prefix: string) => new RegExp(`^${prefix}_[0-9A-Za-z]{26}$`);
