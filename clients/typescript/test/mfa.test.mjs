// The second factor end to end against the real packaged service (GATEHOUSE_URL): TOTP set up through the
// client, codes computed from the secret with the tests' own RFC 6238 code (test/totp.mjs, not the server's), the
// two-step sign-in surfaced as MfaRequiredError, recovery codes, and turning it off (docs/mfa.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatehouseClient, GatehouseError, MemoryTokenStorage, MfaRequiredError } from '../dist/index.js';
import { PASSWORD, codeIn, mail, registerUser, serviceUrl } from './support.mjs';
import { stepNow, totp } from './totp.mjs';

function client(storage = new MemoryTokenStorage()) {
  return new GatehouseClient({ baseUrl: serviceUrl(), storage });
}

function other(code) {
  return code === '000000' ? '000001' : String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

function claims(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
}

async function refusedWith(promise, code, status) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof GatehouseError, String(error));
    assert.equal(error.code, code);
    assert.equal(error.status, status);
    return true;
  });
}

/** The mfaToken of a password sign-in of a user with TOTP on, after asserting how it was thrown. */
async function mfaTokenOf(promise) {
  let token;
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof MfaRequiredError, String(error));
    assert.ok(error instanceof GatehouseError, 'an app that only knows GatehouseError still sees a refusal');
    assert.equal(error.status, 403);
    assert.equal(error.code, 'mfa_required');
    assert.match(error.mfaToken, /^gatehouse_mfa_[A-Za-z0-9_-]{43}$/);
    token = error.mfaToken;
    return true;
  });
  return token;
}

/** A user with a verified e-mail who turned TOTP on through the client; `step` is the step its confirming code used. */
async function userWithTotp() {
  const email = await registerUser();
  const gatehouse = client();
  await gatehouse.login(email, PASSWORD);
  await gatehouse.verifyEmail({ email, code: codeIn(await mail(email, '/verify-email?token=')) }); // the sign-up's mail
  const { secret, otpauthUri } = await gatehouse.setupTotp();
  assert.match(secret, /^[A-Z2-7]{32}$/);
  assert.ok(otpauthUri.startsWith('otpauth://totp/'), otpauthUri);
  assert.ok(otpauthUri.includes(`secret=${secret}`), otpauthUri);
  const step = stepNow();
  const recoveryCodes = await gatehouse.confirmTotp(totp(secret, step));
  assert.equal(recoveryCodes.length, 10);
  recoveryCodes.forEach((code) => assert.match(code, /^[a-z2-7]{5}-[a-z2-7]{5}$/));
  return { email, secret, step, recoveryCodes, gatehouse };
}

test('with TOTP on, login throws MfaRequiredError and loginMfa with a code signs in; the token is never stored', async () => {
  const user = await userWithTotp();
  const storage = new MemoryTokenStorage();
  const gatehouse = client(storage);

  const mfaToken = await mfaTokenOf(gatehouse.login(user.email, PASSWORD));
  assert.equal(await storage.load(), null, 'nothing is kept before the second step');

  // a wrong code is refused and the same token still works (the next step's code: the confirm used this one)
  const right = totp(user.secret, user.step + 1);
  await refusedWith(gatehouse.loginMfa(mfaToken, { code: other(right) }), 'invalid_mfa_code', 401);
  assert.equal(await storage.load(), null);
  await gatehouse.loginMfa(mfaToken, { code: right });

  const me = await gatehouse.me();
  assert.equal(me.email, user.email);
  assert.equal(me.mfaEnabled, true);
  const kept = await storage.load();
  assert.deepEqual(claims(kept.accessToken).amr, ['pwd', 'otp', 'mfa']);
  assert.ok(!JSON.stringify(kept).includes('gatehouse_mfa_'), 'the mfaToken is not in the storage');
  // single use: the same token again is dead
  await refusedWith(client().loginMfa(mfaToken, { code: totp(user.secret, user.step + 1) }), 'invalid_credentials', 401);
});

test('a recovery code signs in once; a made-up mfaToken is refused like a dead one', async () => {
  const user = await userWithTotp();
  const gatehouse = client();
  const recoveryCode = user.recoveryCodes[0];

  await gatehouse.loginMfa(await mfaTokenOf(gatehouse.login(user.email, PASSWORD)), { recoveryCode });
  assert.equal((await gatehouse.me()).email, user.email);

  const again = client();
  await refusedWith(again.loginMfa(await mfaTokenOf(again.login(user.email, PASSWORD)), { recoveryCode }), 'invalid_mfa_code', 401);
  await refusedWith(again.loginMfa(`gatehouse_mfa_${'A'.repeat(43)}`, { recoveryCode: user.recoveryCodes[1] }),
    'invalid_credentials', 401);
});

test('set-up answers mfa_already_enabled while on; new recovery codes replace the old; turning it off', async () => {
  const user = await userWithTotp();
  await refusedWith(user.gatehouse.setupTotp(), 'mfa_already_enabled', 409);
  await refusedWith(user.gatehouse.renewRecoveryCodes(other(totp(user.secret, user.step + 1))), 'invalid_mfa_code', 400);

  const fresh = await user.gatehouse.renewRecoveryCodes(totp(user.secret, user.step + 1));

  assert.equal(fresh.length, 10);
  await refusedWith(user.gatehouse.disableTotp({ recoveryCode: user.recoveryCodes[0] }), 'invalid_mfa_code', 400);
  // turning it off changes the stamp: this client's access token stops, and its next request refreshes
  await user.gatehouse.disableTotp({ recoveryCode: fresh[0] });
  assert.equal((await user.gatehouse.me()).mfaEnabled, false);
  await refusedWith(user.gatehouse.disableTotp({ recoveryCode: fresh[1] }), 'mfa_not_enabled', 409);
  const plain = client();
  await plain.login(user.email, PASSWORD); // no second step any more
  assert.equal((await plain.me()).mfaEnabled, false);
});
