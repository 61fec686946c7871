// The client against a fake fetch: what it sends in cookie mode (Node has no cookie jar, so the
// real round trip is for a browser test) and how it treats a 503 and a one-shot body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatehouseClient, MemoryTokenStorage, SessionEndedError } from '../dist/index.js';

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
