// Device-bound refresh tokens (docs/dpop.md) with the client against the real packaged service, through a proxy
// that passes the Host on (so the service sees the URL the client's proofs name) and counts refreshes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtectedHeader, decodeJwt, jwtVerify, EmbeddedJWK } from 'jose';
import { GatehouseClient, MemoryDpopKeyStore, MemoryTokenStorage, WebCryptoDpopProver } from '../dist/index.js';
import { PASSWORD, refreshDirectly, registerUser, serviceUrl, startProxy, waitUntilRefused } from './support.mjs';

let proxy;

before(async () => {
  proxy = await startProxy(serviceUrl(), { keepHost: true });
});

after(async () => {
  await proxy.close();
});

/** A client with a device key, signed in through the proxy. */
async function boundClient() {
  const storage = new MemoryTokenStorage();
  const keys = new MemoryDpopKeyStore();
  const client = new GatehouseClient({ baseUrl: proxy.url, storage, dpop: new WebCryptoDpopProver(keys) });
  await client.login(await registerUser(), PASSWORD, 'node test');
  return { client, storage, keys, tokens: await storage.load() };
}

test('a proof is a dpop+jwt signed by a non-extractable P-256 key, fresh for every call', async () => {
  const keys = new MemoryDpopKeyStore();
  const prover = new WebCryptoDpopProver(keys);
  const [first, second] = await Promise.all([prover.proof('POST', 'https://auth.test/api/auth/refresh'),
    prover.proof('POST', 'https://auth.test/api/auth/refresh')]);
  for (const proof of [first, second]) {
    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'] });
    assert.equal(payload.htm, 'POST');
    assert.equal(payload.htu, 'https://auth.test/api/auth/refresh');
    assert.ok(Math.abs(payload.iat - Date.now() / 1000) < 5);
    assert.deepEqual(Object.keys(protectedHeader.jwk).sort(), ['crv', 'kty', 'x', 'y'], 'the public key only');
  }
  assert.notEqual(decodeJwt(first).jti, decodeJwt(second).jti);
  assert.deepEqual(decodeProtectedHeader(first).jwk, decodeProtectedHeader(second).jwk, 'one key, even for calls at once');
  const stored = await keys.load();
  assert.equal(stored.privateKey.extractable, false, 'the private key cannot be read out');
  await assert.rejects(crypto.subtle.exportKey('jwk', stored.privateKey));
  await prover.reset();
  assert.equal(await keys.load(), null);
  assert.notDeepEqual(decodeProtectedHeader(await prover.proof('POST', 'https://auth.test/x')).jwk,
    decodeProtectedHeader(first).jwk, 'a new key after reset');
});

test('20 parallel requests across an expiry share one refresh with a proof, and the token is useless without the key', async () => {
  const { client, storage, tokens } = await boundClient();
  await waitUntilRefused(tokens.accessToken);
  proxy.refreshTokens.length = 0;
  proxy.refreshProofs.length = 0;

  const responses = await Promise.all(Array.from({ length: 20 }, () => client.fetch('/api/users/me')));

  assert.deepEqual(responses.map((response) => response.status), Array(20).fill(200));
  assert.deepEqual(proxy.refreshTokens, [tokens.refreshToken], 'one refresh, with the stored token');
  assert.equal(proxy.refreshProofs.length, 1);
  assert.equal(decodeProtectedHeader(proxy.refreshProofs[0]).typ, 'dpop+jwt');
  const saved = await storage.load();
  assert.notEqual(saved.refreshToken, tokens.refreshToken);
  // a copy of the saved token, used without the device's key: refused, and the client's session lives on
  const stolen = await refreshDirectly(saved.refreshToken);
  assert.equal(stolen.status, 401);
  assert.equal(stolen.body.code, 'invalid_dpop_proof');
  await waitUntilRefused((await storage.load()).accessToken);
  assert.equal((await client.fetch('/api/users/me')).status, 200, 'the client refreshes on');
});

test('a refresh whose answer is lost is retried with a fresh proof and gets the same successor', async () => {
  const { client, storage, tokens } = await boundClient();
  await waitUntilRefused(tokens.accessToken);
  proxy.refreshTokens.length = 0;
  proxy.refreshProofs.length = 0;
  proxy.dropNextRefreshResponse();

  const response = await client.fetch('/api/users/me');

  assert.equal(response.status, 200);
  assert.deepEqual(proxy.refreshTokens, [tokens.refreshToken, tokens.refreshToken], 'the retry carries the same token');
  assert.equal(proxy.refreshProofs.length, 2);
  assert.notEqual(proxy.refreshProofs[0], proxy.refreshProofs[1], 'each attempt signs its own proof');
  assert.deepEqual(decodeProtectedHeader(proxy.refreshProofs[0]).jwk, decodeProtectedHeader(proxy.refreshProofs[1]).jwk);
  const saved = await storage.load();
  await waitUntilRefused(saved.accessToken);
  assert.equal((await client.fetch('/api/users/me')).status, 200, 'the saved successor is the live one');
});

test('logout with the key ends the bound session, and the next sign-in gets a new key', async () => {
  const { client, keys, tokens } = await boundClient();
  const before = await crypto.subtle.exportKey('jwk', (await keys.load()).publicKey);

  await client.logout();

  assert.equal(await keys.load(), null, 'the key is gone with the session');
  const after = await refreshDirectly(tokens.refreshToken);
  assert.equal(after.status, 401);
  assert.equal(after.body.code, 'invalid_refresh_token', 'revoked: the token is refused before any proof');
  await client.login(await registerUser(), PASSWORD);
  const next = await crypto.subtle.exportKey('jwk', (await keys.load()).publicKey);
  assert.notEqual(next.x, before.x);
});
