// Passkeys in a real browser: Chromium (found by find-browser.mjs, driven by playwright-core) with a
// virtual platform authenticator from the DevTools protocol (ctap2, internal transport, resident keys,
// user verification), against a running Gatehouse (docs/passkeys.md). Started by BrowserCookieModeIT, which sets:
//   GATEHOUSE_URL       the service, started with GATEHOUSE_PASSKEYS_RP_ID=localhost,
//                       GATEHOUSE_PASSKEYS_ORIGINS=http://localhost:<PASSKEY_PAGE_PORT> and that origin allowed for CORS
//   GATEHOUSE_MAIL_URL  its test mailbox (the verification code: adding a passkey needs a verified e-mail)
//   PASSKEY_PAGE_PORT   the port of the page, served here on loopback as http://localhost:<PASSKEY_PAGE_PORT>.
// WebAuthn needs a secure context and a domain as RP ID: http://localhost is both (an IP address is neither).
// The cookie-mode client calls the same service as http://localhost:<port>, on the page's site, so the
// SameSite=Strict gh_refresh cookie is sent (the bearer client calls it as GATEHOUSE_URL, 127.0.0.1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { launchChromium } from './find-browser.mjs';
import { ROOT, servePages } from './pages.mjs';

const PASSWORD = 'correct horse battery';

const gatehouseUrl = (process.env.GATEHOUSE_URL ?? '').replace(/\/+$/, '');
const mailUrl = process.env.GATEHOUSE_MAIL_URL ?? '';
const pagePort = Number(process.env.PASSKEY_PAGE_PORT);

const servers = [];
let context;
let browser;
let page;
let cdp;
let authenticatorId;
/** The user whose passkey the first test registers; the cookie-mode test signs in with it. */
let passkeyEmail;

/** localhost may resolve to ::1 or 127.0.0.1: serve both loopback addresses (where the machine has IPv6). */
async function serveLocalhost(port) {
  for (const host of ['127.0.0.1', '::1']) {
    try {
      servers.push(await servePages(port, host));
    } catch (error) {
      if (host === '127.0.0.1') {
        throw error;
      }
    }
  }
}

/** The verification code Gatehouse mailed to `email`, from the test mailbox. */
async function verificationCode(email) {
  const url = new URL(mailUrl);
  url.searchParams.set('to', email);
  url.searchParams.set('contains', 'Code: ');
  const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return text.match(/^Code: (\d{6})$/m)[1];
}

async function post(pathname, body) {
  const response = await fetch(`${gatehouseUrl}${pathname}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

before(async () => {
  assert.ok(gatehouseUrl && mailUrl, 'set GATEHOUSE_URL and GATEHOUSE_MAIL_URL (BrowserCookieModeIT does)');
  assert.ok(Number.isInteger(pagePort) && pagePort > 0, 'set PASSKEY_PAGE_PORT (BrowserCookieModeIT does)');
  assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'index.js')), 'build the client first (npm run build in clients/typescript)');
  await serveLocalhost(pagePort);
  browser = await launchChromium();
  context = browser.context;
  page = context.pages()[0] ?? await context.newPage();
  page.on('console', (message) => console.log(`[page ${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => console.log(`[page exception] ${error}`));
  page.on('response', (response) => {
    if (response.status() >= 400) {
      console.log(`[page response] ${response.request().method()} ${response.url()} ${response.status()}`);
    }
  });
  cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
      isUserVerified: true, automaticPresenceSimulation: true },
  }));
  await page.goto(`http://localhost:${pagePort}/browser-test/passkeys.html?gatehouse=${encodeURIComponent(gatehouseUrl)}`);
  await page.waitForFunction(() => window.gatehouseReady === true);
});

after(async () => {
  await browser?.close();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

test('a passkey registered while signed in signs the user in alone, and the token calls the API', async () => {
  const email = `passkey-${randomUUID()}@example.com`;
  passkeyEmail = email;
  const registered = await post('/api/auth/register', { email, password: PASSWORD });
  assert.equal(registered.status, 201, registered.text);
  const verified = await post('/api/auth/email/verify', { email, code: await verificationCode(email) });
  assert.equal(verified.status, 204, verified.text);

  const added = await page.evaluate(async ({ email, password }) => {
    await window.gatehouse.login(email, password);
    return window.gatehouse.registerPasskey({ name: 'Chromium' });
  }, { email, password: PASSWORD });
  assert.equal(added.name, 'Chromium');
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.equal(credentials.length, 1);
  assert.equal(credentials[0].isResidentCredential, true, 'a discoverable credential');
  assert.equal(credentials[0].rpId, 'localhost');
  assert.ok(!Buffer.from(credentials[0].userHandle, 'base64').toString('latin1').includes(email), 'the handle is not the e-mail');

  // Signed out, then in with the passkey alone: no e-mail typed, the authenticator offers its credential.
  const me = await page.evaluate(async () => {
    await window.gatehouse.logout();
    await window.gatehouse.signInWithPasskey({ deviceName: 'Chromium' });
    const response = await window.gatehouse.fetch('/api/users/me');
    return { status: response.status, body: await response.json() };
  });
  assert.equal(me.status, 200);
  assert.equal(me.body.email, email);
  assert.equal((await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials[0].signCount > 0, true);

  const listed = await page.evaluate(() => window.gatehouse.passkeys());
  assert.equal(listed.length, 1);
  assert.ok(listed[0].lastUsedAt, 'the sign-in is recorded');
});

test('a sign-in the user does not verify is refused by the browser, and nothing is signed in', async () => {
  await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
  try {
    const outcome = await page.evaluate(async () => {
      await window.gatehouse.logout().catch(() => undefined);
      try {
        await window.gatehouse.signInWithPasskey();
        return { signedIn: true };
      } catch (e) {
        return { error: e.name, status: e.status, code: e.code };
      }
    });
    assert.notEqual(outcome.signedIn, true, JSON.stringify(outcome));
    // the browser refuses without user verification (NotAllowedError), or Gatehouse does (401)
    assert.ok(outcome.error === 'NotAllowedError' || outcome.code === 'invalid_credentials', JSON.stringify(outcome));
  } finally {
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: true });
  }
});

test('in cookie mode a passkey sign-in keeps the session in the gh_refresh cookie, which survives a reload', async () => {
  assert.ok(passkeyEmail, 'the first test registered a passkey');
  const signIn = async () => page.evaluate(async () => {
    try {
      await window.cookieGatehouse.signInWithPasskey({ deviceName: 'Chromium, cookie mode' });
      const response = await window.cookieGatehouse.fetch('/api/users/me');
      return { status: response.status, body: await response.json() };
    } catch (e) {
      return { error: e.name, message: String(e.message), status: e.status, code: e.code };
    }
  });
  const me = await signIn();
  assert.equal(me.status, 200, JSON.stringify(me));
  assert.equal(me.body.email, passkeyEmail);

  const refreshCookie = async () => (await context.cookies()).find((cookie) => cookie.name === 'gh_refresh');
  const cookie = await refreshCookie();
  assert.ok(cookie, 'no gh_refresh cookie after a cookie-mode passkey sign-in');
  assert.equal(cookie.domain, 'localhost');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Strict');
  assert.equal(await page.evaluate(() => document.cookie.includes('gh_refresh')), false, 'the refresh token stays out of JavaScript');

  // A reload drops the access token (memory only); the session resumes from the cookie alone.
  await page.reload();
  await page.waitForFunction(() => window.gatehouseReady === true);
  const resumed = await page.evaluate(async () => {
    const response = await window.cookieGatehouse.fetch('/api/users/me');
    return { status: response.status, body: await response.json().catch(() => null) };
  });
  assert.equal(resumed.status, 200, JSON.stringify(resumed));
  assert.equal(resumed.body.email, passkeyEmail);

  await page.evaluate(() => window.cookieGatehouse.logout());
  assert.equal(await refreshCookie(), undefined, 'gh_refresh is still in the browser after logout');
});

test('without the Level 3 helpers the client\'s base64url conversion signs in and registers just the same', async () => {
  assert.ok(passkeyEmail, 'the first test registered a passkey');
  console.log(`Level 3 JSON helpers in this Chromium: ${await page.evaluate(() => window.level3Helpers)}`);
  const run = (script) => page.evaluate(script).catch((e) => ({ thrown: String(e) }));

  const me = await run(async () => {
    try {
      await window.fallbackGatehouse.signInWithPasskey();
      const response = await window.fallbackGatehouse.fetch('/api/users/me');
      return { status: response.status, body: await response.json() };
    } catch (e) {
      return { error: e.name, message: String(e.message), status: e.status, code: e.code };
    }
  });
  assert.equal(me.status, 200, JSON.stringify(me));
  assert.equal(me.body.email, passkeyEmail);

  // The converted excludeCredentials name the passkey this authenticator holds: it refuses to make another.
  const again = await run(async () => {
    try {
      return { added: await window.fallbackGatehouse.registerPasskey({ name: 'twice' }) };
    } catch (e) {
      return { error: e.name, status: e.status, code: e.code };
    }
  });
  assert.equal(again.error, 'InvalidStateError', JSON.stringify(again));

  // An authenticator without it (the old one cleared) registers a second passkey, which then signs in.
  await cdp.send('WebAuthn.clearCredentials', { authenticatorId });
  const added = await run(() => window.fallbackGatehouse.registerPasskey({ name: 'converted' }));
  assert.equal(added.name, 'converted', JSON.stringify(added));
  const signedIn = await run(async () => {
    await window.fallbackGatehouse.logout();
    await window.fallbackGatehouse.signInWithPasskey();
    const response = await window.fallbackGatehouse.fetch('/api/users/me');
    return { status: response.status, body: await response.json(), passkeys: await window.fallbackGatehouse.passkeys() };
  });
  assert.equal(signedIn.status, 200, JSON.stringify(signedIn));
  assert.equal(signedIn.body.email, passkeyEmail);
  assert.deepEqual(signedIn.passkeys.map((p) => [p.name, p.lastUsedAt !== null]), [['converted', true], ['Chromium', true]]);
});
