// A real browser (the Chromium that find-browser.mjs finds, driven by playwright-core) against a
// running Gatehouse in cookie mode (docs/api.md "Web (cookie) mode"). Started by BrowserCookieModeIT, which sets:
//   GATEHOUSE_URL  the service, started with GATEHOUSE_COOKIE_SECURE=false,
//                  GATEHOUSE_COOKIE_ALLOWED_ORIGINS=http://127.0.0.1:<PAGE_PORT> and a 2 s access-token ttl
//   PAGE_PORT      the port of the allowed "web app" origin served here.
//   GATEHOUSE_MAIL_URL  the test mailbox (the second-factor test verifies its user's e-mail with the mailed code).
// The page origin and Gatehouse are both on 127.0.0.1 (different ports): cross-origin but
// same-site, so the SameSite=Strict cookie is sent with credentialed requests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { launchChromium } from './find-browser.mjs';
import { ROOT, servePages } from './pages.mjs';
import { stepNow, totp } from '../test/totp.mjs';

const PASSWORD = 'correct horse battery';

const gatehouseUrl = (process.env.GATEHOUSE_URL ?? '').replace(/\/+$/, '');
const mailUrl = process.env.GATEHOUSE_MAIL_URL;
const pagePort = Number(process.env.PAGE_PORT);

let allowedServer;
let otherServer;
let context;
let browser;
let page;
let allowedOrigin;
let otherOrigin;
let refreshes = 0;

function originOf(server) {
  return `http://127.0.0.1:${server.address().port}`;
}

function pageUrl(origin) {
  return `${origin}/browser-test/index.html?gatehouse=${encodeURIComponent(gatehouseUrl)}`;
}

async function open(target, origin) {
  await target.goto(pageUrl(origin));
  await target.waitForFunction(() => window.gatehouseReady === true);
}

async function registerUser() {
  const email = `browser-${randomUUID()}@example.com`;
  const response = await fetch(`${gatehouseUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  assert.equal(response.status, 201, await response.text());
  return email;
}

/** Calls `/api/users/me` through the page's client `n` times in parallel. */
function me(target, n = 1) {
  return target.evaluate(async (count) => {
    const outcomes = await Promise.all(Array.from({ length: count }, async () => {
      try {
        const response = await window.gatehouse.fetch('/api/users/me');
        return { status: response.status, body: await response.json().catch(() => null) };
      } catch (e) {
        return { error: e.name, message: String(e.message), status: e.status, code: e.code };
      }
    }));
    return outcomes;
  }, n);
}

async function refreshCookie() {
  // Not context.cookies(gatehouseUrl): that filters by the URL's path, and the cookie's is /api/auth.
  return (await context.cookies()).find((cookie) => cookie.name === 'gh_refresh');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

before(async () => {
  assert.ok(gatehouseUrl, 'set GATEHOUSE_URL to a running Gatehouse (BrowserCookieModeIT does)');
  assert.ok(Number.isInteger(pagePort) && pagePort > 0,
    'set PAGE_PORT to the port listed in GATEHOUSE_COOKIE_ALLOWED_ORIGINS (BrowserCookieModeIT does)');
  assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'index.js')), 'build the client first (npm run build in clients/typescript)');
  allowedServer = await servePages(pagePort);
  otherServer = await servePages(0); // any free port: not in the allow list
  allowedOrigin = originOf(allowedServer);
  otherOrigin = originOf(otherServer);

  browser = await launchChromium();
  context = browser.context;
  page = context.pages()[0] ?? await context.newPage();
  page.on('console', (message) => console.log(`[page ${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => console.log(`[page exception] ${error}`));
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url() === `${gatehouseUrl}/api/auth/refresh`) {
      refreshes++;
    }
  });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (allowedServer ? allowedServer.close(resolve) : resolve()));
  await new Promise((resolve) => (otherServer ? otherServer.close(resolve) : resolve()));
});

test('signs in from the page in cookie mode and stays signed in across a reload', async () => {
  const email = await registerUser();
  await open(page, allowedOrigin);
  const login = await page.evaluate(async ({ email, password }) => {
    try {
      await window.gatehouse.login(email, password, 'chromium');
      return { ok: true };
    } catch (e) {
      return { ok: false, error: e.name, message: String(e.message), status: e.status, code: e.code };
    }
  }, { email, password: PASSWORD });
  assert.equal(login.ok, true, JSON.stringify(login));

  const cookie = await refreshCookie();
  assert.ok(cookie, 'no gh_refresh cookie after a cookie-mode login');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Strict');
  assert.equal(cookie.path, '/api/auth');
  assert.equal(cookie.secure, false, 'the service runs with gatehouse.cookie.secure=false for plain HTTP');
  // The refresh token never reaches JavaScript: neither document.cookie nor the client holds it.
  assert.equal(await page.evaluate(() => document.cookie.includes('gh_refresh')), false);

  const [first] = await me(page);
  assert.equal(first.status, 200, JSON.stringify(first));
  assert.equal(first.body.email, email);

  // A reload drops the access token (memory only); the first 401 resumes the session from the cookie.
  await page.reload();
  await page.waitForFunction(() => window.gatehouseReady === true);
  const before = refreshes;
  const [again] = await me(page);
  assert.equal(again.status, 200, JSON.stringify(again));
  assert.equal(again.body.email, email);
  assert.equal(refreshes - before, 1, 'resuming after the reload takes exactly one refresh');
});

test('parallel calls across an access-token expiry share exactly one refresh', async () => {
  // Start from a fresh access token so that all calls below go out with the same, expired one.
  const [warm] = await me(page);
  assert.equal(warm.status, 200, JSON.stringify(warm));
  await sleep(3_000); // access-token ttl is 2 s, no clock skew
  const before = refreshes;
  const outcomes = await me(page, 8);
  for (const outcome of outcomes) {
    assert.equal(outcome.status, 200, JSON.stringify(outcomes));
  }
  assert.equal(refreshes - before, 1, `expected one POST /api/auth/refresh, saw ${refreshes - before}`);
});

test('logout clears the gh_refresh cookie', async () => {
  assert.ok(await refreshCookie(), 'signed in before logout');
  const result = await page.evaluate(async () => {
    try {
      await window.gatehouse.logout();
      return { ok: true };
    } catch (e) {
      return { ok: false, error: e.name, message: String(e.message), status: e.status, code: e.code };
    }
  });
  assert.equal(result.ok, true, JSON.stringify(result));
  assert.equal(await refreshCookie(), undefined, 'gh_refresh is still in the browser after logout');

  // And a reloaded page cannot resume: there is no cookie to refresh with.
  await page.reload();
  await page.waitForFunction(() => window.gatehouseReady === true);
  const [after] = await me(page);
  assert.notEqual(after.status, 200, JSON.stringify(after));
});

/** A user with TOTP on, set up over plain HTTP from here (the sign-up mail's code verifies the e-mail first). */
async function userWithTotp() {
  const email = await registerUser();
  const url = new URL(mailUrl);
  url.searchParams.set('to', email);
  url.searchParams.set('contains', 'Code: ');
  const mail = await (await fetch(url, { signal: AbortSignal.timeout(60_000) })).text();
  const call = async (pathname, body, accessToken) => {
    const headers = { 'Content-Type': 'application/json' };
    if (accessToken) {
      headers.Authorization = `Bearer ${accessToken}`;
    }
    const response = await fetch(`${gatehouseUrl}${pathname}`, { method: 'POST', headers, body: JSON.stringify(body ?? {}) });
    const text = await response.text();
    assert.ok(response.ok, `${pathname}: ${response.status} ${text}`);
    return text === '' ? null : JSON.parse(text);
  };
  await call('/api/auth/email/verify', { email, code: mail.match(/^Code: (\d{6})$/m)[1] });
  const { accessToken } = await call('/api/auth/login', { email, password: PASSWORD });
  const { secret } = await call('/api/auth/mfa/totp/setup', undefined, accessToken);
  const step = stepNow();
  await call('/api/auth/mfa/totp/confirm', { code: totp(secret, step) }, accessToken);
  return { email, secret, step };
}

test('with a second factor the page gets MfaRequiredError, and loginMfa signs in with the cookie', async () => {
  assert.ok(mailUrl, 'set GATEHOUSE_MAIL_URL (BrowserCookieModeIT does)');
  const user = await userWithTotp();
  await open(page, allowedOrigin);
  await context.clearCookies();

  const first = await page.evaluate(async ({ email, password }) => {
    try {
      await window.gatehouse.login(email, password, 'chromium');
      return { ok: true };
    } catch (e) {
      return { ok: false, error: e.name, status: e.status, code: e.code, mfaToken: e.mfaToken };
    }
  }, { email: user.email, password: PASSWORD });
  assert.equal(first.error, 'MfaRequiredError', JSON.stringify(first));
  assert.equal(first.status, 403);
  assert.match(first.mfaToken, /^gatehouse_mfa_/);
  assert.equal(await refreshCookie(), undefined, 'no session before the second step');

  const second = await page.evaluate(async ({ mfaToken, code }) => {
    try {
      await window.gatehouse.loginMfa(mfaToken, { code });
      return { ok: true };
    } catch (e) {
      return { ok: false, error: e.name, status: e.status, code: e.code };
    }
  }, { mfaToken: first.mfaToken, code: totp(user.secret, user.step + 1) }); // the confirm used this step
  assert.equal(second.ok, true, JSON.stringify(second));

  const cookie = await refreshCookie();
  assert.ok(cookie, 'no gh_refresh cookie after loginMfa in cookie mode');
  assert.equal(cookie.httpOnly, true);
  const [me1] = await me(page);
  assert.equal(me1.status, 200, JSON.stringify(me1));
  assert.equal(me1.body.mfaEnabled, true);
});

test('a page on an origin not in the allow list cannot use the cookie', async () => {
  // Signed in on the allowed origin, so the (host-only, same-site) cookie exists and would be sent.
  const email = await registerUser();
  await open(page, allowedOrigin);
  const login = await page.evaluate(async ({ email, password }) => {
    await window.gatehouse.login(email, password);
    return true;
  }, { email, password: PASSWORD });
  assert.equal(login, true);
  const cookie = await refreshCookie();
  assert.ok(cookie, 'no gh_refresh cookie after login on the allowed origin');

  const other = await context.newPage();
  try {
    await open(other, otherOrigin);
    // The client in cookie mode on the other origin: the session cannot be resumed from the cookie
    // (CORS answers only allowed origins, so the browser refuses: a network error in the page).
    const attempt = await other.evaluate(async () => {
      try {
        const response = await window.gatehouse.fetch('/api/users/me');
        return { status: response.status };
      } catch (e) {
        return { error: e.name, message: String(e.message), status: e.status, code: e.code };
      }
    });
    console.log(`client on ${otherOrigin}: ${JSON.stringify(attempt)}`);
    assert.notEqual(attempt.status, 200, JSON.stringify(attempt));
    assert.ok(attempt.error, `expected the other origin to be refused: ${JSON.stringify(attempt)}`);

    // A hand-made credentialed refresh and login from that origin are refused too.
    const raw = await other.evaluate(async () => {
      const results = {};
      for (const [name, body] of [['refresh', undefined], ['login', JSON.stringify({ email: 'x@example.com', password: 'y' })]]) {
        try {
          const response = await fetch(`${window.gatehouseUrl}/api/auth/${name}`, {
            method: 'POST',
            credentials: 'include',
            headers: { 'X-Gatehouse-Client': 'web', 'Content-Type': 'application/json', Accept: 'application/json' },
            body,
          });
          results[name] = { status: response.status, body: await response.text() };
        } catch (e) {
          results[name] = { error: e.name, message: String(e.message) };
        }
      }
      return results;
    });
    console.log(`hand-made requests from ${otherOrigin}: ${JSON.stringify(raw)}`);
    // The browser sees no readable answer: CORS (docs/api.md "CORS") answers only allowed origins.
    for (const name of ['refresh', 'login']) {
      assert.equal(raw[name].error, 'TypeError', `${name} from ${otherOrigin}: ${JSON.stringify(raw[name])}`);
    }
  } finally {
    await other.close();
  }

  // What the service answers such a request, seen from outside a browser (docs/api.md "CSRF defence"):
  // the preflight carries no CORS grant for that origin ...
  const preflight = await fetch(`${gatehouseUrl}/api/auth/refresh`, {
    method: 'OPTIONS',
    headers: {
      Origin: otherOrigin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'x-gatehouse-client,content-type',
    },
  });
  await preflight.arrayBuffer();
  assert.notEqual(preflight.headers.get('access-control-allow-origin'), otherOrigin);
  assert.notEqual(preflight.headers.get('access-control-allow-origin'), '*');
  // ... and the cookie refresh itself is 403 csrf_rejected, while the allowed origin gets a grant.
  const refused = await fetch(`${gatehouseUrl}/api/auth/refresh`, {
    method: 'POST',
    headers: { Origin: otherOrigin, 'X-Gatehouse-Client': 'web', Cookie: `gh_refresh=${cookie.value}`, Accept: 'application/json' },
  });
  const problem = await refused.json().catch(() => null);
  assert.equal(refused.status, 403, JSON.stringify(problem));
  assert.equal(problem?.code, 'csrf_rejected', JSON.stringify(problem));

  const allowedPreflight = await fetch(`${gatehouseUrl}/api/auth/refresh`, {
    method: 'OPTIONS',
    headers: {
      Origin: allowedOrigin,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'x-gatehouse-client,content-type',
    },
  });
  await allowedPreflight.arrayBuffer();
  assert.equal(allowedPreflight.headers.get('access-control-allow-origin'), allowedOrigin);
  assert.equal(allowedPreflight.headers.get('access-control-allow-credentials'), 'true');

  // The refused attempts did not spend the session: the allowed page still works.
  const [still] = await me(page);
  assert.equal(still.status, 200, JSON.stringify(still));
});

test('with dpop the session is bound to a non-extractable key kept in IndexedDB, across a reload', async () => {
  const email = await registerUser();
  await open(page, allowedOrigin);
  const bound = page.waitForResponse((response) => response.url() === `${gatehouseUrl}/api/auth/login`);
  const login = await page.evaluate(async ({ email, password }) => {
    window.gatehouse = new window.GatehouseClient({ baseUrl: window.gatehouseUrl, mode: 'cookie', dpop: true });
    try {
      await window.gatehouse.login(email, password, 'chromium dpop');
      return { ok: true };
    } catch (e) {
      return { ok: false, error: e.name, message: String(e.message), status: e.status, code: e.code };
    }
  }, { email, password: PASSWORD });
  assert.equal(login.ok, true, JSON.stringify(login));
  assert.equal((await (await bound).json()).refreshTokenBound, true, 'the login carried a proof (through CORS)');

  // The key is in IndexedDB as CryptoKey objects; script can use the private key but never read it.
  const stored = await page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open('gatehouse-dpop', 1);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const keys = await new Promise((resolve, reject) => {
      const request = db.transaction('keys', 'readonly').objectStore('keys').get('device-key');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    const exported = await crypto.subtle.exportKey('jwk', keys.privateKey).then(() => 'exported', (e) => e.name);
    return { extractable: keys.privateKey.extractable, algorithm: keys.privateKey.algorithm, exported };
  });
  assert.equal(stored.extractable, false);
  assert.equal(stored.algorithm.namedCurve, 'P-256');
  assert.equal(stored.exported, 'InvalidAccessError');

  // A reload: a new client object finds the key in IndexedDB and refreshes the bound session from the cookie.
  await page.reload();
  await page.waitForFunction(() => window.gatehouseReady === true);
  const [again] = await page.evaluate(async () => {
    window.gatehouse = new window.GatehouseClient({ baseUrl: window.gatehouseUrl, mode: 'cookie', dpop: true });
    const response = await window.gatehouse.fetch('/api/users/me');
    return [{ status: response.status, body: await response.json().catch(() => null) }];
  });
  assert.equal(again.status, 200, JSON.stringify(again));
  assert.equal(again.body.email, email);

  // The cookie alone, without a proof (a page that has the cookie but not the key): refused, session intact.
  const bare = await page.evaluate(async () => {
    const response = await fetch(`${window.gatehouseUrl}/api/auth/refresh`, {
      method: 'POST', credentials: 'include', headers: { 'X-Gatehouse-Client': 'web' },
    });
    return { status: response.status, body: await response.json() };
  });
  assert.equal(bare.status, 401);
  assert.equal(bare.body.code, 'invalid_dpop_proof');
  await page.evaluate(() => window.gatehouse.logout());
  assert.equal(await page.evaluate(() => new Promise((resolve) => {
    const open = indexedDB.open('gatehouse-dpop', 1);
    open.onsuccess = () => {
      const request = open.result.transaction('keys', 'readonly').objectStore('keys').get('device-key');
      request.onsuccess = () => resolve(request.result === undefined);
    };
  })), true, 'the key is gone with the session');
});
