import type { AccountExport, AccountLink, EmailedSecret, User } from './account.js';
import { GatehouseError, MfaRequiredError, SessionEndedError, type Problem, type SessionEndReason } from './errors.js';
import { MemoryTokenStorage, type Tokens, type TokenStorage } from './storage.js';
import {
  credentialJson, creationOptions, defaultPlatform, requestOptions, type Passkey, type WebAuthnPlatform,
} from './passkeys.js';
import { WebCryptoDpopProver, type DpopProver } from './dpop.js';

/** Options of {@link GatehouseClient}. */
export interface GatehouseClientOptions {
  /**
   * Where Gatehouse runs, e.g. `https://auth.shop.example`. Paths starting with `/` given to
   * {@link GatehouseClient.fetch} resolve against it too.
   */
  baseUrl: string;
  /**
   * Bearer mode only: where the tokens are kept. Default {@link MemoryTokenStorage} (signed out
   * when the app restarts). On React Native use the Keychain / Keystore (see {@link TokenStorage}).
   */
  storage?: TokenStorage;
  /** The `fetch` to call. Default: the global `fetch`, looked up at each call. */
  fetch?: typeof fetch;
  /**
   * `'bearer'` (default) for mobile and server apps: the client holds both tokens.
   * `'cookie'` for browser apps (docs/api.md "Web (cookie) mode"): the refresh token lives only in the httpOnly
   * `gh_refresh` cookie, the access token only in this object's memory. Gatehouse must list the
   * page's origin in `gatehouse.cookie.allowed-origins`.
   */
  mode?: 'bearer' | 'cookie';
  /**
   * Called once when a refresh finds the session over (the tokens are already cleared): the place
   * to send the user to the sign-in screen. In cookie mode also when a page with no access token
   * yet finds no session to resume. Not called by {@link GatehouseClient.logout}.
   */
  onSessionEnded?: (reason: SessionEndReason) => void;
  /**
   * Passkeys only: `navigator.credentials` and `PublicKeyCredential`. Default: the browser's, looked up at
   * each call. React Native passes a bridge to the platform's passkey API here, or uses the JSON calls directly.
   */
  webauthn?: WebAuthnPlatform;
  /**
   * Device-bound refresh tokens (docs/dpop.md): `true` signs a DPoP proof for every sign-in, refresh and logout
   * with a non-extractable P-256 key made by WebCrypto and kept in IndexedDB (browsers) or memory (elsewhere),
   * so Gatehouse binds the session's refresh tokens to this device. Or pass your own {@link DpopProver} (a
   * {@link WebCryptoDpopProver} with another key store, or a React Native keystore bridge). Default: off.
   * Behind a proxy, Gatehouse's `gatehouse.http.public-base-url` must be this `baseUrl`.
   */
  dpop?: boolean | DpopProver;
}

/** The token response of docs/api.md "Token response"; `refreshToken` is absent in cookie mode. */
interface TokenResponse {
  accessToken: string;
  refreshToken?: string;
  sessionId: string;
}

/** What the client holds now; `refreshToken` is `null` in cookie mode. */
interface Held {
  accessToken: string;
  refreshToken: string | null;
  sessionId: string;
}

interface Answer {
  status: number;
  body: unknown;
  headers: Headers;
}

const LOGIN = '/api/auth/login';
const REFRESH = '/api/auth/refresh';
const LOGOUT = '/api/auth/logout';
const ME = '/api/users/me';
const EXPORT = '/api/users/me/export';
const FORGOT_PASSWORD = '/api/auth/password/forgot';
const RESET_PASSWORD = '/api/auth/password/reset';
const EMAIL_VERIFICATION = '/api/auth/email/verification';
const VERIFY_EMAIL = '/api/auth/email/verify';
const CHANGE_EMAIL = '/api/auth/email';
const CONFIRM_EMAIL_CHANGE = '/api/auth/email/confirm';
const PASSKEYS = '/api/auth/passkeys';
const LOGIN_MFA = '/api/auth/login/mfa';
const MFA = '/api/auth/mfa';
/** The calls that carry a DPoP proof: every sign-in, refresh and logout (docs/dpop.md). */
const PROVEN = new Set([LOGIN, LOGIN_MFA, `${PASSKEYS}/login`, REFRESH, LOGOUT]);

// A refresh that fails on the way is retried with the same token. Every retry must reach the
// server inside its reuse window (docs/tokens.md "Reuse window", 30 s by default), or the retry
// counts as a replay and ends the session: 4 attempts of at most 5 s plus 0.2 + 0.4 + 0.8 s of back-off stay well inside.
const REFRESH_ATTEMPTS = 4;
const REFRESH_TIMEOUT_MS = 5_000;
const FIRST_BACKOFF_MS = 200;
// Statuses where the server may or may not have rotated the token: 503 is Gatehouse's own
// "nothing was changed" (docs/operations.md "Database outages"); 502 and 504 come from a gateway that lost the answer.
const RETRYABLE_STATUSES = new Set([502, 503, 504]);

/**
 * Signs a user in to Gatehouse and sends authenticated requests, refreshing the access token when
 * it runs out.
 *
 * ```ts
 * const gatehouse = new GatehouseClient({ baseUrl: 'https://auth.shop.example', onSessionEnded: showSignIn });
 * await gatehouse.login(email, password, 'Alice’s iPhone');
 * const me = await gatehouse.fetch('/api/users/me');
 * ```
 *
 * The refresh is reactive: a request answered 401 triggers it. Concurrent 401s share one refresh,
 * and each request is retried once with the new access token.
 */
export class GatehouseClient {
  private readonly baseUrl: string;
  private readonly storage: TokenStorage;
  private readonly fetchImpl: typeof fetch;
  private readonly mode: 'bearer' | 'cookie';
  private readonly onSessionEnded: ((reason: SessionEndReason) => void) | undefined;
  private readonly webauthn: WebAuthnPlatform | undefined;
  private readonly dpop: DpopProver | null;

  private held: Held | null = null;
  private restoring: Promise<void> | null = null;
  /** The one refresh under way; everyone who meets a 401 meanwhile waits for it (single flight). */
  private refreshing: Promise<string> | null = null;
  private endedBy: SessionEndReason | null = null;
  /**
   * Counts sign-ins and sign-outs: a refresh that started before one of them must neither bring
   * back the tokens of a session the app has left nor report its end.
   */
  private generation = 0;

  constructor(options: GatehouseClientOptions) {
    this.mode = options.mode ?? 'bearer';
    if (this.mode === 'cookie' && options.storage) {
      throw new TypeError('GatehouseClient: cookie mode keeps no tokens in storage; drop the storage option');
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.storage = options.storage ?? new MemoryTokenStorage();
    // Looked up at call time, and never called as a method of this object ("Illegal invocation").
    this.fetchImpl = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
    this.onSessionEnded = options.onSessionEnded;
    this.webauthn = options.webauthn;
    this.dpop = options.dpop === true ? new WebCryptoDpopProver() : (options.dpop || null);
  }

  /**
   * Signs in and keeps the tokens (bearer mode: saved to the storage before this resolves).
   * Rejects with a {@link GatehouseError}: 401 `invalid_credentials`, 403 `account_suspended`,
   * 429 `rate_limited` (see `retryAfter`), 400 `validation_failed`; and with a {@link MfaRequiredError}
   * when the account has a second factor: ask for the code and call {@link loginMfa} with its `mfaToken`.
   */
  async login(email: string, password: string, deviceName?: string): Promise<void> {
    await this.restore();
    const body: Record<string, string> = { email, password };
    if (deviceName !== undefined) {
      body.deviceName = deviceName;
    }
    await this.signedIn(await this.post(LOGIN, body));
  }

  /**
   * The second step of a sign-in that threw {@link MfaRequiredError} (docs/mfa.md "Signing in"): the code
   * from the user's authenticator app, or one of their recovery codes. Keeps the session exactly as
   * {@link login} does. Rejects with a {@link GatehouseError}: 401 `invalid_mfa_code` (the same `mfaToken`
   * may be tried again, 5 codes in all), 401 `invalid_credentials` (the token is used, expired or dead:
   * start again with {@link login}), 429 `rate_limited`, 403 `account_suspended` or `email_not_verified`.
   */
  async loginMfa(mfaToken: string, secondFactor: { code: string } | { recoveryCode: string }): Promise<void> {
    await this.restore();
    const body = 'code' in secondFactor ? { mfaToken, code: secondFactor.code } : { mfaToken, recoveryCode: secondFactor.recoveryCode };
    await this.signedIn(await this.post(LOGIN_MFA, body));
  }

  /** Keeps the session a sign-in answered with (password or passkey), or throws its refusal. */
  private async signedIn(answer: Answer): Promise<void> {
    if (answer.status !== 200) {
      throw errorOf(answer);
    }
    const tokens = tokenResponse(answer.body);
    if (!tokens) {
      throw new GatehouseError(answer.status, undefined);
    }
    this.generation += 1;
    await this.keep(tokens);
    this.endedBy = null;
  }

  /**
   * Ends the session on the server (every token of it) and forgets the tokens here. The local
   * sign-out happens even when the server cannot be reached; the promise then rejects with that
   * error, so the app can tell the user the session may still be live on the server.
   */
  async logout(): Promise<void> {
    await this.restore();
    // Log out with the newest token, and stop a refresh landing later from signing back in.
    await this.refreshing?.catch(() => undefined);
    const refreshToken = this.held?.refreshToken ?? null;
    try {
      if (this.mode === 'cookie' || refreshToken !== null) {
        const answer = await this.post(LOGOUT, refreshToken === null ? undefined : { refreshToken });
        if (answer.status !== 204) {
          throw errorOf(answer);
        }
      }
    } finally {
      await this.forget('logged_out');
    }
  }

  // --- Account calls (docs/clients.md "Account calls"). Those marked "signed in" send the access
  // token through fetch() below (refresh on 401, safe in parallel); the others send no token and no
  // cookie. Each rejects with a GatehouseError whose `code` says why; 429 `rate_limited` has `retryAfter`.

  /** The signed-in user, with `emailVerified`. Signed in. */
  async me(): Promise<User> {
    return (await this.readJson(await this.authenticated('GET', ME))) as User;
  }

  /**
   * Asks for a password-reset mail (link and code). Resolves alike whether or not the address has
   * an account, so the app shows the same "check your mail" either way. Not signed in.
   */
  async forgotPassword(email: string): Promise<void> {
    await this.anonymous(FORGOT_PASSWORD, { email });
  }

  /**
   * Sets a new password with the reset mail's link token (e.g. from {@link parseAccountLink}) or its
   * code. Every session of the user ends, this client's too: sign in again with the new password.
   * 400 `invalid_code`, 400 `validation_failed` (password rules; the code is not used up). Not signed in.
   */
  async resetPassword(secret: EmailedSecret, newPassword: string): Promise<void> {
    await this.anonymous(RESET_PASSWORD, { ...secretBody(secret, 'reset-password'), newPassword });
  }

  /**
   * Asks for a new verification mail: for the signed-in user when `email` is left out, else for
   * that address (a sign-in screen's "resend", e.g. after 403 `email_not_verified`). Resolves alike
   * when the address is unknown or already verified.
   */
  async requestEmailVerification(email?: string): Promise<void> {
    if (email === undefined) {
      await this.expectSuccess(await this.authenticated('POST', EMAIL_VERIFICATION));
    } else {
      await this.anonymous(EMAIL_VERIFICATION, { email });
    }
  }

  /** Marks the e-mail verified with the mail's link token or its code. 400 `invalid_code`. Not signed in. */
  async verifyEmail(secret: EmailedSecret): Promise<void> {
    await this.anonymous(VERIFY_EMAIL, secretBody(secret, 'verify-email'));
  }

  /**
   * Starts an e-mail change: a confirmation mail goes to `newEmail`; nothing changes until it is
   * confirmed ({@link confirmEmailChange}). 400 `invalid_current_password`, 409 `email_taken`. Signed in.
   */
  async changeEmail(newEmail: string, currentPassword: string): Promise<void> {
    await this.expectSuccess(await this.authenticated('POST', CHANGE_EMAIL, { newEmail, currentPassword }));
  }

  /**
   * Confirms an e-mail change with the link token (not signed in: the link may be opened on any
   * device) or with the code typed into the signed-in app. The access tokens with the old address
   * stop working; this client's session stays and refreshes to the new one. 400 `invalid_code`,
   * 409 `email_taken`.
   */
  async confirmEmailChange(secret: { token: string } | { code: string }): Promise<void> {
    if ('token' in secret) {
      await this.anonymous(CONFIRM_EMAIL_CHANGE, secretBody(secret, 'confirm-email-change'));
    } else {
      await this.expectSuccess(await this.authenticated('POST', CONFIRM_EMAIL_CHANGE, { code: secret.code }));
    }
  }

  /**
   * Deletes the account and its data for good (App Store Review Guideline 5.1.1(v)), then forgets
   * the tokens as {@link logout} does (without calling `onSessionEnded`); in cookie mode it also
   * asks Gatehouse to clear the `gh_refresh` cookie. 400 `invalid_current_password`, 409 `last_admin`
   * (the only active admin). Signed in.
   */
  async deleteAccount(password: string): Promise<void> {
    const response = await this.authenticated('DELETE', ME, { password });
    if (response.ok) {
      await this.forget('account_deleted'); // at once: a refresh landing now must not report a "replay"
    }
    await this.expectSuccess(response);
    if (this.mode === 'cookie') {
      // The session is gone on the server; this only clears the dead cookie, so a failure is no error.
      await this.post(LOGOUT, undefined).catch(() => undefined);
    }
  }

  // --- The second factor (docs/mfa.md). Signed in; each rejects with a GatehouseError whose `code` says why.

  /**
   * Starts TOTP set-up: a new secret for the user's authenticator app, as base32 `secret` (to type in) and
   * `otpauthUri` (to show as a QR code, or to open on the same phone). Nothing changes until
   * {@link confirmTotp}. 403 `reauthentication_required` (sign in again, with a verified e-mail), 409
   * `mfa_already_enabled`.
   */
  async setupTotp(): Promise<{ secret: string; otpauthUri: string }> {
    return (await this.readJson(await this.authenticated('POST', `${MFA}/totp/setup`))) as { secret: string; otpauthUri: string };
  }

  /**
   * Turns TOTP on with the first code the app shows; resolves to the ten recovery codes, shown this once:
   * let the user save them. 400 `invalid_mfa_code`, 409 `mfa_not_enabled` (no pending set-up: start again).
   */
  async confirmTotp(code: string): Promise<string[]> {
    return recoveryCodesOf(await this.readJson(await this.authenticated('POST', `${MFA}/totp/confirm`, { code })));
  }

  /** A new set of recovery codes for a current TOTP code; the old set stops working. 400 `invalid_mfa_code`. */
  async renewRecoveryCodes(code: string): Promise<string[]> {
    return recoveryCodesOf(await this.readJson(await this.authenticated('POST', `${MFA}/recovery-codes`, { code })));
  }

  /**
   * Turns TOTP off with a code or a recovery code. The user's access tokens stop at once (a new security
   * stamp); this client's session stays and refreshes on its next 401. 400 `invalid_mfa_code`, 409 `mfa_not_enabled`.
   */
  async disableTotp(secondFactor: { code: string } | { recoveryCode: string }): Promise<void> {
    await this.expectSuccess(await this.authenticated('DELETE', `${MFA}/totp`, secondFactor));
  }

  /** The user's data as JSON (GDPR Art. 15 and 20): profile, sessions, passkeys, security events. Signed in. */
  async exportData(): Promise<AccountExport> {
    return (await this.readJson(await this.authenticated('GET', EXPORT))) as AccountExport;
  }

  /**
   * The same export as a `Blob` (`application/json`) to hand to the user as a file, e.g. through
   * `URL.createObjectURL` and a link with `download="gatehouse-export.json"`. Signed in.
   */
  async exportDataFile(): Promise<Blob> {
    const response = await this.authenticated('GET', EXPORT);
    if (response.status !== 200) {
      throw await errorOfResponse(response);
    }
    return new Blob([await response.text()], { type: 'application/json' });
  }

  /**
   * Adds a passkey to the signed-in account (docs/passkeys.md "Adding a passkey"): asks Gatehouse for
   * options, lets the browser create the credential (the user confirms with a fingerprint, face or PIN),
   * and sends it back. Needs a verified e-mail and a sign-in of the last 5 minutes, else a
   * {@link GatehouseError} 403 `reauthentication_required`; 400 `invalid_passkey` when it does not
   * verify. The browser's own refusal (the user cancelled: `NotAllowedError`) is thrown as it is.
   */
  async registerPasskey(options: { name?: string } = {}): Promise<Passkey> {
    const platform = this.platform();
    const flow = (await this.readJson(await this.authenticated('POST', `${PASSKEYS}/register/options`))) as
      { flowId: string; publicKey: Record<string, unknown> };
    const credential = await platform.credentials.create({ publicKey: creationOptions(flow.publicKey, platform) });
    if (credential === null) {
      throw new TypeError('GatehouseClient.registerPasskey: the browser created no credential');
    }
    const body: Record<string, unknown> = { flowId: flow.flowId, credential: credentialJson(credential as PublicKeyCredential) };
    if (options.name !== undefined) {
      body.name = options.name;
    }
    const response = await this.authenticated('POST', `${PASSKEYS}/register`, body);
    if (response.status !== 201) {
      throw await errorOfResponse(response);
    }
    const added = parseJson(await response.text());
    if (added === null || typeof added !== 'object' || Array.isArray(added)) {
      throw new GatehouseError(response.status, { detail: 'Gatehouse answered with something other than a JSON object' });
    }
    return added as Passkey;
  }

  /**
   * Signs in with a passkey alone, no e-mail typed (docs/passkeys.md "Signing in"): the browser offers
   * the passkeys it has for this site, and the session is kept exactly as {@link login} keeps it, in
   * bearer or cookie mode. Rejects with a {@link GatehouseError} 401 `invalid_credentials` (the
   * passkey did not verify or is unknown), 403 `account_suspended`, 429 `rate_limited`.
   */
  async signInWithPasskey(options: { deviceName?: string } = {}): Promise<void> {
    const platform = this.platform();
    await this.restore();
    const start = await this.post(`${PASSKEYS}/login/options`, undefined);
    if (start.status !== 200) {
      throw errorOf(start);
    }
    const flow = start.body as { flowId: string; publicKey: Record<string, unknown> };
    const credential = await platform.credentials.get({ publicKey: requestOptions(flow.publicKey, platform) });
    if (credential === null) {
      throw new TypeError('GatehouseClient.signInWithPasskey: the browser returned no credential');
    }
    const body: Record<string, unknown> = { flowId: flow.flowId, credential: credentialJson(credential as PublicKeyCredential) };
    if (options.deviceName !== undefined) {
      body.deviceName = options.deviceName;
    }
    await this.signedIn(await this.post(`${PASSKEYS}/login`, body));
  }

  /** The signed-in user's passkeys, newest first. */
  async passkeys(): Promise<Passkey[]> {
    const response = await this.authenticated('GET', PASSKEYS);
    if (response.status !== 200) {
      throw await errorOfResponse(response);
    }
    const body = parseJson(await response.text());
    if (!Array.isArray(body)) {
      throw new GatehouseError(response.status, { detail: 'Gatehouse answered with something other than a JSON array' });
    }
    return body as Passkey[];
  }

  /** Renames one of the user's passkeys (1 to 100 characters). */
  async renamePasskey(id: string, name: string): Promise<void> {
    await this.expectSuccess(await this.authenticated('PATCH', `${PASSKEYS}/${encodeURIComponent(id)}`, { name }));
  }

  /** Removes one of the user's passkeys: it signs in no more. */
  async deletePasskey(id: string): Promise<void> {
    await this.expectSuccess(await this.authenticated('DELETE', `${PASSKEYS}/${encodeURIComponent(id)}`));
  }

  private platform(): WebAuthnPlatform {
    const platform = this.webauthn ?? defaultPlatform();
    if (platform === undefined) {
      throw new TypeError('GatehouseClient: no WebAuthn here (navigator.credentials); pass the webauthn option');
    }
    return platform;
  }

  /** A Bearer call to Gatehouse through {@link fetch}: refresh on 401 and one retry included. */
  private authenticated(method: string, path: string, body?: object): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const init: RequestInit = { method, headers };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return this.fetch(path, init);
  }

  /**
   * A POST without any token. In cookie mode it omits credentials too: the refresh cookie is sent
   * only where it is the credential (refresh, logout).
   */
  private async anonymous(path: string, body: object): Promise<void> {
    const response = await this.fetchImpl(this.baseUrl + path, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'omit',
    });
    await this.expectSuccess(response);
  }

  private async expectSuccess(response: Response): Promise<void> {
    if (!response.ok) {
      throw await errorOfResponse(response);
    }
    await response.arrayBuffer(); // release the connection
  }

  private async readJson(response: Response): Promise<unknown> {
    if (response.status !== 200) {
      throw await errorOfResponse(response);
    }
    const body = parseJson(await response.text());
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new GatehouseError(response.status, { detail: 'Gatehouse answered with something other than a JSON object' });
    }
    return body;
  }

  /**
   * `fetch` with `Authorization: Bearer <access token>`. On a 401 it refreshes the access token
   * (one refresh shared by all concurrent callers) and sends the request once more.
   *
   * A string `input` starting with `/` is resolved against `baseUrl`. Only send the access token to
   * your own APIs: every request made through this method carries it.
   *
   * The body must be re-readable for that second attempt: a string, `URLSearchParams`, `Blob`,
   * `FormData`, `ArrayBuffer` or typed array in `init.body`, or a `Request` (it is cloned). A
   * `ReadableStream` body is refused with a `TypeError` before anything is sent.
   *
   * Resolves with the server's response, whatever its status (a 401 only when the retry got one
   * too, or when the client holds no session in bearer mode). Rejects with
   * {@link SessionEndedError} when the session has ended, with {@link GatehouseError} when a
   * refresh was refused for another reason, and with the network error when Gatehouse could not
   * be reached after a few retries.
   */
  async fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    assertReplayable(input, init);
    await this.restore();
    const sentWith = this.held?.accessToken ?? null;
    const response = await this.send(input, init, sentWith);
    if (response.status !== 401) {
      return response;
    }
    const fresh = await this.accessTokenAfter(sentWith);
    if (fresh === null) {
      return response;
    }
    void response.text().catch(() => undefined); // release the connection of the answer we drop
    return this.send(input, init, fresh);
  }

  /**
   * A usable access token for a request that got 401 with `sentWith`: the one another caller has
   * already obtained, or the result of the one shared refresh. `null` when there is no session to
   * refresh (bearer mode, never signed in).
   */
  private accessTokenAfter(sentWith: string | null): Promise<string | null> {
    const held = this.held;
    if (held !== null && held.accessToken !== sentWith) {
      return Promise.resolve(held.accessToken); // refreshed since this request went out
    }
    if (this.refreshing !== null) {
      return this.refreshing;
    }
    if (held === null) {
      if (sentWith !== null) {
        // The session ended while this request was under way.
        return Promise.reject(new SessionEndedError(this.endedBy ?? 'logged_out'));
      }
      if (this.mode === 'bearer') {
        return Promise.resolve(null);
      }
      // Cookie mode after a page load: the cookie may still hold a session.
    }
    const refreshing = this.refresh().finally(() => {
      this.refreshing = null;
    });
    this.refreshing = refreshing;
    return refreshing;
  }

  /**
   * One refresh, retried with the same token when the answer is lost: inside the reuse window the
   * retry gets the same successor (docs/tokens.md "Reuse window").
   */
  private async refresh(): Promise<string> {
    const refreshToken = this.held?.refreshToken ?? null;
    const generation = this.generation;
    let lastFailure: unknown;
    for (let attempt = 0; attempt < REFRESH_ATTEMPTS; attempt++) {
      if (attempt > 0) {
        await delay(FIRST_BACKOFF_MS * 2 ** (attempt - 1));
      }
      let answer: Answer;
      try {
        answer = await this.post(REFRESH, refreshToken === null ? undefined : { refreshToken }, REFRESH_TIMEOUT_MS);
      } catch (lost) {
        lastFailure = lost; // the server may have rotated: only the same token gets the successor
        continue;
      }
      if (this.generation !== generation) {
        return this.afterSignInOrOut(); // the answer belongs to a session the app has left
      }
      if (answer.status === 200) {
        const tokens = tokenResponse(answer.body);
        if (tokens) {
          return this.keep(tokens);
        }
        lastFailure = new GatehouseError(answer.status, undefined); // a cut-off body counts as a lost answer
        continue;
      }
      if (RETRYABLE_STATUSES.has(answer.status)) {
        lastFailure = errorOf(answer);
        continue;
      }
      if (answer.status === 401) {
        return this.end('invalid_refresh_token');
      }
      if (this.mode === 'cookie' && answer.status === 400 && problemOf(answer.body)?.code === 'validation_failed') {
        return this.end('no_refresh_token'); // no cookie was sent
      }
      throw errorOf(answer);
    }
    throw lastFailure;
  }

  /** For a refresh overtaken by a login, logout or deletion: what the client holds now. */
  private afterSignInOrOut(): Promise<string> {
    return this.held !== null
      ? Promise.resolve(this.held.accessToken)
      : Promise.reject(new SessionEndedError(this.endedBy ?? 'logged_out'));
  }

  /** Holds new tokens; in bearer mode saves them first, so a killed app keeps the newest refresh token. */
  private async keep(tokens: TokenResponse): Promise<string> {
    if (this.mode === 'cookie') {
      // docs/api.md "The gh_refresh cookie": the refresh token is the cookie's business; never read or keep it here.
      this.held = { accessToken: tokens.accessToken, refreshToken: null, sessionId: tokens.sessionId };
      return tokens.accessToken;
    }
    if (typeof tokens.refreshToken !== 'string') {
      throw new GatehouseError(200, { detail: 'The token response has no refreshToken (is the server in cookie mode?)' });
    }
    const saved: Tokens = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, sessionId: tokens.sessionId };
    await this.storage.save(saved);
    this.held = { ...saved };
    return saved.accessToken;
  }

  /** Gatehouse ended the session: clear everything, tell the app, reject the waiting callers. */
  private async end(reason: SessionEndReason): Promise<never> {
    await this.forget(reason);
    try {
      this.onSessionEnded?.(reason);
    } catch (callbackError) {
      // The app's bug must not replace the SessionEndedError; report it on its own.
      setTimeout(() => {
        throw callbackError;
      });
    }
    throw new SessionEndedError(reason);
  }

  private async forget(reason: SessionEndReason): Promise<void> {
    this.held = null;
    this.generation += 1;
    this.endedBy = reason;
    if (this.mode === 'bearer') {
      await this.storage.clear();
    }
    // The next session gets a new key (docs/dpop.md "How clients keep their key").
    await this.dpop?.reset();
  }

  /** Loads the saved tokens once, on first use; a failed load (a locked Keychain) is tried again next time. */
  private restore(): Promise<void> {
    if (this.restoring === null) {
      this.restoring = this.mode === 'cookie'
        ? Promise.resolve()
        : this.storage.load().then((tokens) => {
          if (this.held === null && tokens !== null) {
            this.held = { ...tokens };
          }
        }, (error: unknown) => {
          this.restoring = null;
          throw error;
        });
    }
    return this.restoring;
  }

  private send(input: RequestInfo | URL, init: RequestInit | undefined, accessToken: string | null): Promise<Response> {
    // Like fetch: init.headers, when given, replace the Request's headers.
    const headers = new Headers(init?.headers ?? (isRequest(input) ? input.headers : undefined));
    if (accessToken !== null) {
      headers.set('Authorization', `Bearer ${accessToken}`);
    }
    const target = isRequest(input) ? input.clone() : this.resolve(input);
    return this.fetchImpl(target, { ...init, headers });
  }

  /**
   * A POST to a Gatehouse token endpoint; the body is read inside the timeout too. Sign-ins, refreshes and
   * logouts carry a fresh DPoP proof when {@link GatehouseClientOptions.dpop} is on: each attempt of a retried
   * refresh signs its own (a proof is accepted once), with the same key, so a retry gets the same successor.
   */
  private async post(path: string, body: object | undefined, timeoutMs?: number): Promise<Answer> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.dpop !== null && PROVEN.has(path)) {
      headers.DPoP = await this.dpop.proof('POST', this.baseUrl + path);
    }
    const init: RequestInit = { method: 'POST', headers };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    if (this.mode === 'cookie') {
      // The header opts in to cookie mode and is the CSRF defence (docs/api.md "CSRF defence");
      // credentials carry the cookie.
      headers['X-Gatehouse-Client'] = 'web';
      init.credentials = 'include';
    }
    const controller = timeoutMs === undefined ? null : new AbortController();
    const timer = controller === null ? null : setTimeout(() => controller.abort(), timeoutMs);
    try {
      if (controller !== null) {
        init.signal = controller.signal;
      }
      const response = await this.fetchImpl(this.baseUrl + path, init);
      const text = await response.text();
      return { status: response.status, body: parseJson(text), headers: response.headers };
    } finally {
      if (timer !== null) {
        clearTimeout(timer);
      }
    }
  }

  private resolve(input: string | URL): string | URL {
    return typeof input === 'string' && input.startsWith('/') ? this.baseUrl + input : input;
  }
}

function isRequest(input: unknown): input is Request {
  return typeof Request !== 'undefined' && input instanceof Request;
}

/** `instanceof` for classes a runtime may lack (React Native has no `ReadableStream` in some versions). */
function isInstance(value: unknown, global: string): boolean {
  const type = (globalThis as unknown as Record<string, unknown>)[global];
  return typeof type === 'function' && value instanceof type;
}

/** A retry after a refresh sends the body again; a stream can be read only once. */
function assertReplayable(input: RequestInfo | URL, init: RequestInit | undefined): void {
  if (isRequest(input) && input.bodyUsed) {
    throw new TypeError('GatehouseClient.fetch: the Request body was already read');
  }
  const body = init?.body;
  if (body === undefined || body === null || typeof body === 'string' || body instanceof ArrayBuffer
    || ArrayBuffer.isView(body) || ['URLSearchParams', 'Blob', 'FormData'].some((type) => isInstance(body, type))) {
    return;
  }
  throw new TypeError('GatehouseClient.fetch: the body must be re-readable for the retry after a refresh '
    + '(a string, URLSearchParams, Blob, FormData, ArrayBuffer or typed array, or a Request); a stream is sent only once');
}

function tokenResponse(body: unknown): TokenResponse | null {
  const tokens = body as Partial<TokenResponse> | null;
  return tokens !== null && typeof tokens === 'object' && typeof tokens.accessToken === 'string'
    && typeof tokens.sessionId === 'string' ? (tokens as TokenResponse) : null;
}

function recoveryCodesOf(body: unknown): string[] {
  const codes = (body as { recoveryCodes?: unknown }).recoveryCodes;
  if (!Array.isArray(codes) || !codes.every((code) => typeof code === 'string')) {
    throw new GatehouseError(200, { detail: 'Gatehouse answered without recovery codes' });
  }
  return codes as string[];
}

function problemOf(body: unknown): Problem | undefined {
  return body !== null && typeof body === 'object' ? (body as Problem) : undefined;
}

/**
 * The body of a call that takes an e-mailed secret: only the members Gatehouse reads, so an
 * {@link AccountLink} can be passed as it is, and one for another action is refused before it is sent.
 */
function secretBody(secret: EmailedSecret, action: AccountLink['action']): Record<string, string> {
  const linkAction = (secret as Partial<AccountLink>).action;
  if (linkAction !== undefined && linkAction !== action) {
    throw new TypeError(`GatehouseClient: a ${linkAction} link cannot be used to ${action.replace(/-/g, ' ')}`);
  }
  return 'token' in secret ? { token: secret.token } : { email: secret.email, code: secret.code };
}

async function errorOfResponse(response: Response): Promise<GatehouseError> {
  return errorOf({ status: response.status, body: parseJson(await response.text()), headers: response.headers });
}

function errorOf(answer: Answer): GatehouseError {
  const problem = problemOf(answer.body);
  if (answer.status === 403 && problem?.code === 'mfa_required' && typeof problem.mfaToken === 'string') {
    return new MfaRequiredError(problem as Problem & { mfaToken: string });
  }
  const retryAfter = Number(answer.headers.get('Retry-After') ?? Number.NaN);
  return new GatehouseError(answer.status, problemOf(answer.body), Number.isFinite(retryAfter) ? retryAfter : undefined);
}

function parseJson(text: string): unknown {
  if (text === '') {
    return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    return null; // e.g. a gateway's HTML error page
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
