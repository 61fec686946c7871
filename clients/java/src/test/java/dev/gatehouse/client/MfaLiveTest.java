package dev.gatehouse.client;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The second factor end to end against a real Gatehouse ({@code GATEHOUSE_URL}; skipped without it): TOTP set up
 * through the client, codes computed here from the secret (this file's own RFC 6238 code, not the server's), the
 * two-step sign-in surfaced as {@link MfaRequiredException}, recovery codes, and turning it off (docs/mfa.md).
 */
class MfaLiveTest {

    @BeforeAll
    static void needsAGatehouse() {
        assumeTrue(LiveGatehouse.url() != null, "GATEHOUSE_URL is not set: no live Gatehouse to test against");
    }

    private static GatehouseAuth client(MemoryTokenStore store) {
        return GatehouseAuth.builder(LiveGatehouse.url()).tokenStore(store).build();
    }

    /** A user with a verified e-mail who turned TOTP on through the client; {@code step} is the one its confirm used. */
    private record Enabled(String email, String secret, long step, List<String> recoveryCodes, GatehouseAuth auth) {
    }

    private static Enabled enabledUser() throws Exception {
        String email = LiveGatehouse.registerUser();
        GatehouseAuth auth = client(new MemoryTokenStore());
        auth.login(email, LiveGatehouse.PASSWORD, "junit");
        auth.verifyEmailWithCode(email, LiveGatehouse.code(LiveGatehouse.mail(email, "/verify-email?token=")));
        TotpSetup setup = auth.setupTotp();
        assertTrue(setup.secret().matches("[A-Z2-7]{32}"), setup.secret());
        assertTrue(setup.otpauthUri().startsWith("otpauth://totp/") && setup.otpauthUri().contains("secret=" + setup.secret()));
        assertFalse(setup.toString().contains(setup.secret()), "the secret stays out of log lines");
        long step = stepNow();
        List<String> codes = auth.confirmTotp(totp(setup.secret(), step));
        assertEquals(10, codes.size());
        codes.forEach(code -> assertTrue(code.matches("[a-z2-7]{5}-[a-z2-7]{5}"), code));
        return new Enabled(email, setup.secret(), step, codes, auth);
    }

    private static String mfaTokenOfLogin(GatehouseAuth auth, String email) {
        MfaRequiredException required = assertThrows(MfaRequiredException.class, () -> auth.login(email, LiveGatehouse.PASSWORD, "junit"));
        assertEquals(403, required.status());
        assertEquals(GatehouseException.MFA_REQUIRED, required.code());
        assertTrue(required.mfaToken().matches("gatehouse_mfa_[A-Za-z0-9_-]{43}"), required.mfaToken());
        assertFalse(String.valueOf(required.getMessage()).contains(required.mfaToken()), "the token is not in the message");
        return required.mfaToken();
    }

    private static void refused(String code, int status, org.junit.jupiter.api.function.Executable call) {
        GatehouseException refused = assertThrows(GatehouseException.class, call);
        assertEquals(code, refused.code());
        assertEquals(status, refused.status());
    }

    @Test
    void loginThrowsMfaRequiredAndLoginMfaWithACodeSignsInWithoutStoringTheToken() throws Exception {
        Enabled user = enabledUser();
        MemoryTokenStore store = new MemoryTokenStore();
        GatehouseAuth auth = client(store);

        String mfaToken = mfaTokenOfLogin(auth, user.email());
        assertNull(store.load(), "nothing is saved before the second step");

        String right = totp(user.secret(), user.step() + 1); // the confirm used this step: the next one's code
        refused(GatehouseException.INVALID_MFA_CODE, 401, () -> auth.loginMfa(mfaToken, other(right)));
        assertNull(store.load());
        auth.loginMfa(mfaToken, right); // the same token, after a wrong code

        User me = auth.me();
        assertEquals(user.email(), me.email());
        assertTrue(me.mfaEnabled());
        Tokens kept = store.load();
        assertEquals("[\"pwd\",\"otp\",\"mfa\"]", claims(kept.accessToken()).getJSONArray("amr").toString());
        assertFalse(kept.refreshToken().contains("gatehouse_mfa_") || kept.accessToken().contains("gatehouse_mfa_"),
                "the store holds the session's tokens, never the mfaToken");
        // single use
        refused(GatehouseException.INVALID_CREDENTIALS, 401, () -> client(new MemoryTokenStore()).loginMfa(mfaToken, right));
    }

    @Test
    void aRecoveryCodeSignsInOnceAndAMadeUpTokenIsRefused() throws Exception {
        Enabled user = enabledUser();
        GatehouseAuth auth = client(new MemoryTokenStore());

        auth.loginMfaWithRecoveryCode(mfaTokenOfLogin(auth, user.email()), user.recoveryCodes().get(0));
        assertEquals(user.email(), auth.me().email());

        GatehouseAuth again = client(new MemoryTokenStore());
        String token = mfaTokenOfLogin(again, user.email());
        refused(GatehouseException.INVALID_MFA_CODE, 401, () -> again.loginMfaWithRecoveryCode(token, user.recoveryCodes().get(0)));
        refused(GatehouseException.INVALID_CREDENTIALS, 401,
                () -> again.loginMfaWithRecoveryCode("gatehouse_mfa_" + "A".repeat(43), user.recoveryCodes().get(1)));
    }

    @Test
    void newRecoveryCodesReplaceTheOldAndTurningItOffEndsTheSecondStep() throws Exception {
        Enabled user = enabledUser();
        refused(GatehouseException.MFA_ALREADY_ENABLED, 409, () -> user.auth().setupTotp());
        String next = totp(user.secret(), user.step() + 1);
        refused(GatehouseException.INVALID_MFA_CODE, 400, () -> user.auth().renewRecoveryCodes(other(next)));

        List<String> fresh = user.auth().renewRecoveryCodes(next);

        assertEquals(10, fresh.size());
        refused(GatehouseException.INVALID_MFA_CODE, 400, () -> user.auth().disableTotpWithRecoveryCode(user.recoveryCodes().get(0)));
        user.auth().disableTotpWithRecoveryCode(fresh.get(0));
        assertFalse(user.auth().me().mfaEnabled(), "the client refreshed past the new stamp by itself");
        refused(GatehouseException.MFA_NOT_ENABLED, 409, () -> user.auth().disableTotp(next));
        GatehouseAuth plain = client(new MemoryTokenStore());
        plain.login(user.email(), LiveGatehouse.PASSWORD, "junit"); // no second step any more
        assertFalse(plain.me().mfaEnabled());
    }

    // --- RFC 6238 (HMAC-SHA1, 6 digits, 30 s), written here independently of the server ---

    private static long stepNow() {
        return Instant.now().getEpochSecond() / 30;
    }

    static String totp(String base32Secret, long step) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(base32(base32Secret), "HmacSHA1"));
        byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
        int offset = hash[hash.length - 1] & 0x0f; // RFC 4226 §5.3 dynamic truncation
        int value = ((hash[offset] & 0x7f) << 24 | (hash[offset + 1] & 0xff) << 16 | (hash[offset + 2] & 0xff) << 8
                | (hash[offset + 3] & 0xff)) % 1_000_000;
        return String.format("%06d", value);
    }

    private static byte[] base32(String text) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        ByteBuffer out = ByteBuffer.allocate(text.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (char c : text.toCharArray()) {
            buffer = buffer << 5 | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.put((byte) (buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return out.array();
    }

    private static String other(String code) {
        return String.format("%06d", (Integer.parseInt(code) + 1) % 1_000_000);
    }

    private static org.json.JSONObject claims(String jwt) {
        return new org.json.JSONObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
    }
}
