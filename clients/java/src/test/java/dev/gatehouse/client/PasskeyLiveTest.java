package dev.gatehouse.client;

import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The passkey calls end to end, as an Android app makes them (docs/passkeys.md): the client carries
 * Gatehouse's options to Credential Manager and its answer back; here the platform call goes to the
 * software authenticator JavaClientIT serves ({@code GATEHOUSE_AUTHENTICATOR_URL}), which signs with the
 * test app's {@code android:apk-key-hash:} origin. Skipped without {@code GATEHOUSE_URL}.
 */
class PasskeyLiveTest {

    private static final String RP_ID = "shop.test";

    @BeforeAll
    static void needsAGatehouse() {
        assumeTrue(LiveGatehouse.url() != null, "GATEHOUSE_URL is not set: no live Gatehouse to test against");
    }

    private static GatehouseAuth client(MemoryTokenStore store) {
        return GatehouseAuth.builder(LiveGatehouse.url()).tokenStore(store).build();
    }

    /** A fresh user, signed in with the password just now and with the e-mail verified by the mailed code. */
    private static GatehouseAuth verifiedUser(String email, MemoryTokenStore store) throws Exception {
        LiveGatehouse.registerUser(email);
        GatehouseAuth auth = client(store);
        auth.login(email, LiveGatehouse.PASSWORD, "password sign-in");
        auth.verifyEmailWithCode(email, LiveGatehouse.code(LiveGatehouse.mail(email, "/verify-email?token=")));
        return auth;
    }

    /** Credential Manager's createCredential for the options, on the test Android app. */
    private static String createCredential(String email, PasskeyOptions options) throws Exception {
        return LiveGatehouse.credentialManager("create", email, null, options.requestJson());
    }

    /** Credential Manager's getCredential for the options, on the test Android app. */
    private static String getCredential(String email, PasskeyOptions options) throws Exception {
        return LiveGatehouse.credentialManager("get", email, null, options.requestJson());
    }

    private static List<Object> amr(String accessToken) {
        String payload = accessToken.split("\\.")[1];
        return new JSONObject(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8)).getJSONArray("amr").toList();
    }

    @Test
    void anAndroidAppAddsAPasskeyAndSignsInWithItAlone() throws Exception {
        String email = LiveGatehouse.newEmail();
        MemoryTokenStore store = new MemoryTokenStore();
        GatehouseAuth auth = verifiedUser(email, store);

        PasskeyOptions creation = auth.passkeyRegistrationOptions();
        JSONObject publicKey = new JSONObject(creation.requestJson());
        assertEquals(RP_ID, publicKey.getJSONObject("rp").getString("id"));
        assertEquals(email, publicKey.getJSONObject("user").getString("name"));
        JSONObject selection = publicKey.getJSONObject("authenticatorSelection");
        assertEquals("required", selection.getString("residentKey"));
        assertEquals("required", selection.getString("userVerification"));
        String registrationResponseJson = createCredential(email, creation);
        JSONObject passkey = auth.registerPasskey(creation, registrationResponseJson, "Alice's Pixel");

        assertEquals("Alice's Pixel", passkey.getString("name"));
        assertNotNull(passkey.optString("id", null));
        GatehouseException again = assertThrows(GatehouseException.class,
                () -> auth.registerPasskey(creation, registrationResponseJson, "twice"));
        assertEquals(GatehouseException.INVALID_PASSKEY, again.code(), "a flow is used once");
        assertEquals(400, again.status());
        auth.logout();
        assertNull(store.load());

        // Another start of the app, signed out: no e-mail, no password.
        MemoryTokenStore phoneStore = new MemoryTokenStore();
        GatehouseAuth phone = client(phoneStore);
        PasskeyOptions request = phone.passkeySignInOptions();
        JSONObject requestOptions = new JSONObject(request.requestJson());
        assertEquals(RP_ID, requestOptions.getString("rpId"));
        assertEquals("required", requestOptions.getString("userVerification"));
        assertFalse(requestOptions.has("allowCredentials"), "discoverable: the device offers its passkeys");
        phone.signInWithPasskey(request, getCredential(email, request), "Alice's Pixel");

        Tokens tokens = phoneStore.load();
        assertNotNull(tokens, "saved like a password sign-in");
        assertEquals(List.of("hwk", "user", "mfa"), amr(tokens.accessToken()));
        assertEquals(email, phone.me().email());
        JSONArray passkeys = phone.exportData().getJSONArray("passkeys");
        assertEquals(1, passkeys.length());
        assertEquals("Alice's Pixel", passkeys.getJSONObject(0).getString("name"));
        assertFalse(passkeys.getJSONObject(0).isNull("lastUsedAt"), "the sign-in is noted");

        // The passkey session refreshes like any other: the access token lives 2 s here.
        LiveGatehouse.waitUntilRefused(tokens.accessToken());
        assertEquals(email, phone.me().email());
        assertFalse(tokens.refreshToken().equals(phoneStore.load().refreshToken()), "rotated and saved");

        MemoryTokenStore replayStore = new MemoryTokenStore();
        GatehouseException replayed = assertThrows(GatehouseException.class,
                () -> client(replayStore).signInWithPasskey(request, getCredential(email, request), null));
        assertEquals(GatehouseException.INVALID_CREDENTIALS, replayed.code(), "the sign-in flow is used once too");
        assertEquals(401, replayed.status());
        assertNull(replayStore.load());
    }

    @Test
    void addingAPasskeyNeedsAVerifiedEmail() throws Exception {
        String email = LiveGatehouse.registerUser();
        GatehouseAuth auth = client(new MemoryTokenStore());
        auth.login(email, LiveGatehouse.PASSWORD, null);

        GatehouseException refused = assertThrows(GatehouseException.class, auth::passkeyRegistrationOptions);

        assertEquals(GatehouseException.REAUTHENTICATION_REQUIRED, refused.code());
        assertEquals(403, refused.status());
    }

    @Test
    void onlyTheConfiguredOriginsCount() throws Exception {
        String email = LiveGatehouse.newEmail();
        GatehouseAuth auth = verifiedUser(email, new MemoryTokenStore());

        PasskeyOptions foreign = auth.passkeyRegistrationOptions();
        String fromElsewhere = LiveGatehouse.credentialManager("create", email, "android:apk-key-hash:"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]), foreign.requestJson());
        GatehouseException refused = assertThrows(GatehouseException.class, () -> auth.registerPasskey(foreign, fromElsewhere, null));
        assertEquals(GatehouseException.INVALID_PASSKEY, refused.code(), "an app signed with another certificate");

        PasskeyOptions creation = auth.passkeyRegistrationOptions();
        JSONObject passkey = auth.registerPasskey(creation, createCredential(email, creation), null);
        assertEquals("Passkey", passkey.getString("name"));

        MemoryTokenStore store = new MemoryTokenStore();
        GatehouseAuth signedOut = client(store);
        PasskeyOptions evil = signedOut.passkeySignInOptions();
        String phished = LiveGatehouse.credentialManager("get", email, "https://shop.test.evil.example", evil.requestJson());
        GatehouseException wrongOrigin = assertThrows(GatehouseException.class, () -> signedOut.signInWithPasskey(evil, phished, null));
        assertEquals(GatehouseException.INVALID_CREDENTIALS, wrongOrigin.code());
        assertNull(store.load());

        // The same passkey on the web origin, which is configured too.
        PasskeyOptions web = signedOut.passkeySignInOptions();
        signedOut.signInWithPasskey(web, LiveGatehouse.credentialManager("get", email, "https://shop.test", web.requestJson()), null);
        assertEquals(email, signedOut.me().email());
    }

    @Test
    void theServiceNamesTheAndroidAppInItsAssetLinks() throws Exception {
        HttpResponse<String> response = LiveGatehouse.get("/.well-known/assetlinks.json");

        assertEquals(200, response.statusCode(), response.body());
        JSONObject statement = new JSONArray(response.body()).getJSONObject(0);
        assertEquals(List.of("delegate_permission/common.get_login_creds"), statement.getJSONArray("relation").toList());
        JSONObject target = statement.getJSONObject("target");
        assertEquals("android_app", target.getString("namespace"));
        assertEquals("dev.gatehouse.shop", target.getString("package_name"));
        assertEquals(List.of("29:C3:33:CB:86:66:C1:20:88:0F:45:7C:3C:6D:40:4C:EE:48:92:4F:79:A1:61:64:1A:A7:7A:C0:95:B9:1D:6B"),
                target.getJSONArray("sha256_cert_fingerprints").toList());
    }

    @Test
    void theUserListsRenamesAndRemovesAPasskey() throws Exception {
        String email = LiveGatehouse.newEmail();
        GatehouseAuth auth = verifiedUser(email, new MemoryTokenStore());
        assertEquals(List.of(), auth.passkeys());
        PasskeyOptions creation = auth.passkeyRegistrationOptions();
        String id = auth.registerPasskey(creation, createCredential(email, creation), "Pixel").getString("id");

        List<JSONObject> passkeys = auth.passkeys();
        assertEquals(1, passkeys.size());
        assertEquals(id, passkeys.get(0).getString("id"));
        assertTrue(passkeys.get(0).isNull("lastUsedAt"), "not used yet");
        auth.renamePasskey(id, "Work phone");
        assertEquals("Work phone", auth.passkeys().get(0).getString("name"));
        assertEquals(GatehouseException.VALIDATION_FAILED,
                assertThrows(GatehouseException.class, () -> auth.renamePasskey(id, "")).code());

        auth.deletePasskey(id);

        assertEquals(List.of(), auth.passkeys());
        assertEquals("not_found", assertThrows(GatehouseException.class, () -> auth.deletePasskey(id)).code());
        GatehouseAuth signedOut = client(new MemoryTokenStore());
        PasskeyOptions request = signedOut.passkeySignInOptions();
        String assertion = getCredential(email, request); // the device still offers it
        assertEquals(GatehouseException.INVALID_CREDENTIALS,
                assertThrows(GatehouseException.class, () -> signedOut.signInWithPasskey(request, assertion, null)).code());
    }
}
