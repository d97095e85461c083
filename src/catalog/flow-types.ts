/**
 * The flow types and actions Connxt defines. Their ids are the ones spec/001 shows, so that
 * clients written against Connxt keep working unchanged.
 */
export const actionNames = ['DEPOSIT', 'WITHDRAW', 'REFUND'] as const;
export type ActionName = (typeof actionNames)[number];

export interface FlowTypeSeed {
  id: string;
  name: string;
  actions: Record<ActionName, string>;
}

export const builtinFlowTypes: readonly FlowTypeSeed[] = [
  {
    id: 'ftp_01jt2ccyw4eh48mknzvb48erpk',
    name: 'PSP',
    actions: {
      DEPOSIT: 'fat_01jt2cetrheh48mkp2m8z680xz',
      WITHDRAW: 'fat_01jtj2hq14fexta3pcaeaswc62',
      REFUND: 'fat_01k5bqfxa3f6cawws5kyqpdkc9',
    },
  },
];
