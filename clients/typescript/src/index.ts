/**
 * `@gatehouse/client`: sign in to Gatehouse, keep the rotating refresh token safe, and send
 * authenticated requests from browsers and React Native. Uses only `fetch`, `AbortController`
 * and `Promise`; no runtime dependencies.
 *
 * @packageDocumentation
 */
export { GatehouseClient, type GatehouseClientOptions } from './client.js';
export { GatehouseError, SessionEndedError, type Problem, type SessionEndReason } from './errors.js';
export { MemoryTokenStorage, type Tokens, type TokenStorage } from './storage.js';
