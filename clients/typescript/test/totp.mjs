// RFC 6238 codes (HMAC-SHA1, 6 digits, 30 s steps) computed by the tests themselves, independently of the
// server's code, from the base32 secret Gatehouse hands out at TOTP set-up (docs/mfa.md).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';

/** RFC 4648 base32 without padding. */
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of text) {
    const value = alphabet.indexOf(char);
    assert.ok(value >= 0, `base32: ${char}`);
    bits += value.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) {
    bytes.push(parseInt(bits.slice(i, i + 8), 2));
  }
  return Buffer.from(bytes);
}

/** The code of 30-second step `step` (RFC 4226 §5.3 dynamic truncation). */
export function totp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}

/** The current step by this machine's clock. */
export function stepNow() {
  return Math.floor(Date.now() / 30_000);
}
