// The client against the real packaged service (GATEHOUSE_URL), through a proxy that counts refreshes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { GatehouseClient, MemoryTokenStorage, SessionEndedError } from '../dist/index.js';
import { PASSWORD, refreshDirectly, registerUser, startProxy, waitUntilRefused } from './support.mjs';

let proxy;

before(async () => {
  proxy = await startProxy();
});

after(async () => {
  await proxy.close();
});

/** A signed-in client (through the proxy) whose access token has already expired. */
async function signedInWithExpiredAccessToken(options = {}) {
  const storage = new MemoryTokenStorage();
  const client = new GatehouseClient({ baseUrl: proxy.url, storage, ...options });
  await client.login(await registerUser(), PASSWORD, 'node test');
  const tokens = await storage.load();
  await waitUntilRefused(tokens.accessToken);
  proxy.refreshTokens.length = 0;
  return { client, storage, tokens };
}

test('20 parallel requests with an expired access token share exactly one refresh', async () => {
  const { client, storage, tokens } = await signedInWithExpiredAccessToken();

  const responses = await Promise.all(Array.from({ length: 20 }, () => client.fetch('/api/users/me')));

  assert.deepEqual(responses.map((response) => response.status), Array(20).fill(200));
  assert.deepEqual(proxy.refreshTokens, [tokens.refreshToken], 'one refresh, with the stored token');
  const saved = await storage.load();
  assert.notEqual(saved.refreshToken, tokens.refreshToken, 'the successor is saved');
  assert.equal(saved.sessionId, tokens.sessionId);
});

test('a refresh whose answer is lost is retried with the same token and the user stays signed in', async () => {
  const { client, storage, tokens } = await signedInWithExpiredAccessToken();
  proxy.dropNextRefreshResponse();

  const response = await client.fetch('/api/users/me');

  assert.equal(response.status, 200);
  assert.deepEqual(proxy.refreshTokens, [tokens.refreshToken, tokens.refreshToken], 'the retry carries the same token');
  assert.equal((await client.fetch('/api/users/me')).status, 200, 'a following request');
  // docs/tokens.md "Reuse window": the retry got the one valid successor, so the client holds a live refresh token.
  const saved = await storage.load();
  assert.notEqual(saved.refreshToken, tokens.refreshToken);
  assert.equal((await refreshDirectly(saved.refreshToken)).status, 200, 'the saved refresh token is the live one');
});

test('a replayed refresh token ends the session once, for every waiting caller, and clears the storage', async () => {
  const ended = [];
  const { client, storage, tokens } = await signedInWithExpiredAccessToken({ onSessionEnded: (reason) => ended.push(reason) });
  // Rotate twice out of band: the successor of the client's token is used, so the client's copy
  // is a replay at once, whatever the reuse window (docs/tokens.md "Replay detection").
  const first = await refreshDirectly(tokens.refreshToken);
  assert.equal(first.status, 200);
  assert.equal((await refreshDirectly(first.body.refreshToken)).status, 200);

  const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => client.fetch('/api/users/me')));

  for (const outcome of outcomes) {
    assert.equal(outcome.status, 'rejected');
    assert.ok(outcome.reason instanceof SessionEndedError, String(outcome.reason));
    assert.equal(outcome.reason.reason, 'invalid_refresh_token');
  }
  assert.deepEqual(ended, ['invalid_refresh_token'], 'onSessionEnded called once');
  assert.equal(await storage.load(), null, 'storage cleared');
  assert.deepEqual(proxy.refreshTokens, [tokens.refreshToken], 'a 401 is not retried');
  // Signed out now: a request goes without a token and its 401 is the answer.
  const anonymous = await client.fetch('/api/users/me');
  assert.equal(anonymous.status, 401);
  assert.equal(proxy.refreshTokens.length, 1, 'no refresh without a session');
});

test('logout ends the session on the server and forgets the tokens', async () => {
  const storage = new MemoryTokenStorage();
  const client = new GatehouseClient({ baseUrl: proxy.url, storage });
  await client.login(await registerUser(), PASSWORD);
  const tokens = await storage.load();

  await client.logout();

  assert.equal(await storage.load(), null);
  assert.equal((await refreshDirectly(tokens.refreshToken)).status, 401, 'the session is revoked on the server');
});
