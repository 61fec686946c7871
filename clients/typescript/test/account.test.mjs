// The account calls end to end against the real packaged service (GATEHOUSE_URL), whose mails
// arrive at a real SMTP server and are read through GATEHOUSE_MAIL_URL: every code and link used
// here came out of a mail. Needs the account endpoints and the mail outbox of issue 16 on the
// server (TypeScriptClientIT provides both once they are merged).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatehouseClient, GatehouseError, MemoryTokenStorage, parseAccountLink } from '../dist/index.js';
import { PASSWORD, admin, codeIn, linkBaseUrl, linkIn, mail, newEmail, refreshDirectly, registerUser, serviceUrl } from './support.mjs';

const NEW_PASSWORD = 'a brand new passphrase';

function client(storage = new MemoryTokenStorage()) {
  return new GatehouseClient({ baseUrl: serviceUrl(), storage });
}

function linkOf(text, action) {
  const link = parseAccountLink(linkIn(text), linkBaseUrl());
  assert.ok(link, 'the mail link parses');
  assert.equal(link.action, action);
  return link;
}

function otherCode(code) {
  return code === '000000' ? '000001' : '000000';
}

/** Asserts that `promise` rejects with a GatehouseError of `code` (and `status` when given). */
async function refusedWith(promise, code, status) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof GatehouseError, String(error));
    assert.equal(error.code, code);
    if (status !== undefined) {
      assert.equal(error.status, status);
    }
    return true;
  });
}

test('forgot password, reset with the mailed link, sign in with the new password', async () => {
  const email = await registerUser();
  const storage = new MemoryTokenStorage();
  const gatehouse = client(storage);
  await gatehouse.login(email, PASSWORD);
  const { refreshToken } = await storage.load();

  await gatehouse.forgotPassword(email);
  const link = linkOf(await mail(email, '/reset-password?token='), 'reset-password');
  const signedOut = client();
  await refusedWith(signedOut.resetPassword(link, 'short'), 'validation_failed', 400); // uses nothing up
  await signedOut.resetPassword(link, NEW_PASSWORD);

  assert.equal((await refreshDirectly(refreshToken)).status, 401, 'the reset ended every session');
  await refusedWith(signedOut.login(email, PASSWORD), 'invalid_credentials', 401);
  await signedOut.login(email, NEW_PASSWORD);
  assert.equal((await signedOut.me()).emailVerified, true, 'a reset proves the address');
  await refusedWith(signedOut.resetPassword(link, 'yet another passphrase'), 'invalid_code', 400);
});

test('forgot password, reset with the mailed code', async () => {
  const email = await registerUser();
  const gatehouse = client();

  await gatehouse.forgotPassword(email);
  const code = codeIn(await mail(email, '/reset-password?token='));
  await refusedWith(gatehouse.resetPassword({ email, code: otherCode(code) }, NEW_PASSWORD), 'invalid_code', 400);
  await gatehouse.resetPassword({ email, code }, NEW_PASSWORD);

  await gatehouse.login(email, NEW_PASSWORD);
  await gatehouse.forgotPassword(`nobody-${newEmail()}`); // the same answer for an unknown address
});

test('register, then verify with the mailed code', async () => {
  const email = await registerUser();
  const gatehouse = client();
  await gatehouse.login(email, PASSWORD);
  assert.equal((await gatehouse.me()).emailVerified, false);

  const code = codeIn(await mail(email, '/verify-email?token='));
  await refusedWith(gatehouse.verifyEmail({ email, code: otherCode(code) }), 'invalid_code', 400);
  await gatehouse.verifyEmail({ email, code });

  const me = await gatehouse.me();
  assert.equal(me.emailVerified, true);
  assert.equal(me.email, email);
});

test('a resent verification mail replaces the first, and its link verifies', async () => {
  const email = await registerUser();
  const first = await mail(email, '/verify-email?token=');
  const gatehouse = client();
  await gatehouse.login(email, PASSWORD);

  await gatehouse.requestEmailVerification(); // signed in
  const link = linkOf(await mail(email, '/verify-email?token='), 'verify-email');
  const signedOut = client();
  await refusedWith(signedOut.verifyEmail(linkOf(first, 'verify-email')), 'invalid_code', 400);
  await signedOut.verifyEmail(link);
  assert.equal((await gatehouse.me()).emailVerified, true);

  const other = await registerUser();
  await mail(other, '/verify-email?token=');
  await signedOut.requestEmailVerification(other); // not signed in, e.g. from the sign-in screen
  await signedOut.verifyEmail(linkOf(await mail(other, '/verify-email?token='), 'verify-email'));
  await signedOut.login(other, PASSWORD);
  assert.equal((await signedOut.me()).emailVerified, true);
});

test('change the e-mail, confirm with the mailed link, then again with the code', async () => {
  const email = await registerUser();
  const gatehouse = client();
  await gatehouse.login(email, PASSWORD);
  const next = newEmail();

  await refusedWith(gatehouse.changeEmail(next, 'not the password'), 'invalid_current_password', 400);
  await refusedWith(gatehouse.changeEmail(await registerUser(), PASSWORD), 'email_taken', 409);
  await gatehouse.changeEmail(next, PASSWORD);
  assert.equal((await gatehouse.me()).email, email, 'nothing changes before the confirmation');
  const link = linkOf(await mail(next, '/confirm-email-change?token='), 'confirm-email-change');
  await client().confirmEmailChange(link); // the link opened on any device

  // The old access token carries the old stamp: this client refreshes once and goes on with the new address.
  const me = await gatehouse.me();
  assert.equal(me.email, next);
  assert.equal(me.emailVerified, true);
  await refusedWith(client().login(email, PASSWORD), 'invalid_credentials', 401);

  const third = newEmail();
  await gatehouse.changeEmail(third, PASSWORD);
  await gatehouse.confirmEmailChange({ code: codeIn(await mail(third, '/confirm-email-change?token=')) }); // signed in
  assert.equal((await gatehouse.me()).email, third);
  await client().login(third, PASSWORD);
});

test('the export holds the user\'s data and no secret, as JSON and as a file', async () => {
  const email = await registerUser();
  const storage = new MemoryTokenStorage();
  const gatehouse = client(storage);
  await gatehouse.login(email, PASSWORD, 'export device');

  const data = await gatehouse.exportData();
  const file = await gatehouse.exportDataFile();

  assert.equal(data.user.email, email);
  assert.equal(data.sessions.length, 1);
  assert.equal(data.sessions[0].deviceName, 'export device');
  assert.ok(Array.isArray(data.passkeys));
  assert.ok(Array.isArray(data.events));
  assert.equal(file.type, 'application/json');
  assert.deepEqual(JSON.parse(await file.text()).user, data.user);
  const text = JSON.stringify(data);
  const tokens = await storage.load();
  for (const secret of [tokens.refreshToken, tokens.accessToken, 'gatehouse_rt_', 'gatehouse_ot_', '$argon2', PASSWORD]) {
    assert.ok(!text.includes(secret), 'the export holds no secret');
  }
});

test('delete the account: everything ends, and sign-in fails afterwards', async () => {
  const email = await registerUser();
  const storage = new MemoryTokenStorage();
  const ended = [];
  const gatehouse = new GatehouseClient({ baseUrl: serviceUrl(), storage, onSessionEnded: (reason) => ended.push(reason) });
  await gatehouse.login(email, PASSWORD);
  const tokens = await storage.load();

  await refusedWith(gatehouse.deleteAccount('not the password'), 'invalid_current_password', 400);
  assert.notEqual(await storage.load(), null, 'a refused deletion keeps the session');
  await gatehouse.deleteAccount(PASSWORD);

  assert.equal(await storage.load(), null, 'the client forgot the tokens');
  assert.deepEqual(ended, []);
  assert.equal((await refreshDirectly(tokens.refreshToken)).status, 401, 'the session is gone on the server');
  await refusedWith(gatehouse.login(email, PASSWORD), 'invalid_credentials', 401);
  await registerUser(email); // the address is free again
});

test('the only admin cannot delete itself', async () => {
  const { email, password } = admin();
  const storage = new MemoryTokenStorage();
  const gatehouse = client(storage);
  await gatehouse.login(email, password);

  await refusedWith(gatehouse.deleteAccount(password), 'last_admin', 409);

  assert.notEqual(await storage.load(), null);
  assert.ok((await gatehouse.me()).roles.includes('admin'));
});
