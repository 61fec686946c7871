/** The RFC 9457 `application/problem+json` body of every Gatehouse error (docs/api.md "Errors"). */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  /** The stable machine-readable reason, e.g. `invalid_credentials`, `rate_limited`. */
  code?: ProblemCode;
  /** Per-field messages for `validation_failed`. */
  errors?: { field: string; message: string }[];
  /** With `mfa_required` only: the token of the second step (docs/mfa.md "Signing in"). */
  mfaToken?: string;
}

/**
 * The problem codes of docs/api.md "Problem codes" a client meets. Among them, from the account calls:
 * - `invalid_code`: the e-mailed link or code is wrong, expired, used, superseded, or burnt by too
 *   many wrong tries ("that code is wrong or has expired; ask for a new one");
 * - `email_not_verified`: login with the right password while the service requires a verified e-mail;
 * - `last_admin`: the only remaining active admin cannot delete the account;
 * - `invalid_current_password`: e-mail change or deletion with a wrong password;
 * - `email_taken`: the new e-mail belongs to another account.
 * And from the second factor (docs/mfa.md):
 * - `mfa_required`: the right password of a user with TOTP on; thrown as {@link MfaRequiredError};
 * - `invalid_mfa_code`: a wrong TOTP or recovery code (at `loginMfa` the `mfaToken` stays usable);
 * - `mfa_already_enabled`, `mfa_not_enabled`: TOTP set up while on, or changed while off;
 * - `reauthentication_required`: TOTP set-up or a passkey added without a recent sign-in.
 * Other strings may come from newer servers.
 */
export type ProblemCode =
  | 'validation_failed' | 'malformed_request' | 'invalid_current_password' | 'invalid_credentials'
  | 'invalid_refresh_token' | 'invalid_token' | 'account_suspended' | 'forbidden' | 'csrf_rejected'
  | 'not_found' | 'method_not_allowed' | 'email_taken' | 'payload_too_large' | 'unsupported_media_type'
  | 'rate_limited' | 'service_unavailable' | 'invalid_code' | 'email_not_verified' | 'last_admin'
  | 'reauthentication_required' | 'mfa_required' | 'invalid_mfa_code' | 'mfa_already_enabled' | 'mfa_not_enabled'
  | (string & {});

/** Gatehouse refused a call for a reason other than an ended session. */
export class GatehouseError extends Error {
  /** The HTTP status, e.g. 401 for `invalid_credentials`, 429 for `rate_limited`. */
  readonly status: number;
  /** The problem `code` (docs/api.md "Problem codes"), when the body had one. */
  readonly code: ProblemCode | undefined;
  /** The whole problem body, when there was one. */
  readonly problem: Problem | undefined;
  /** Seconds from `Retry-After` (sent with 429), when present. */
  readonly retryAfter: number | undefined;

  constructor(status: number, problem: Problem | undefined, retryAfter?: number) {
    super(problem?.detail ?? problem?.title ?? `Gatehouse answered HTTP ${status}`);
    this.name = 'GatehouseError';
    this.status = status;
    this.code = problem?.code;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

/**
 * The password was right, and the account has a second factor (docs/mfa.md "Signing in"): ask the user
 * for the code from their authenticator app (or a recovery code) and call
 * {@link GatehouseClient.loginMfa} with {@link mfaToken}. The token lives 5 minutes and takes 5 codes;
 * keep it in memory only. Nothing is signed in until then.
 */
export class MfaRequiredError extends GatehouseError {
  readonly mfaToken: string;

  constructor(problem: Problem & { mfaToken: string }) {
    super(403, problem);
    this.name = 'MfaRequiredError';
    this.mfaToken = problem.mfaToken;
  }
}

/**
 * Why a session ended.
 * - `invalid_refresh_token`: Gatehouse refused the refresh token (expired, revoked, or replayed).
 * - `no_refresh_token`: cookie mode only; the browser sent no `gh_refresh` cookie.
 * - `logged_out`: {@link GatehouseClient.logout} was called while the request was under way.
 * - `account_deleted`: {@link GatehouseClient.deleteAccount} succeeded while the request was under way.
 */
export type SessionEndReason = 'invalid_refresh_token' | 'no_refresh_token' | 'logged_out' | 'account_deleted';

/** The session is over and the user has to sign in again. The tokens are already cleared. */
export class SessionEndedError extends Error {
  readonly reason: SessionEndReason;

  constructor(reason: SessionEndReason) {
    super(`The Gatehouse session has ended (${reason}); sign in again.`);
    this.name = 'SessionEndedError';
    this.reason = reason;
  }
}
