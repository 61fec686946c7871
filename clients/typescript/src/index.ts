/**
 * `@gatehouse/client`: sign in to Gatehouse, keep the rotating refresh token safe, send
 * authenticated requests, and run the account calls (password reset, e-mail verification and
 * change, deletion, export) from browsers and React Native, and passkeys in the browser. Uses only `fetch`, `AbortController`
 * and `Promise`, and jose (with WebCrypto) for the DPoP proofs of device-bound refresh tokens.
 *
 * @packageDocumentation
 */
export { GatehouseClient, type GatehouseClientOptions } from './client.js';
export {
  parseAccountLink, type AccountExport, type AccountLink, type AccountLinkAction, type EmailedSecret,
  type SecurityEvent, type SessionInfo, type User,
} from './account.js';
export {
  GatehouseError, MfaRequiredError, SessionEndedError, type Problem, type ProblemCode, type SessionEndReason,
} from './errors.js';
export { MemoryTokenStorage, type Tokens, type TokenStorage } from './storage.js';
export { type Passkey, type PublicKeyCredentialStatics, type WebAuthnPlatform } from './passkeys.js';
export {
  IndexedDbDpopKeyStore, MemoryDpopKeyStore, WebCryptoDpopProver, defaultDpopKeyStore, type DpopKeyStore, type DpopProver,
} from './dpop.js';
