/**
 * fast-check arbitraries of hostile HTTP requests, one per HTTP function of the app, for
 * tests/functions/abuse.test.ts. Each mixes valid requests with every kind of abuse and, where the
 * answer is certain, names the statuses the app may give (the test always also demands a non-5xx).
 */
export { hostileRequestsByFunction } from './by-function';
export { ABUSE_LIMITS, type AbuseFixtures, type HostileRequest, httpTrim } from './values';
