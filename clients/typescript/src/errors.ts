/** The RFC 9457 `application/problem+json` body of every Gatehouse error (docs/api.md "Errors"). */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  /** The stable machine-readable reason, e.g. `invalid_credentials`, `rate_limited`. */
  code?: string;
  /** Per-field messages for `validation_failed`. */
  errors?: { field: string; message: string }[];
}

/** Gatehouse refused a login, refresh or logout for a reason other than an ended session. */
export class GatehouseError extends Error {
  /** The HTTP status, e.g. 401 for `invalid_credentials`, 429 for `rate_limited`. */
  readonly status: number;
  /** The problem `code` (docs/api.md "Problem codes"), when the body had one. */
  readonly code: string | undefined;
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
 * Why a session ended.
 * - `invalid_refresh_token`: Gatehouse refused the refresh token (expired, revoked, or replayed).
 * - `no_refresh_token`: cookie mode only; the browser sent no `gh_refresh` cookie.
 * - `logged_out`: {@link GatehouseClient.logout} was called while the request was under way.
 */
export type SessionEndReason = 'invalid_refresh_token' | 'no_refresh_token' | 'logged_out';

/** The session is over and the user has to sign in again. The tokens are already cleared. */
export class SessionEndedError extends Error {
  readonly reason: SessionEndReason;

  constructor(reason: SessionEndReason) {
    super(`The Gatehouse session has ended (${reason}); sign in again.`);
    this.name = 'SessionEndedError';
    this.reason = reason;
  }
}
