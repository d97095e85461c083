/** Injected wherever time decides an outcome (token expiry, throttles), so tests can move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
