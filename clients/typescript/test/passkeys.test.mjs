// registerPasskey() and signInWithPasskey() against a fake fetch and a fake WebAuthn platform: both
// the WebAuthn Level 3 JSON helpers and the fallback conversion for browsers without them. The real
// ceremony with a browser's authenticator is browser-test/passkeys.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatehouseClient, GatehouseError, MemoryTokenStorage } from '../dist/index.js';

const BASE = 'https://auth.example';
const b64url = (bytes) => Buffer.from(bytes).toString('base64url');
const bytesOf = (buffer) => [...new Uint8Array(buffer)];

function json(status, body) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function fakeFetch(answer) {
  const calls = [];
  const fetch = async (input, init) => {
    const request = new Request(input, init);
    const text = await request.text();
    const call = { method: request.method, path: new URL(request.url).pathname, headers: request.headers,
      credentials: init?.credentials, body: text === '' ? undefined : JSON.parse(text) };
    calls.push(call);
    return answer(call);
  };
  return { fetch, calls };
}

const CREATION = {
  challenge: b64url([1, 2, 3, 4]), rp: { id: 'auth.example', name: 'Gatehouse' },
  user: { id: b64url([9, 9, 9]), name: 'a@example.com', displayName: 'A' },
  pubKeyCredParams: [{ type: 'public-key', alg: -7 }], timeout: 300000,
  excludeCredentials: [{ type: 'public-key', id: b64url([7, 7]) }],
  authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' }, attestation: 'none',
};
const REQUEST = { challenge: b64url([5, 6, 7]), timeout: 300000, rpId: 'auth.example', userVerification: 'required' };

/** A credential as an older browser returns it: ArrayBuffers, no toJSON. */
function attestationCredential() {
  return {
    id: b64url([42]), rawId: new Uint8Array([42]).buffer, type: 'public-key', authenticatorAttachment: 'platform',
    response: { clientDataJSON: new Uint8Array([1]).buffer, attestationObject: new Uint8Array([2, 3]).buffer,
      getTransports: () => ['internal'] },
    getClientExtensionResults: () => ({}),
  };
}

function assertionCredential() {
  return {
    id: b64url([42]), rawId: new Uint8Array([42]).buffer, type: 'public-key', authenticatorAttachment: 'platform',
    response: { clientDataJSON: new Uint8Array([1]).buffer, authenticatorData: new Uint8Array([4]).buffer,
      signature: new Uint8Array([5, 6]).buffer, userHandle: new Uint8Array([9, 9, 9]).buffer },
    getClientExtensionResults: () => ({}),
  };
}

function server() {
  return fakeFetch((call) => {
    switch (`${call.method} ${call.path}`) {
      case 'POST /api/auth/login':
        return json(200, { accessToken: 'access-1', refreshToken: 'refresh-1', sessionId: 's1' });
      case 'POST /api/auth/passkeys/register/options':
        return json(200, { flowId: 'flow-r', publicKey: CREATION });
      case 'POST /api/auth/passkeys/register':
        return json(201, { id: 'pk-1', name: call.body.name ?? 'Passkey', createdAt: 'now', lastUsedAt: null, backedUp: false });
      case 'POST /api/auth/passkeys/login/options':
        return json(200, { flowId: 'flow-l', publicKey: REQUEST });
      case 'POST /api/auth/passkeys/login':
        if (call.body.credential.response.signature !== b64url([5, 6])) {
          return json(401, { code: 'invalid_credentials' });
        }
        // docs/api.md "Web (cookie) mode": with X-Gatehouse-Client: web the refresh token is only in the cookie.
        return call.headers.get('X-Gatehouse-Client') === 'web'
          ? json(200, { accessToken: 'access-2', sessionId: 's2' })
          : json(200, { accessToken: 'access-2', refreshToken: 'refresh-2', sessionId: 's2' });
      case 'POST /api/auth/refresh':
        return call.headers.get('X-Gatehouse-Client') === 'web'
          ? json(200, { accessToken: 'access-3', sessionId: 's2' })
          : json(200, { accessToken: 'access-3', refreshToken: call.body?.refreshToken === 'refresh-2' ? 'refresh-3' : 'wrong', sessionId: 's2' });
      case 'POST /api/auth/logout':
        return new Response(null, { status: 204 });
      case 'GET /api/auth/passkeys':
        return json(200, [{ id: 'pk-1', name: 'Laptop', createdAt: 'now', lastUsedAt: null, backedUp: false }]);
      case 'PATCH /api/auth/passkeys/pk-1':
      case 'DELETE /api/auth/passkeys/pk-1':
        return new Response(null, { status: 204 });
      case 'GET /api/users/me':
        return call.headers.get('Authorization') === 'Bearer expired'
          ? json(401, { code: 'invalid_token' })
          : json(200, { id: 'u', authorization: call.headers.get('Authorization') });
      default:
        return json(404, { code: 'not_found' });
    }
  });
}

test('without the Level 3 helpers: options become ArrayBuffers and credentials base64url JSON', async () => {
  const { fetch, calls } = server();
  const seen = {};
  const webauthn = {
    credentials: {
      create: async (options) => { seen.create = options.publicKey; return attestationCredential(); },
      get: async (options) => { seen.get = options.publicKey; return assertionCredential(); },
    },
  };
  const client = new GatehouseClient({ baseUrl: BASE, fetch, webauthn });
  await client.login('a@example.com', 'correct horse battery');

  const passkey = await client.registerPasskey({ name: 'Laptop' });
  assert.equal(passkey.name, 'Laptop');
  assert.deepEqual(bytesOf(seen.create.challenge), [1, 2, 3, 4]);
  assert.deepEqual(bytesOf(seen.create.user.id), [9, 9, 9]);
  assert.deepEqual(bytesOf(seen.create.excludeCredentials[0].id), [7, 7]);
  assert.equal(seen.create.authenticatorSelection.residentKey, 'required');
  const registration = calls.find((c) => c.path === '/api/auth/passkeys/register').body;
  assert.equal(registration.flowId, 'flow-r');
  assert.deepEqual(registration.credential.response,
    { clientDataJSON: b64url([1]), attestationObject: b64url([2, 3]), transports: ['internal'] });
  assert.equal(registration.credential.rawId, b64url([42]));
  assert.equal(calls.find((c) => c.path === '/api/auth/passkeys/register').headers.get('Authorization'), 'Bearer access-1');

  await client.logout().catch(() => undefined);
  await client.signInWithPasskey({ deviceName: 'phone' });
  assert.deepEqual(bytesOf(seen.get.challenge), [5, 6, 7]);
  assert.equal(seen.get.rpId, 'auth.example');
  const login = calls.find((c) => c.path === '/api/auth/passkeys/login');
  assert.equal(login.body.deviceName, 'phone');
  assert.equal(login.body.credential.response.userHandle, b64url([9, 9, 9]));
  assert.equal(login.headers.get('Authorization'), null, 'no token is sent to sign in');
  assert.equal((await (await client.fetch('/api/users/me')).json()).authorization, 'Bearer access-2');

  assert.deepEqual((await client.passkeys()).map((p) => p.id), ['pk-1']);
  await client.renamePasskey('pk-1', 'Work laptop');
  await client.deletePasskey('pk-1');
  assert.deepEqual(calls.slice(-2).map((c) => `${c.method} ${c.path} ${JSON.stringify(c.body ?? null)}`),
    ['PATCH /api/auth/passkeys/pk-1 {"name":"Work laptop"}', 'DELETE /api/auth/passkeys/pk-1 null']);
});

test('with the Level 3 helpers: the browser parses the options and serializes the credential', async () => {
  const { fetch, calls } = server();
  const parsed = [];
  const webauthn = {
    credentials: {
      create: async () => ({ ...attestationCredential(), toJSON: () => ({ id: 'from-toJSON', response: {} }) }),
      get: async () => ({ ...assertionCredential(), toJSON: () => ({ id: 'from-toJSON', response: { signature: b64url([5, 6]) } }) }),
    },
    PublicKeyCredential: {
      parseCreationOptionsFromJSON: (json) => { parsed.push(json); return { parsed: 'creation' }; },
      parseRequestOptionsFromJSON: (json) => { parsed.push(json); return { parsed: 'request' }; },
    },
  };
  const client = new GatehouseClient({ baseUrl: BASE, fetch, mode: 'cookie', webauthn });
  await client.signInWithPasskey();
  assert.deepEqual(parsed, [REQUEST]);
  const login = calls.find((c) => c.path === '/api/auth/passkeys/login');
  assert.equal(login.body.credential.id, 'from-toJSON');
  assert.equal(login.headers.get('X-Gatehouse-Client'), 'web', 'cookie mode: the session goes into the cookie');
  await client.registerPasskey();
  assert.deepEqual(parsed, [REQUEST, CREATION]);
});

test('refusals: Gatehouse errors keep their code, a cancelled ceremony its DOMException, no platform a TypeError', async () => {
  const { fetch } = server();
  const refused = new GatehouseClient({ baseUrl: BASE, fetch, webauthn: { credentials: {
    create: async () => null, get: async () => ({ ...assertionCredential(), response: { ...assertionCredential().response,
      signature: new Uint8Array([0]).buffer } }) } } });
  await assert.rejects(refused.signInWithPasskey(), (e) => e instanceof GatehouseError && e.code === 'invalid_credentials');

  const cancelled = new GatehouseClient({ baseUrl: BASE, fetch, webauthn: { credentials: {
    create: async () => { throw new DOMException('cancelled', 'NotAllowedError'); },
    get: async () => { throw new DOMException('cancelled', 'NotAllowedError'); } } } });
  await assert.rejects(cancelled.signInWithPasskey(), (e) => e.name === 'NotAllowedError');

  const none = new GatehouseClient({ baseUrl: BASE, fetch });
  await assert.rejects(none.signInWithPasskey(), TypeError);
});

test('a passkey sign-in keeps the tokens like login: saved to the storage in bearer mode, only the cookie in cookie mode', async () => {
  const webauthn = { credentials: { create: async () => null, get: async () => assertionCredential() } };

  const bearer = server();
  const storage = new MemoryTokenStorage();
  const client = new GatehouseClient({ baseUrl: BASE, fetch: bearer.fetch, storage, webauthn });
  await client.signInWithPasskey();
  assert.deepEqual(await storage.load(), { accessToken: 'access-2', refreshToken: 'refresh-2', sessionId: 's2' },
    'saved before signInWithPasskey resolves');
  // The saved refresh token is the one a refresh sends.
  await storage.save({ accessToken: 'expired', refreshToken: 'refresh-2', sessionId: 's2' });
  const restarted = new GatehouseClient({ baseUrl: BASE, fetch: bearer.fetch, storage, webauthn });
  assert.equal((await (await restarted.fetch('/api/users/me')).json()).authorization, 'Bearer access-3');
  assert.equal((await storage.load()).refreshToken, 'refresh-3');
  for (const call of bearer.calls.filter((c) => c.path.startsWith('/api/auth/passkeys/'))) {
    assert.equal(call.headers.get('X-Gatehouse-Client'), null, call.path);
  }

  const cookie = server();
  const web = new GatehouseClient({ baseUrl: BASE, fetch: cookie.fetch, mode: 'cookie', webauthn });
  await web.signInWithPasskey();
  assert.equal((await (await web.fetch('/api/users/me')).json()).authorization, 'Bearer access-2');
  for (const call of cookie.calls.filter((c) => c.path.startsWith('/api/auth/passkeys/'))) {
    assert.equal(call.headers.get('X-Gatehouse-Client'), 'web', call.path);
    assert.equal(call.credentials, 'include', `${call.path}: the answer's Set-Cookie must be kept`);
  }
  await web.logout();
  const logout = cookie.calls.at(-1);
  assert.equal(`${logout.method} ${logout.path}`, 'POST /api/auth/logout');
  assert.equal(logout.body, undefined, 'cookie mode holds no refresh token to send');
});
