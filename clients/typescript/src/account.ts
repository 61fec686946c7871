/** The signed-in user, as `GET /api/users/me` shows it (docs/api.md "GET /api/users/me"). */
export interface User {
  id: string;
  email: string;
  displayName: string | null;
  roles: string[];
  /** Whether the user has proven the e-mail address (docs/clients.md "Account calls"). */
  emailVerified: boolean;
  /** Whether a second factor (TOTP) is on (docs/mfa.md). */
  mfaEnabled: boolean;
}

/** One of the user's sessions (docs/api.md "GET /api/auth/sessions"). */
export interface SessionInfo {
  id: string;
  deviceName: string | null;
  userAgent: string | null;
  ipAddress: string | null;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  current?: boolean;
}

/** A security event of the user (`kind` such as `password_reset`, `email_changed`). */
export interface SecurityEvent {
  kind: string;
  sessionId: string | null;
  at: string;
  details: Record<string, unknown>;
}

/**
 * The user's data (docs/clients.md "Exporting the data"): what the API shows
 * of the account, never a hash, secret or token. Later versions may add members.
 */
export interface AccountExport {
  user: User & Record<string, unknown>;
  sessions: SessionInfo[];
  passkeys: Record<string, unknown>[];
  events: SecurityEvent[];
  [member: string]: unknown;
}

/**
 * What proves an e-mailed one-time secret: the link's `token`, or the six-digit `code` the user
 * typed with the address it went to. The mail's link and code are one secret: either consumes both.
 */
export type EmailedSecret = { token: string } | { email: string; code: string };

/** The actions of Gatehouse's mail links, `<link-base-url>/<action>?token=...` (docs/clients.md "Links in mails"). */
export type AccountLinkAction = 'reset-password' | 'verify-email' | 'confirm-email-change';

/** A mail link taken apart by {@link parseAccountLink}. */
export interface AccountLink {
  action: AccountLinkAction;
  /** `gatehouse_ot_` + 43 base64url characters; a secret: never log it. */
  token: string;
}

const ACTIONS: readonly AccountLinkAction[] = ['reset-password', 'verify-email', 'confirm-email-change'];
// docs/clients.md "Links in mails": 32 random bytes in unpadded base64url.
const ONE_TIME_TOKEN = /^gatehouse_ot_[A-Za-z0-9_-]{43}$/;
// Far above any link Gatehouse sends; a longer string is not one of its links.
const MAX_LINK_LENGTH = 2048;

/**
 * Takes apart a link from a Gatehouse mail that opened the app (Android App Link, iOS universal
 * link) or the web page: `https://shop.example/app/reset-password?token=gatehouse_ot_...` gives
 * `{ action: 'reset-password', token }`. The action is the last path segment. Returns `null` for
 * anything else: an unknown action, no `token`, more than one, or one that does not look like
 * `gatehouse_ot_` + 43 base64url characters. Nothing is logged or thrown, so a hostile link
 * cannot put its contents into an error report.
 *
 * @param linkBaseUrl when given (the service's `gatehouse.mail.link-base-url`), the link must be
 *   exactly `<linkBaseUrl>/<action>`, on the same origin: a page that reads its own address can
 *   refuse look-alikes.
 */
export function parseAccountLink(url: string | URL, linkBaseUrl?: string): AccountLink | null {
  const text = typeof url === 'string' ? url : url instanceof URL ? url.href : null;
  if (text === null || text.length > MAX_LINK_LENGTH) {
    return null;
  }
  let link: URL;
  try {
    link = new URL(text);
  } catch {
    return null;
  }
  const slash = link.pathname.lastIndexOf('/');
  const action = ACTIONS.find((known) => known === link.pathname.slice(slash + 1));
  if (action === undefined) {
    return null;
  }
  if (linkBaseUrl !== undefined && !underBase(link, action, linkBaseUrl)) {
    return null;
  }
  // The raw query: Gatehouse's tokens need no percent-encoding, so an encoded one is not its own.
  const tokens = link.search.slice(1).split('&').filter((pair) => pair === 'token' || pair.startsWith('token='));
  if (tokens.length !== 1) {
    return null;
  }
  const token = tokens[0].slice('token='.length);
  return ONE_TIME_TOKEN.test(token) ? { action, token } : null;
}

function underBase(link: URL, action: AccountLinkAction, linkBaseUrl: string): boolean {
  let base: URL;
  try {
    base = new URL(linkBaseUrl);
  } catch {
    return false;
  }
  return link.protocol === base.protocol && link.host === base.host
    && link.pathname === `${base.pathname.replace(/\/+$/, '')}/${action}`;
}
