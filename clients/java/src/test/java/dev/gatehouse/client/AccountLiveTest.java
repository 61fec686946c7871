package dev.gatehouse.client;

import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The account calls end to end against a real Gatehouse ({@code GATEHOUSE_URL}; skipped without it)
 * whose mails arrive at a real SMTP server, read through {@code GATEHOUSE_MAIL_URL}: every code and
 * link used here came out of a mail. Needs the account endpoints and the mail outbox of issue 16 on
 * the server (JavaClientIT provides both once they are merged).
 */
class AccountLiveTest {

    private static final String NEW_PASSWORD = "a brand new passphrase";

    @BeforeAll
    static void needsAGatehouse() {
        assumeTrue(LiveGatehouse.url() != null, "GATEHOUSE_URL is not set: no live Gatehouse to test against");
    }

    private static GatehouseAuth client(MemoryTokenStore store) {
        return GatehouseAuth.builder(LiveGatehouse.url()).tokenStore(store).build();
    }

    private static AccountLink linkIn(String mail, AccountLink.Action action) {
        AccountLink link = AccountLink.parse(LiveGatehouse.link(mail), LiveGatehouse.linkBaseUrl()).orElseThrow();
        assertEquals(action, link.action());
        return link;
    }

    @Test
    void forgotPasswordThenResetWithTheMailedLinkThenSignInWithTheNewPassword() throws Exception {
        String email = LiveGatehouse.registerUser();
        MemoryTokenStore store = new MemoryTokenStore();
        GatehouseAuth auth = client(store);
        auth.login(email, LiveGatehouse.PASSWORD, "junit");
        String oldRefreshToken = store.load().refreshToken();

        auth.forgotPassword(email);
        AccountLink link = linkIn(LiveGatehouse.mail(email, "/reset-password?token="), AccountLink.Action.RESET_PASSWORD);
        GatehouseAuth signedOut = client(new MemoryTokenStore());
        GatehouseException tooShort = assertThrows(GatehouseException.class, () -> signedOut.resetPassword(link.token(), "short"));
        assertEquals(GatehouseException.VALIDATION_FAILED, tooShort.code(), "a refused password uses nothing up");
        signedOut.resetPassword(link.token(), NEW_PASSWORD);

        assertEquals(401, LiveGatehouse.refreshDirectly(oldRefreshToken).status(), "the reset ended every session");
        GatehouseException old = assertThrows(GatehouseException.class, () -> signedOut.login(email, LiveGatehouse.PASSWORD, null));
        assertEquals(GatehouseException.INVALID_CREDENTIALS, old.code());
        signedOut.login(email, NEW_PASSWORD, null);
        assertTrue(signedOut.me().emailVerified(), "a reset proves the address");
        GatehouseException used = assertThrows(GatehouseException.class, () -> signedOut.resetPassword(link.token(), "yet another passphrase"));
        assertEquals(GatehouseException.INVALID_CODE, used.code(), "the link works once");
    }

    @Test
    void forgotPasswordThenResetWithTheMailedCode() throws Exception {
        String email = LiveGatehouse.registerUser();
        GatehouseAuth auth = client(new MemoryTokenStore());

        auth.forgotPassword(email);
        String code = LiveGatehouse.code(LiveGatehouse.mail(email, "/reset-password?token="));
        String wrong = code.equals("000000") ? "000001" : "000000";
        GatehouseException refused = assertThrows(GatehouseException.class, () -> auth.resetPasswordWithCode(email, wrong, NEW_PASSWORD));
        assertEquals(GatehouseException.INVALID_CODE, refused.code());
        assertEquals(400, refused.status());
        auth.resetPasswordWithCode(email, code, NEW_PASSWORD);

        auth.login(email, NEW_PASSWORD, null);
        auth.forgotPassword("nobody-" + LiveGatehouse.newEmail()); // the same answer for an unknown address
    }

    @Test
    void registerThenVerifyWithTheMailedCode() throws Exception {
        String email = LiveGatehouse.registerUser();
        GatehouseAuth auth = client(new MemoryTokenStore());
        auth.login(email, LiveGatehouse.PASSWORD, null);
        assertFalse(auth.me().emailVerified());

        String code = LiveGatehouse.code(LiveGatehouse.mail(email, "/verify-email?token="));
        String wrong = code.equals("000000") ? "000001" : "000000";
        GatehouseException refused = assertThrows(GatehouseException.class, () -> auth.verifyEmailWithCode(email, wrong));
        assertEquals(GatehouseException.INVALID_CODE, refused.code());
        auth.verifyEmailWithCode(email, code);

        User me = auth.me();
        assertTrue(me.emailVerified());
        assertEquals(email, me.email());
    }

    @Test
    void aResentVerificationMailReplacesTheFirstAndItsLinkVerifies() throws Exception {
        String email = LiveGatehouse.registerUser();
        String first = LiveGatehouse.mail(email, "/verify-email?token=");
        GatehouseAuth auth = client(new MemoryTokenStore());
        auth.login(email, LiveGatehouse.PASSWORD, null);

        auth.requestEmailVerification(); // signed in
        AccountLink link = linkIn(LiveGatehouse.mail(email, "/verify-email?token="), AccountLink.Action.VERIFY_EMAIL);
        AccountLink superseded = linkIn(first, AccountLink.Action.VERIFY_EMAIL);
        GatehouseAuth signedOut = client(new MemoryTokenStore());
        assertEquals(GatehouseException.INVALID_CODE,
                assertThrows(GatehouseException.class, () -> signedOut.verifyEmail(superseded.token())).code(), "the older mail died");
        signedOut.verifyEmail(link.token());
        assertTrue(auth.me().emailVerified());

        String other = LiveGatehouse.registerUser();
        LiveGatehouse.mail(other, "/verify-email?token=");
        signedOut.requestEmailVerification(other); // not signed in, e.g. from the sign-in screen
        signedOut.verifyEmail(linkIn(LiveGatehouse.mail(other, "/verify-email?token="), AccountLink.Action.VERIFY_EMAIL).token());
        signedOut.login(other, LiveGatehouse.PASSWORD, null);
        assertTrue(signedOut.me().emailVerified());
    }

    @Test
    void changeEmailThenConfirmWithTheMailedLinkThenWithTheCode() throws Exception {
        String email = LiveGatehouse.registerUser();
        MemoryTokenStore store = new MemoryTokenStore();
        GatehouseAuth auth = client(store);
        auth.login(email, LiveGatehouse.PASSWORD, null);
        String newEmail = LiveGatehouse.newEmail();

        GatehouseException wrongPassword = assertThrows(GatehouseException.class, () -> auth.changeEmail(newEmail, "not the password"));
        assertEquals(GatehouseException.INVALID_CURRENT_PASSWORD, wrongPassword.code());
        String taken = LiveGatehouse.registerUser();
        assertEquals(GatehouseException.EMAIL_TAKEN,
                assertThrows(GatehouseException.class, () -> auth.changeEmail(taken, LiveGatehouse.PASSWORD)).code());
        auth.changeEmail(newEmail, LiveGatehouse.PASSWORD);
        assertEquals(email, auth.me().email(), "nothing changes before the confirmation");
        AccountLink link = linkIn(LiveGatehouse.mail(newEmail, "/confirm-email-change?token="), AccountLink.Action.CONFIRM_EMAIL_CHANGE);
        client(new MemoryTokenStore()).confirmEmailChange(link.token()); // the link opened on any device

        // The old access token carries the old stamp: this client refreshes once and goes on with the new address.
        User me = auth.me();
        assertEquals(newEmail, me.email());
        assertTrue(me.emailVerified());
        assertEquals(GatehouseException.INVALID_CREDENTIALS,
                assertThrows(GatehouseException.class, () -> client(new MemoryTokenStore()).login(email, LiveGatehouse.PASSWORD, null)).code());

        String third = LiveGatehouse.newEmail();
        auth.changeEmail(third, LiveGatehouse.PASSWORD);
        String code = LiveGatehouse.code(LiveGatehouse.mail(third, "/confirm-email-change?token="));
        auth.confirmEmailChangeWithCode(code); // signed in
        assertEquals(third, auth.me().email());
        client(new MemoryTokenStore()).login(third, LiveGatehouse.PASSWORD, null);
    }

    @Test
    void exportHoldsTheUsersDataAndNoSecret() throws Exception {
        String email = LiveGatehouse.registerUser();
        MemoryTokenStore store = new MemoryTokenStore();
        GatehouseAuth auth = client(store);
        auth.login(email, LiveGatehouse.PASSWORD, "export device");

        JSONObject export = auth.exportData();

        assertEquals(email, export.getJSONObject("user").getString("email"));
        JSONArray sessions = export.getJSONArray("sessions");
        assertEquals(1, sessions.length());
        assertEquals("export device", sessions.getJSONObject(0).getString("deviceName"));
        assertNotNull(export.getJSONArray("passkeys"));
        assertNotNull(export.getJSONArray("events"));
        String text = export.toString();
        for (String secret : new String[] {store.load().refreshToken(), store.load().accessToken(), "gatehouse_rt_", "gatehouse_ot_", "$argon2",
                LiveGatehouse.PASSWORD}) {
            assertFalse(text.contains(secret), "the export holds no secret");
        }
    }

    @Test
    void deleteAccountEndsEverythingAndSignInFailsAfterwards() throws Exception {
        String email = LiveGatehouse.registerUser();
        MemoryTokenStore store = new MemoryTokenStore();
        GatehouseAuth auth = client(store);
        auth.login(email, LiveGatehouse.PASSWORD, null);
        Tokens tokens = store.load();

        GatehouseException wrong = assertThrows(GatehouseException.class, () -> auth.deleteAccount("not the password"));
        assertEquals(GatehouseException.INVALID_CURRENT_PASSWORD, wrong.code());
        assertNotNull(store.load(), "a refused deletion keeps the session");
        auth.deleteAccount(LiveGatehouse.PASSWORD);

        assertNull(store.load(), "the client forgot the tokens");
        assertEquals(401, LiveGatehouse.refreshDirectly(tokens.refreshToken()).status(), "the session is gone on the server");
        assertEquals(GatehouseException.INVALID_CREDENTIALS,
                assertThrows(GatehouseException.class, () -> auth.login(email, LiveGatehouse.PASSWORD, null)).code());
        LiveGatehouse.registerUser(email); // the address is free again
    }

    @Test
    void theOnlyAdminCannotDeleteItself() throws Exception {
        String[] admin = LiveGatehouse.admin();
        MemoryTokenStore store = new MemoryTokenStore();
        GatehouseAuth auth = client(store);
        auth.login(admin[0], admin[1], null);

        GatehouseException refused = assertThrows(GatehouseException.class, () -> auth.deleteAccount(admin[1]));

        assertEquals(GatehouseException.LAST_ADMIN, refused.code());
        assertEquals(409, refused.status());
        assertNotNull(store.load());
        assertTrue(auth.me().roles().contains("admin"));
    }
}
