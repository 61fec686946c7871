// The client against a fake fetch: what it sends in cookie mode (Node has no cookie jar, so the
// real round trip is for a browser test), how it treats a 503 and a one-shot body, and the account
// calls (request shapes, statuses, problem codes, the mail-link parser).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { GatehouseClient, GatehouseError, MemoryTokenStorage, SessionEndedError, parseAccountLink } from '../dist/index.js';

const BASE = 'https://auth.example';

/** A fetch that records each request and answers from `answer(request, body)`. */
function fakeFetch(answer) {
  const calls = [];
  const fetch = async (input, init) => {
    const request = new Request(input, init);
    const body = await request.text();
    const call = { method: request.method, path: new URL(request.url).pathname, headers: request.headers, credentials: request.credentials, body };
    calls.push(call);
    return answer(call);
  };
  return { fetch, calls };
}

function json(status, body) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function tokenResponse(accessToken, refreshToken) {
  return json(200, { accessToken, tokenType: 'Bearer', expiresIn: 900, refreshToken, refreshExpiresIn: 1209600, sessionId: 'sid-1' });
}

test('cookie mode: login, refresh and logout send X-Gatehouse-Client: web with credentials and no refresh token', async () => {
  const { fetch, calls } = fakeFetch((call) => {
    switch (`${call.method} ${call.path}`) {
      case 'POST /api/auth/login':
        return tokenResponse('access-1', undefined);
      case 'POST /api/auth/refresh':
        return tokenResponse('access-2', undefined);
      case 'POST /api/auth/logout':
        return new Response(null, { status: 204 });
      case 'GET /api/users/me':
        return call.headers.get('Authorization') === 'Bearer access-2' ? json(200, { id: 'u' }) : json(401, { code: 'invalid_token' });
      default:
        return json(404, { code: 'not_found' });
    }
  });
  const client = new GatehouseClient({ baseUrl: BASE, fetch, mode: 'cookie' });

  await client.login('a@example.com', 'correct horse battery');
  const me = await client.fetch('/api/users/me');
  await client.logout();

  assert.equal(me.status, 200);
  assert.deepEqual(calls.map((call) => `${call.method} ${call.path}`), [
    'POST /api/auth/login', 'GET /api/users/me', 'POST /api/auth/refresh', 'GET /api/users/me', 'POST /api/auth/logout',
  ]);
  for (const call of calls.filter((c) => c.path.startsWith('/api/auth/'))) {
    assert.equal(call.headers.get('X-Gatehouse-Client'), 'web', call.path);
    assert.equal(call.credentials, 'include', call.path);
    assert.doesNotMatch(call.body, /refreshToken/, call.path);
  }
  assert.deepEqual(JSON.parse(calls[0].body), { email: 'a@example.com', password: 'correct horse battery' });
  assert.equal(calls[2].body, '', 'refresh is body-less: the cookie carries the token');
  assert.equal(calls[4].body, '', 'logout is body-less');
  assert.equal(calls[1].headers.get('Authorization'), 'Bearer access-1');
});

test('cookie mode: a page without a refresh cookie ends with SessionEndedError(no_refresh_token)', async () => {
  const ended = [];
  const { fetch } = fakeFetch((call) => call.path === '/api/auth/refresh'
    ? json(400, { code: 'validation_failed', errors: [{ field: 'refreshToken', message: 'must not be blank' }] })
    : json(401, { code: 'invalid_token' }));
  const client = new GatehouseClient({ baseUrl: BASE, fetch, mode: 'cookie', onSessionEnded: (reason) => ended.push(reason) });

  await assert.rejects(client.fetch('/api/users/me'), (error) => error instanceof SessionEndedError && error.reason === 'no_refresh_token');
  assert.deepEqual(ended, ['no_refresh_token']);
});

test('cookie mode refuses a storage: there is nothing to store', () => {
  assert.throws(() => new GatehouseClient({ baseUrl: BASE, mode: 'cookie', storage: new MemoryTokenStorage() }), TypeError);
});

test('a 503 on refresh is retried with the same refresh token', async () => {
  let refreshes = 0;
  const { fetch, calls } = fakeFetch((call) => {
    if (call.path === '/api/auth/refresh') {
      refreshes += 1;
      return refreshes === 1 ? json(503, { code: 'service_unavailable' }) : tokenResponse('access-2', 'gatehouse_rt_second');
    }
    return call.headers.get('Authorization') === 'Bearer access-2' ? json(200, {}) : json(401, { code: 'invalid_token' });
  });
  const storage = new MemoryTokenStorage();
  await storage.save({ accessToken: 'access-1', refreshToken: 'gatehouse_rt_first', sessionId: 'sid-1' });
  const client = new GatehouseClient({ baseUrl: BASE, fetch, storage });

  assert.equal((await client.fetch('/api/users/me')).status, 200);
  const sent = calls.filter((call) => call.path === '/api/auth/refresh').map((call) => JSON.parse(call.body).refreshToken);
  assert.deepEqual(sent, ['gatehouse_rt_first', 'gatehouse_rt_first']);
  assert.equal((await storage.load()).refreshToken, 'gatehouse_rt_second');
});

test('the retry after a refresh sends the body again; a stream body is refused before sending', async () => {
  const { fetch, calls } = fakeFetch((call) => {
    if (call.path === '/api/auth/refresh') {
      return tokenResponse('access-2', 'gatehouse_rt_second');
    }
    return call.headers.get('Authorization') === 'Bearer access-2' ? json(200, {}) : json(401, { code: 'invalid_token' });
  });
  const storage = new MemoryTokenStorage();
  await storage.save({ accessToken: 'access-1', refreshToken: 'gatehouse_rt_first', sessionId: 'sid-1' });
  const client = new GatehouseClient({ baseUrl: BASE, fetch, storage });

  const request = new Request(`${BASE}/api/orders`, { method: 'POST', body: '{"item":1}', headers: { 'Content-Type': 'application/json' } });
  assert.equal((await client.fetch(request)).status, 200);
  const orders = calls.filter((call) => call.path === '/api/orders');
  assert.deepEqual(orders.map((call) => call.body), ['{"item":1}', '{"item":1}']);
  assert.equal(orders[1].headers.get('Content-Type'), 'application/json');

  const stream = new ReadableStream({ start: (controller) => controller.close() });
  await assert.rejects(client.fetch('/api/orders', { method: 'POST', body: stream, duplex: 'half' }), TypeError);
  assert.equal(calls.filter((call) => call.path === '/api/orders').length, 2, 'nothing sent');
});

// --- Account calls ---

const ACCESS = 'access-1';
const REFRESH_TOKEN = 'gatehouse_rt_first';

function oneTimeToken() {
  return `gatehouse_ot_${randomBytes(32).toString('base64url')}`;
}

function noContent(status = 204) {
  return new Response(null, { status });
}

/** A bearer-mode client holding access-1 / gatehouse_rt_first. */
async function signedIn(fetch, options = {}) {
  const storage = new MemoryTokenStorage();
  await storage.save({ accessToken: ACCESS, refreshToken: REFRESH_TOKEN, sessionId: 'sid-1' });
  return { client: new GatehouseClient({ baseUrl: BASE, fetch, storage, ...options }), storage };
}

const USER = { id: 'u-1', email: 'a@example.com', displayName: null, roles: ['user'], emailVerified: false };
const EXPORT = { user: USER, sessions: [], passkeys: [], events: [{ kind: 'email_verified', sessionId: null, at: '2026-12-02T10:00:00Z', details: {} }] };

/** Answers every account call with its success status. */
function accountServer(call) {
  switch (`${call.method} ${call.path}`) {
    case 'POST /api/auth/password/forgot':
    case 'POST /api/auth/email/verification':
    case 'POST /api/auth/email':
      return noContent(202);
    case 'POST /api/auth/password/reset':
    case 'POST /api/auth/email/verify':
    case 'POST /api/auth/email/confirm':
    case 'DELETE /api/users/me':
    case 'POST /api/auth/logout':
      return noContent(204);
    case 'GET /api/users/me':
      return json(200, USER);
    case 'GET /api/users/me/export':
      return new Response(JSON.stringify(EXPORT), {
        status: 200, headers: { 'Content-Type': 'application/json', 'Content-Disposition': 'attachment; filename="gatehouse-export.json"' },
      });
    default:
      return json(404, { code: 'not_found' });
  }
}

test('account calls: method, path, body and headers; a token only where the call is signed in', async () => {
  const { fetch, calls } = fakeFetch(accountServer);
  const { client } = await signedIn(fetch);
  const token = oneTimeToken();
  const link = parseAccountLink(`https://shop.example/app/reset-password?token=${token}`);

  const expected = [
    [() => client.forgotPassword('a@example.com'), 'POST /api/auth/password/forgot', { email: 'a@example.com' }, false],
    [() => client.resetPassword({ token }, 'new password 1'), 'POST /api/auth/password/reset', { token, newPassword: 'new password 1' }, false],
    [() => client.resetPassword({ email: 'a@example.com', code: '012345' }, 'new password 2'), 'POST /api/auth/password/reset',
      { email: 'a@example.com', code: '012345', newPassword: 'new password 2' }, false],
    [() => client.resetPassword(link, 'new password 3'), 'POST /api/auth/password/reset', { token, newPassword: 'new password 3' }, false],
    [() => client.requestEmailVerification(), 'POST /api/auth/email/verification', null, true],
    [() => client.requestEmailVerification('a@example.com'), 'POST /api/auth/email/verification', { email: 'a@example.com' }, false],
    [() => client.verifyEmail({ token }), 'POST /api/auth/email/verify', { token }, false],
    [() => client.verifyEmail({ email: 'a@example.com', code: '000007' }), 'POST /api/auth/email/verify', { email: 'a@example.com', code: '000007' }, false],
    [() => client.changeEmail('b@example.com', 'correct horse battery'), 'POST /api/auth/email',
      { newEmail: 'b@example.com', currentPassword: 'correct horse battery' }, true],
    [() => client.confirmEmailChange({ token }), 'POST /api/auth/email/confirm', { token }, false],
    [() => client.confirmEmailChange({ code: '123456' }), 'POST /api/auth/email/confirm', { code: '123456' }, true],
    [() => client.me(), 'GET /api/users/me', null, true],
    [() => client.exportData(), 'GET /api/users/me/export', null, true],
    [() => client.exportDataFile(), 'GET /api/users/me/export', null, true],
    [() => client.deleteAccount('correct horse battery'), 'DELETE /api/users/me', { password: 'correct horse battery' }, true],
  ];
  for (const [call, route, body, bearer] of expected) {
    const before = calls.length;
    await call();
    assert.equal(calls.length, before + 1, route);
    const sent = calls[before];
    assert.equal(`${sent.method} ${sent.path}`, route);
    assert.equal(sent.headers.get('Authorization'), bearer ? `Bearer ${ACCESS}` : null, route);
    if (body === null) {
      assert.equal(sent.body, '', route);
    } else {
      assert.deepEqual(JSON.parse(sent.body), body, route);
      assert.equal(sent.headers.get('Content-Type'), 'application/json', route);
    }
    assert.equal(sent.headers.get('X-Gatehouse-Client'), null, `${route}: bearer mode`);
  }
  for (const call of calls) {
    assert.doesNotMatch(call.body, /gatehouse_rt_/, `${call.path}: the refresh token goes only to refresh and logout`);
    assert.doesNotMatch(call.body, /access-1/, `${call.path}: the access token only in the header`);
  }
});

test('account calls resolve with what Gatehouse answered: 202, 204, the user with emailVerified, the export', async () => {
  const { fetch } = fakeFetch(accountServer);
  const { client, storage } = await signedIn(fetch);

  assert.equal(await client.forgotPassword('a@example.com'), undefined);
  assert.equal(await client.verifyEmail({ email: 'a@example.com', code: '123456' }), undefined);
  const me = await client.me();
  assert.deepEqual(me, USER);
  assert.equal(me.emailVerified, false);
  assert.deepEqual(await client.exportData(), EXPORT);
  const file = await client.exportDataFile();
  assert.equal(file.type, 'application/json');
  assert.deepEqual(JSON.parse(await file.text()), EXPORT);
  assert.notEqual(await storage.load(), null, 'still signed in');
});

test('an account call with an expired access token refreshes once and is sent again; parallel ones share the refresh', async () => {
  const { fetch, calls } = fakeFetch((call) => {
    if (call.path === '/api/auth/refresh') {
      return tokenResponse('access-2', 'gatehouse_rt_second');
    }
    return call.headers.get('Authorization') === 'Bearer access-2' ? accountServer(call) : json(401, { code: 'invalid_token' });
  });
  const { client, storage } = await signedIn(fetch);

  await Promise.all([
    client.changeEmail('b@example.com', 'correct horse battery'),
    client.me(),
    client.exportData(),
    client.requestEmailVerification(),
    client.confirmEmailChange({ code: '123456' }),
  ]);

  assert.equal(calls.filter((call) => call.path === '/api/auth/refresh').length, 1, 'one refresh for all');
  const changes = calls.filter((call) => call.path === '/api/auth/email');
  assert.deepEqual(changes.map((call) => call.headers.get('Authorization')), ['Bearer access-1', 'Bearer access-2']);
  assert.deepEqual(changes.map((call) => JSON.parse(call.body)), Array(2).fill({ newEmail: 'b@example.com', currentPassword: 'correct horse battery' }));
  assert.equal((await storage.load()).refreshToken, 'gatehouse_rt_second');
});

test('every problem code of the account calls reaches the app as a GatehouseError with that code', async () => {
  const token = oneTimeToken();
  const refusals = [
    ['invalid_code', 400, (client) => client.resetPassword({ token }, 'new password 1')],
    ['invalid_code', 400, (client) => client.resetPassword({ email: 'a@example.com', code: '000000' }, 'new password 1')],
    ['invalid_code', 400, (client) => client.verifyEmail({ token })],
    ['invalid_code', 400, (client) => client.verifyEmail({ email: 'a@example.com', code: '000000' })],
    ['invalid_code', 400, (client) => client.confirmEmailChange({ token })],
    ['invalid_code', 400, (client) => client.confirmEmailChange({ code: '000000' })],
    ['email_not_verified', 403, (client) => client.login('a@example.com', 'correct horse battery')],
    ['last_admin', 409, (client) => client.deleteAccount('correct horse battery')],
    ['invalid_current_password', 400, (client) => client.deleteAccount('wrong password')],
    ['invalid_current_password', 400, (client) => client.changeEmail('b@example.com', 'wrong password')],
    ['email_taken', 409, (client) => client.changeEmail('taken@example.com', 'correct horse battery')],
    ['email_taken', 409, (client) => client.confirmEmailChange({ token })],
    ['validation_failed', 400, (client) => client.resetPassword({ token }, 'short')],
    ['malformed_request', 400, (client) => client.forgotPassword('a@example.com')],
    ['not_found', 404, (client) => client.exportData()],
  ];
  for (const [code, status, call] of refusals) {
    const { fetch } = fakeFetch(() => json(status, { type: `urn:gatehouse:problem:${code}`, title: 'Refused', status, code }));
    const { client, storage } = await signedIn(fetch);
    await assert.rejects(call(client), (error) => {
      assert.ok(error instanceof GatehouseError, `${code}: ${error}`);
      assert.equal(error.code, code);
      assert.equal(error.status, status);
      assert.doesNotMatch(`${error.message} ${error.stack}`, /gatehouse_ot_|gatehouse_rt_|access-1/, 'no secret in the error');
      return true;
    });
    assert.notEqual(await storage.load(), null, `${code}: a refused call keeps the session`);
  }
});

test('429 on an account call keeps its Retry-After', async () => {
  const { fetch } = fakeFetch(() => new Response(JSON.stringify({ status: 429, code: 'rate_limited' }), {
    status: 429, headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '30' },
  }));
  const { client } = await signedIn(fetch);

  for (const call of [() => client.forgotPassword('a@example.com'), () => client.verifyEmail({ email: 'a@example.com', code: '123456' }),
    () => client.deleteAccount('wrong password')]) {
    await assert.rejects(call(), (error) => error instanceof GatehouseError && error.code === 'rate_limited' && error.retryAfter === 30);
  }
});

test('a gateway page instead of JSON is a GatehouseError with the status, and me() refuses a body that is no object', async () => {
  const { fetch } = fakeFetch((call) => call.path === '/api/users/me'
    ? new Response('[1,2]', { status: 200 }) : new Response('<html>Bad Gateway</html>', { status: 502 }));
  const { client } = await signedIn(fetch);

  await assert.rejects(client.forgotPassword('a@example.com'), (error) => error instanceof GatehouseError && error.status === 502 && error.code === undefined);
  await assert.rejects(client.me(), (error) => error instanceof GatehouseError && error.status === 200);
});

test('a link for another action is refused before anything is sent', async () => {
  const { fetch, calls } = fakeFetch(accountServer);
  const { client } = await signedIn(fetch);
  const verify = parseAccountLink(`https://shop.example/verify-email?token=${oneTimeToken()}`);

  await assert.rejects(client.resetPassword(verify, 'new password 1'), TypeError);
  await assert.rejects(client.confirmEmailChange(verify), TypeError);
  assert.equal(calls.length, 0);
  await client.verifyEmail(verify);
  assert.deepEqual(JSON.parse(calls[0].body), { token: verify.token }, 'only the token is sent, not the action');
});

test('deleteAccount forgets the tokens like logout, without onSessionEnded; a refused deletion keeps them', async () => {
  const ended = [];
  let refuse = true;
  const { fetch, calls } = fakeFetch((call) => call.method === 'DELETE' && refuse
    ? json(400, { code: 'invalid_current_password' }) : accountServer(call));
  const { client, storage } = await signedIn(fetch, { onSessionEnded: (reason) => ended.push(reason) });

  await assert.rejects(client.deleteAccount('wrong password'), (error) => error.code === 'invalid_current_password');
  assert.notEqual(await storage.load(), null);
  refuse = false;
  await client.deleteAccount('correct horse battery');

  assert.equal(await storage.load(), null, 'storage cleared');
  assert.deepEqual(ended, []);
  await client.fetch('/api/users/me/export');
  assert.equal(calls.at(-1).headers.get('Authorization'), null, 'no token after the deletion');
  assert.equal(calls.filter((call) => call.path === '/api/auth/refresh').length, 0);
});

test('a refresh that lands after deleteAccount neither brings the tokens back nor reports a session end', async () => {
  for (const refreshAnswer of [() => json(401, { code: 'invalid_refresh_token' }), () => tokenResponse('access-2', 'gatehouse_rt_second')]) {
    const ended = [];
    let releaseRefresh;
    const refreshHeld = new Promise((resolve) => {
      releaseRefresh = resolve;
    });
    const { fetch, calls } = fakeFetch(async (call) => {
      if (call.path === '/api/auth/refresh') {
        await refreshHeld;
        return refreshAnswer();
      }
      if (call.path === '/api/orders') {
        return json(401, { code: 'invalid_token' });
      }
      return accountServer(call);
    });
    const { client, storage } = await signedIn(fetch, { onSessionEnded: (reason) => ended.push(reason) });

    const order = client.fetch('/api/orders'); // its 401 starts a refresh that hangs
    while (!calls.some((call) => call.path === '/api/auth/refresh')) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    await client.deleteAccount('correct horse battery');
    releaseRefresh();

    await assert.rejects(order, (error) => error instanceof SessionEndedError && error.reason === 'account_deleted');
    assert.deepEqual(ended, [], 'the app asked for this end: no onSessionEnded');
    assert.equal(await storage.load(), null, 'the deleted session stays forgotten');
  }
});

test('cookie mode: calls without a token send no cookie; deleteAccount forgets the access token and clears the cookie', async () => {
  const { fetch, calls } = fakeFetch((call) => call.path === '/api/auth/login' ? tokenResponse('access-1', undefined) : accountServer(call));
  const client = new GatehouseClient({ baseUrl: BASE, fetch, mode: 'cookie' });
  await client.login('a@example.com', 'correct horse battery');
  const token = oneTimeToken();

  await client.forgotPassword('a@example.com');
  await client.resetPassword({ token }, 'new password 1');
  await client.verifyEmail({ token });
  await client.confirmEmailChange({ token });
  await client.requestEmailVerification('a@example.com');
  await client.changeEmail('b@example.com', 'correct horse battery');
  await client.deleteAccount('correct horse battery');

  const byRoute = (route) => calls.filter((call) => `${call.method} ${call.path}` === route);
  for (const route of ['POST /api/auth/password/forgot', 'POST /api/auth/password/reset', 'POST /api/auth/email/verify',
    'POST /api/auth/email/confirm', 'POST /api/auth/email/verification']) {
    const [call] = byRoute(route);
    assert.equal(call.credentials, 'omit', route);
    assert.equal(call.headers.get('X-Gatehouse-Client'), null, route);
    assert.equal(call.headers.get('Authorization'), null, route);
  }
  assert.equal(byRoute('POST /api/auth/email')[0].headers.get('Authorization'), 'Bearer access-1');
  assert.equal(byRoute('DELETE /api/users/me')[0].headers.get('Authorization'), 'Bearer access-1');
  const [logout] = byRoute('POST /api/auth/logout');
  assert.ok(logout, 'the dead cookie is cleared by a logout');
  assert.equal(logout.headers.get('X-Gatehouse-Client'), 'web');
  assert.equal(logout.credentials, 'include');
  assert.equal(logout.body, '');
  assert.equal(calls.at(-1), logout, 'the logout is the last call');
});

// --- parseAccountLink ---

test('parseAccountLink reads the action and token of each mail link', () => {
  const token = oneTimeToken();
  for (const action of ['reset-password', 'verify-email', 'confirm-email-change']) {
    assert.deepEqual(parseAccountLink(`https://shop.example/app/${action}?token=${token}`), { action, token });
    assert.deepEqual(parseAccountLink(new URL(`https://shop.example/${action}?utm_source=mail&token=${token}#top`)), { action, token });
    assert.deepEqual(parseAccountLink(`shop://open/${action}?token=${token}`), { action, token }, 'a custom scheme');
    assert.deepEqual(parseAccountLink(`https://shop.example/app/${action}?token=${token}`, 'https://shop.example/app'), { action, token });
    assert.deepEqual(parseAccountLink(`https://shop.example/app/${action}?token=${token}`, 'https://shop.example/app/'), { action, token });
  }
  assert.deepEqual(Object.keys(parseAccountLink(`https://shop.example/verify-email?token=${token}`)), ['action', 'token']);
});

test('parseAccountLink refuses hostile and malformed links', () => {
  const token = oneTimeToken();
  const body = token.slice('gatehouse_ot_'.length);
  const refused = [
    `https://shop.example/app/delete-account?token=${token}`,
    `https://shop.example/app/reset-password/?token=${token}`,
    `https://shop.example/app/RESET-PASSWORD?token=${token}`,
    `https://shop.example/app/reset%2Dpassword?token=${token}`,
    `https://shop.example/app/reset-password.html?token=${token}`,
    `https://shop.example/app?action=reset-password&token=${token}`,
    `https://shop.example/app/reset-password`,
    `https://shop.example/app/reset-password?token=`,
    `https://shop.example/app/reset-password?token`,
    `https://shop.example/app/reset-password?Token=${token}`,
    `https://shop.example/app/reset-password?token=${token}&token=${oneTimeToken()}`,
    `https://shop.example/app/reset-password?token=${token}&token=${token}`,
    `https://shop.example/app/reset-password#token=${token}`,
    `https://shop.example/app/reset-password?token=${token.slice(0, -1)}`,
    `https://shop.example/app/reset-password?token=${token}A`,
    `https://shop.example/app/reset-password?token=${token}=`,
    `https://shop.example/app/reset-password?token=gatehouse_ot_${body.slice(0, 42)}+`,
    `https://shop.example/app/reset-password?token=gatehouse_ot_${body.slice(0, 42)}/`,
    `https://shop.example/app/reset-password?token=gatehouse_ot_${body.slice(0, 42)}%41`,
    `https://shop.example/app/reset-password?token=gatehouse_ot_${body.slice(0, 42)}\u0410`,
    `https://shop.example/app/reset-password?token=gatehouse_rt_${body}`,
    `https://shop.example/app/reset-password?token=GATEHOUSE_OT_${body}`,
    `https://shop.example/app/reset-password?token=%20${token}`,
    `https://shop.example/app/reset-password?token=${encodeURIComponent('<script>')}${body}`,
    `/app/reset-password?token=${token}`,
    `reset-password?token=${token}`,
    `https://shop.example/app/reset-password?token=${token}&x=${'y'.repeat(3000)}`,
    '',
    'not a url',
  ];
  for (const link of refused) {
    assert.equal(parseAccountLink(link), null, link.slice(0, 120));
  }
  for (const notText of [undefined, null, 42, {}, [], { href: `https://shop.example/reset-password?token=${token}` }]) {
    assert.equal(parseAccountLink(notText), null, String(notText));
  }
});

test('parseAccountLink with the link base URL refuses look-alike hosts and paths', () => {
  const token = oneTimeToken();
  const base = 'https://shop.example/app';
  for (const link of [
    `https://shop.example.evil.test/app/reset-password?token=${token}`,
    `https://evil.test/app/reset-password?token=${token}`,
    `https://shop.example@evil.test/app/reset-password?token=${token}`,
    `http://shop.example/app/reset-password?token=${token}`,
    `https://shop.example:8443/app/reset-password?token=${token}`,
    `https://shop.example/app-evil/reset-password?token=${token}`,
    `https://shop.example/reset-password?token=${token}`,
    `https://shop.example/app/x/reset-password?token=${token}`,
    `https://shop.example/evil/../app/x/reset-password?token=${token}`,
  ]) {
    assert.equal(parseAccountLink(link, base), null, link);
  }
  assert.equal(parseAccountLink(`https://shop.example/app/reset-password?token=${token}`, 'not a url'), null);
  // The WHATWG URL parser resolves dot segments, so this one is the real path /app/reset-password.
  assert.deepEqual(parseAccountLink(`https://shop.example/evil/../app/reset-password?token=${token}`, base), { action: 'reset-password', token });
});
