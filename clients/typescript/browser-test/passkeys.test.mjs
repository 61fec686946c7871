// Passkeys in a real browser: Chromium (found by find-browser.mjs, driven by playwright-core) with a
// virtual platform authenticator from the DevTools protocol (ctap2, internal transport, resident keys,
// user verification), against a running Gatehouse (docs/passkeys.md). Started by BrowserCookieModeIT, which sets:
//   GATEHOUSE_URL       the service, started with GATEHOUSE_PASSKEYS_RP_ID=localhost,
//                       GATEHOUSE_PASSKEYS_ORIGINS=http://localhost:<PASSKEY_PAGE_PORT> and that origin allowed for CORS
//   GATEHOUSE_MAIL_URL  its test mailbox (the verification code: adding a passkey needs a verified e-mail)
//   PASSKEY_PAGE_PORT   the port of the page, served here on loopback as http://localhost:<PASSKEY_PAGE_PORT>.
// WebAuthn needs a secure context and a domain as RP ID: http://localhost is both (an IP address is neither).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { launchFirst } from './find-browser.mjs';

const PASSWORD = 'correct horse battery';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.map': 'application/json' };

const gatehouseUrl = (process.env.GATEHOUSE_URL ?? '').replace(/\/+$/, '');
const mailUrl = process.env.GATEHOUSE_MAIL_URL ?? '';
const pagePort = Number(process.env.PASSKEY_PAGE_PORT);

const servers = [];
let context;
let userDataDir;
let page;
let cdp;
let authenticatorId;

function handle(request, response) {
  const pathname = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
  const file = path.resolve(ROOT, '.' + pathname);
  if (!file.startsWith(ROOT + path.sep) || file.includes(`${path.sep}node_modules${path.sep}`)) {
    response.writeHead(403).end();
    return;
  }
  fs.readFile(file, (error, data) => {
    if (error) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' })
      .end(data);
  });
}

/** localhost may resolve to ::1 or 127.0.0.1: serve both loopback addresses (where the machine has IPv6). */
async function serveLocalhost(port) {
  for (const host of ['127.0.0.1', '::1']) {
    const server = http.createServer(handle);
    try {
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, resolve);
      });
      servers.push(server);
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
  context = await launchFirst(async ({ executablePath, env }) => {
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-chromium-'));
    try {
      return await chromium.launchPersistentContext(userDataDir, {
        executablePath, env, headless: true, timeout: 60_000,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
          '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
    } catch (error) {
      fs.rmSync(userDataDir, { recursive: true, force: true });
      userDataDir = undefined;
      throw error;
    }
  });
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
  await context?.close();
  if (userDataDir) {
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

test('a passkey registered while signed in signs the user in alone, and the token calls the API', async () => {
  const email = `passkey-${randomUUID()}@example.com`;
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
