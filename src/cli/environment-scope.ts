import type { Services } from '../engine.js';
import type { TenantContext } from '../tenants/token-authenticator.js';
import type { Session } from './run-command.js';

/** The option every per-environment command takes. */
export const environmentOption = ['--environment <environmentId>', 'environment id (env_…)'] as const;

export interface EnvironmentScope {
  services: Services;
  /** What a secret token of this environment would yield (tokenId "operator"): every tenant check applies. */
  tenant: TenantContext;
}

/**
 * The services, acting as one environment the way the admin API's environment scope does. The
 * services read everything through this context, so another environment's ids are not found (3);
 * an unknown environment is not found either.
 */
export async function openEnvironment(session: Session, environmentId: string): Promise<EnvironmentScope> {
  const services = await session.services();
  return { services, tenant: await services.tenants.operatorContext(environmentId) };
}
