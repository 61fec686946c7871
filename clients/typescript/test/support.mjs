// Helpers for the tests against a running Gatehouse (GATEHOUSE_URL), started by TypeScriptClientIT
// with a 2 s access-token ttl and no clock skew, so tokens expire quickly, and sending its mails to
// a test mailbox read through GATEHOUSE_MAIL_URL (links under GATEHOUSE_LINK_BASE_URL).
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';

export const PASSWORD = 'correct horse battery';

export function serviceUrl() {
  const url = process.env.GATEHOUSE_URL;
  assert.ok(url, 'set GATEHOUSE_URL to a running Gatehouse (TypeScriptClientIT does)');
  return url.replace(/\/+$/, '');
}

export function newEmail() {
  return `ts-client-${randomUUID()}@example.com`;
}

/** A fresh user per test, registered directly with the service. */
export async function registerUser(email = newEmail()) {
  const response = await fetch(`${serviceUrl()}/api/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  assert.equal(response.status, 201, await response.text());
  return email;
}

/** Refreshes out of band, straight at the service (not through the proxy). */
export async function refreshDirectly(refreshToken) {
  const response = await fetch(`${serviceUrl()}/api/auth/refresh`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ refreshToken }),
  });
  const body = await response.json();
  return { status: response.status, body };
}

/** Polls /api/users/me with the token until the service refuses it (expiry), instead of sleeping a fixed time. */
export async function waitUntilRefused(accessToken, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await fetch(`${serviceUrl()}/api/users/me`, { headers: { Authorization: `Bearer ${accessToken}` } });
    await response.arrayBuffer();
    if (response.status === 401) {
      return;
    }
    assert.equal(response.status, 200, 'the token works until it expires');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`the access token was still accepted after ${timeoutMs} ms`);
}

/**
 * An HTTP proxy in front of the service that records the refresh token of every
 * `POST /api/auth/refresh` and, when told to, forwards the next refresh but cuts the connection
 * once the service has answered: the server rotates, the client never hears of it.
 */
export async function startProxy(target = serviceUrl(), { keepHost = false } = {}) {
  const upstream = new URL(target);
  const refreshTokens = [];
  const refreshProofs = [];
  let dropNextRefresh = false;

  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      let drop = false;
      if (request.method === 'POST' && request.url === '/api/auth/refresh') {
        refreshTokens.push(refreshTokenIn(body));
        refreshProofs.push(request.headers.dpop ?? null);
        drop = dropNextRefresh;
        dropNextRefresh = false;
      }
      const forward = http.request({
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        // keepHost: as a proxy that passes the Host on, so that the service sees the URL the client called
        // (what its DPoP proofs name; docs/dpop.md "The URL a proof names")
        headers: withoutHopByHop(keepHost ? request.headers : { ...request.headers, host: upstream.host }),
      }, (answer) => {
        if (drop) {
          // Read the whole answer first, so the rotation has certainly happened.
          answer.resume();
          answer.on('end', () => request.socket.destroy());
          return;
        }
        response.writeHead(answer.statusCode, withoutHopByHop(answer.headers));
        answer.pipe(response);
      });
      forward.on('error', (error) => response.destroy(error));
      forward.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${server.address().port}`,
    /** The token sent by each refresh call, in order (`null` for a body-less one). */
    refreshTokens,
    /** The DPoP header of each refresh call, in order (`null` without one). */
    refreshProofs,
    dropNextRefreshResponse() {
      dropNextRefresh = true;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

function refreshTokenIn(body) {
  try {
    return JSON.parse(body.toString('utf8')).refreshToken ?? null;
  } catch {
    return null;
  }
}

function withoutHopByHop(headers) {
  const copy = { ...headers };
  for (const name of ['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade']) {
    delete copy[name];
  }
  return copy;
}

function setting(name) {
  const value = process.env[name];
  assert.ok(value, `set ${name} (TypeScriptClientIT does, with GATEHOUSE_URL)`);
  return value;
}

/** Where the service's mail links point. */
export function linkBaseUrl() {
  return setting('GATEHOUSE_LINK_BASE_URL');
}

/** The service's only admin, `{ email, password }`. */
export function admin() {
  return { email: setting('GATEHOUSE_ADMIN_EMAIL'), password: setting('GATEHOUSE_ADMIN_PASSWORD') };
}

/**
 * The text of the newest mail to `to` containing `contains` that the test mailbox has not handed
 * out before; the mailbox waits for it (the service sends from its outbox, a moment later).
 */
export async function mail(to, contains) {
  const url = new URL(setting('GATEHOUSE_MAIL_URL'));
  url.searchParams.set('to', to);
  url.searchParams.set('contains', contains);
  const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return text;
}

/** The one `Code: DDDDDD` line of a mail. */
export function codeIn(text) {
  const codes = [...text.matchAll(/^Code: (\d{6})$/gm)].map((match) => match[1]);
  assert.equal(codes.length, 1, `one code line in the mail:\n${text}`);
  return codes[0];
}

/** The one link of a mail to the link base URL. */
export function linkIn(text) {
  const base = linkBaseUrl().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const links = [...text.matchAll(new RegExp(`${base}/\\S+`, 'g'))].map((match) => match[0]);
  assert.equal(links.length, 1, `one link in the mail:\n${text}`);
  return links[0];
}
