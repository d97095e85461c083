/** Keys of the PostgreSQL advisory locks that serialise start-up work across engine processes. */
export const advisoryLocks = {
  migrations: 7_240_001,
  catalogSync: 7_240_002,
  demoBootstrap: 7_240_003,
  masterKeyCheck: 7_240_004,
} as const;
