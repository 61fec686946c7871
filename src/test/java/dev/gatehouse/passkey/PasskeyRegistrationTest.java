package dev.gatehouse.passkey;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import dev.gatehouse.support.Poll;
import dev.gatehouse.support.SoftwareAuthenticator;
import dev.gatehouse.support.SoftwareAuthenticator.Tamper;
import dev.gatehouse.support.TestClock;
import dev.gatehouse.support.TestSmtp;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static dev.gatehouse.passkey.Ceremonies.finishRegistration;
import static dev.gatehouse.passkey.Ceremonies.registrationOptions;
import static dev.gatehouse.passkey.Ceremonies.verifiedUser;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/passkeys.md "Adding a passkey": the options, the ceremony, and every refusal. */
@QuarkusTest
class PasskeyRegistrationTest {

    @Inject
    Db db;
    @Inject
    TestClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void optionsAskForADiscoverableVerifiedPasskeyUnderARandomUserHandle() {
        Ceremonies.SignedIn user = verifiedUser(db);
        JsonNode options = registrationOptions(user.tokens().accessToken()).publicKey();
        assertTrue(Base64.getUrlDecoder().decode(options.path("challenge").asText()).length >= 16);
        assertEquals("shop.test", options.path("rp").path("id").asText());
        assertEquals("Gatehouse", options.path("rp").path("name").asText());
        byte[] handle = Base64.getUrlDecoder().decode(options.path("user").path("id").asText());
        assertEquals(32, handle.length);
        String handleText = new String(handle, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertFalse(handleText.contains(user.account().email()) || handleText.contains(user.account().id()));
        assertEquals(user.account().email(), options.path("user").path("name").asText());
        Set<Long> algorithms = new HashSet<>();
        options.path("pubKeyCredParams").forEach(p -> algorithms.add(p.path("alg").asLong()));
        assertEquals(Set.of(-7L, -8L, -257L), algorithms);
        assertEquals("required", options.path("authenticatorSelection").path("residentKey").asText());
        assertEquals("required", options.path("authenticatorSelection").path("userVerification").asText());
        assertEquals("none", options.path("attestation").asText());
        assertEquals(300000, options.path("timeout").asLong());
        assertEquals(0, options.path("excludeCredentials").size());
        // the same handle every time; the challenge new every time
        JsonNode again = registrationOptions(user.tokens().accessToken()).publicKey();
        assertEquals(options.path("user").path("id").asText(), again.path("user").path("id").asText());
        assertNotEquals(options.path("challenge").asText(), again.path("challenge").asText());
        // another user gets another handle
        JsonNode other = registrationOptions(verifiedUser(db).tokens().accessToken()).publicKey();
        assertNotEquals(options.path("user").path("id").asText(), other.path("user").path("id").asText());
    }

    @Test
    void addsAPasskeyFromTheWebOriginListsItExcludesItAndSendsANotice() {
        Ceremonies.SignedIn user = verifiedUser(db);
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.es256();
        Ceremonies.Options options = registrationOptions(user.tokens().accessToken());
        finishRegistration(user.tokens().accessToken(), options.flowId(),
                authenticator.create(options.publicKey(), SoftwareAuthenticator.WEB_ORIGIN), "  My laptop  ")
                .then().statusCode(201).body("id", notNullValue()).body("name", equalTo("My laptop"))
                .body("createdAt", notNullValue()).body("lastUsedAt", nullValue()).body("backedUp", equalTo(false));
        given().auth().oauth2(user.tokens().accessToken()).get("/api/auth/passkeys").then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].name", equalTo("My laptop"));
        JsonNode next = registrationOptions(user.tokens().accessToken()).publicKey();
        assertEquals(authenticator.credentialId(), next.path("excludeCredentials").path(0).path("id").asText());
        assertEquals(1L, db.count("select count(*) from security_events where user_id = ? and kind = 'passkey_added'",
                user.userId()));
        Poll.until("the passkey notice", Duration.ofSeconds(15), () -> TestSmtp.receivedBy(user.account().email()).stream()
                .anyMatch(mail -> mail.text() != null && mail.text().contains("A passkey was added")));
    }

    @Test
    void addsAPasskeyFromTheAndroidAppOriginWithADefaultName() {
        Ceremonies.SignedIn user = verifiedUser(db);
        Ceremonies.Options options = registrationOptions(user.tokens().accessToken());
        finishRegistration(user.tokens().accessToken(), options.flowId(),
                SoftwareAuthenticator.es256().create(options.publicKey(), SoftwareAuthenticator.ANDROID_ORIGIN), null)
                .then().statusCode(201).body("name", equalTo("Passkey"));
    }

    @Test
    void listsNewestFirst() {
        Ceremonies.SignedIn user = verifiedUser(db);
        String first = Ceremonies.register(user, SoftwareAuthenticator.es256(), SoftwareAuthenticator.WEB_ORIGIN);
        String second = Ceremonies.register(user, SoftwareAuthenticator.es256(), SoftwareAuthenticator.WEB_ORIGIN);
        List<String> ids = given().auth().oauth2(user.tokens().accessToken()).get("/api/auth/passkeys").then().statusCode(200)
                .extract().path("id");
        assertEquals(List.of(second, first), ids);
    }

    @Test
    void refusesEveryResponseThatDoesNotVerify() {
        Map<String, Function<JsonNode, Map<String, Object>>> refused = Map.of(
                "a foreign web origin", o -> SoftwareAuthenticator.es256().create(o, "https://evil.test"),
                "an unknown Android app", o -> SoftwareAuthenticator.es256().create(o,
                        "android:apk-key-hash:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
                "another RP ID's hash", o -> SoftwareAuthenticator.es256().create(o, SoftwareAuthenticator.WEB_ORIGIN,
                        Tamper.rpId("evil.test")),
                "another challenge", o -> SoftwareAuthenticator.es256().create(o, SoftwareAuthenticator.WEB_ORIGIN,
                        Tamper.challenge(Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]))),
                "no user presence", o -> SoftwareAuthenticator.es256().create(o, SoftwareAuthenticator.WEB_ORIGIN,
                        Tamper.withoutUserPresence()),
                "no user verification", o -> SoftwareAuthenticator.es256().create(o, SoftwareAuthenticator.WEB_ORIGIN,
                        Tamper.withoutUserVerification()),
                "an algorithm not offered (ES384)", o -> SoftwareAuthenticator.es384().create(o, SoftwareAuthenticator.WEB_ORIGIN),
                "a deprecated algorithm not offered (RS1)", o -> SoftwareAuthenticator.rs1().create(o, SoftwareAuthenticator.WEB_ORIGIN),
                "an assertion's type", o -> SoftwareAuthenticator.es256().create(o, SoftwareAuthenticator.WEB_ORIGIN,
                        Tamper.type("webauthn.get")));
        Ceremonies.SignedIn user = verifiedUser(db);
        refused.forEach((what, credential) -> {
            Ceremonies.Options options = registrationOptions(user.tokens().accessToken());
            Response response = finishRegistration(user.tokens().accessToken(), options.flowId(),
                    credential.apply(options.publicKey()), null);
            assertEquals(400, response.statusCode(), what + ": " + response.asString());
            assertEquals("invalid_passkey", response.path("code"), what);
        });
        assertEquals(0L, db.count("select count(*) from passkeys where user_id = ?", user.userId()));
    }

    @Test
    void aFlowIsUsedOnceExpiresAndBelongsToItsUser() {
        Ceremonies.SignedIn user = verifiedUser(db);
        // used once: a failed finish uses it up too
        Ceremonies.Options options = registrationOptions(user.tokens().accessToken());
        Map<String, Object> bad = SoftwareAuthenticator.es256().create(options.publicKey(), "https://evil.test");
        finishRegistration(user.tokens().accessToken(), options.flowId(), bad, null).then().statusCode(400);
        Map<String, Object> good = SoftwareAuthenticator.es256().create(options.publicKey(), SoftwareAuthenticator.WEB_ORIGIN);
        finishRegistration(user.tokens().accessToken(), options.flowId(), good, null).then().statusCode(400)
                .body("code", equalTo("invalid_passkey"));
        // replayed after success
        Ceremonies.Options second = registrationOptions(user.tokens().accessToken());
        Map<String, Object> credential = SoftwareAuthenticator.es256().create(second.publicKey(), SoftwareAuthenticator.WEB_ORIGIN);
        finishRegistration(user.tokens().accessToken(), second.flowId(), credential, null).then().statusCode(201);
        finishRegistration(user.tokens().accessToken(), second.flowId(), credential, null).then().statusCode(400)
                .body("code", equalTo("invalid_passkey"));
        // another user's flow: refused, and not used up for its owner
        Ceremonies.SignedIn other = verifiedUser(db);
        Ceremonies.Options owned = registrationOptions(user.tokens().accessToken());
        finishRegistration(other.tokens().accessToken(), owned.flowId(),
                SoftwareAuthenticator.es256().create(owned.publicKey(), SoftwareAuthenticator.WEB_ORIGIN), null)
                .then().statusCode(400).body("code", equalTo("invalid_passkey"));
        finishRegistration(user.tokens().accessToken(), owned.flowId(),
                SoftwareAuthenticator.es256().create(owned.publicKey(), SoftwareAuthenticator.WEB_ORIGIN), null)
                .then().statusCode(201);
        // an unknown flow, and a login flow
        finishRegistration(user.tokens().accessToken(), java.util.UUID.randomUUID().toString(),
                SoftwareAuthenticator.es256().create(owned.publicKey(), SoftwareAuthenticator.WEB_ORIGIN), null)
                .then().statusCode(400).body("code", equalTo("invalid_passkey"));
        Ceremonies.Options login = Ceremonies.loginOptions();
        finishRegistration(user.tokens().accessToken(), login.flowId(),
                SoftwareAuthenticator.es256().create(owned.publicKey(), SoftwareAuthenticator.WEB_ORIGIN), null)
                .then().statusCode(400).body("code", equalTo("invalid_passkey"));
        // expired: 5 minutes (with a fresh sign-in, so only the flow is old)
        Ceremonies.Options expiring = registrationOptions(user.tokens().accessToken());
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        String fresh = Api.login(user.account()).accessToken();
        finishRegistration(fresh, expiring.flowId(),
                SoftwareAuthenticator.es256().create(expiring.publicKey(), SoftwareAuthenticator.WEB_ORIGIN), null)
                .then().statusCode(400).body("code", equalTo("invalid_passkey"));
    }

    @Test
    void aUserHasAtMostFiveOpenRegistrationsTheOldestEnd() {
        Ceremonies.SignedIn user = verifiedUser(db);
        List<Ceremonies.Options> flows = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            flows.add(registrationOptions(user.tokens().accessToken()));
        }
        assertEquals(5L, db.count("select count(*) from passkey_flows where user_id = ?", user.userId()));
        Ceremonies.Options oldest = flows.get(0);
        finishRegistration(user.tokens().accessToken(), oldest.flowId(),
                SoftwareAuthenticator.es256().create(oldest.publicKey(), SoftwareAuthenticator.WEB_ORIGIN), null)
                .then().statusCode(400).body("code", equalTo("invalid_passkey"));
        Ceremonies.Options newest = flows.get(6);
        finishRegistration(user.tokens().accessToken(), newest.flowId(),
                SoftwareAuthenticator.es256().create(newest.publicKey(), SoftwareAuthenticator.WEB_ORIGIN), null)
                .then().statusCode(201);
    }

    @Test
    void onlyKnownTransportsAreKeptWhateverTheClientSends() {
        Ceremonies.SignedIn user = verifiedUser(db);
        List<String> junk = new java.util.ArrayList<>(List.of("usb\u0000x", "", "internal", "hybrid", "internal"));
        for (int i = 0; i < 3000; i++) {
            junk.add("t" + i);
        }
        java.util.List<Object> withNull = new java.util.ArrayList<>(List.of("nfc"));
        withNull.add(null);
        for (Object transports : List.of(junk, withNull)) {
            Ceremonies.Options options = registrationOptions(user.tokens().accessToken());
            Map<String, Object> credential = SoftwareAuthenticator.es256().create(options.publicKey(), SoftwareAuthenticator.WEB_ORIGIN);
            @SuppressWarnings("unchecked") Map<String, Object> response = (Map<String, Object>) credential.get("response");
            response.put("transports", transports);
            finishRegistration(user.tokens().accessToken(), options.flowId(), credential, null).then().statusCode(201);
        }
        JsonNode exclude = registrationOptions(user.tokens().accessToken()).publicKey().path("excludeCredentials");
        Set<String> kept = new HashSet<>();
        exclude.forEach(d -> d.path("transports").forEach(t -> kept.add(t.asText())));
        assertEquals(Set.of("internal", "hybrid", "nfc"), kept);
    }

    @Test
    void anAccountHoldsAtMostTwentyPasskeys() {
        Ceremonies.SignedIn user = verifiedUser(db);
        for (int i = 0; i < 20; i++) {
            Ceremonies.register(user, SoftwareAuthenticator.es256(), SoftwareAuthenticator.WEB_ORIGIN);
        }
        Ceremonies.Options options = registrationOptions(user.tokens().accessToken());
        finishRegistration(user.tokens().accessToken(), options.flowId(),
                SoftwareAuthenticator.es256().create(options.publicKey(), SoftwareAuthenticator.WEB_ORIGIN), null)
                .then().statusCode(400).body("code", equalTo("invalid_passkey"));
        assertEquals(20L, db.count("select count(*) from passkeys where user_id = ?", user.userId()));
    }

    @Test
    void aCredentialIdRegisteredBeforeIsRefusedForTheSameAndForAnotherUser() {
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.es256();
        Ceremonies.SignedIn user = verifiedUser(db);
        Ceremonies.register(user, authenticator, SoftwareAuthenticator.WEB_ORIGIN);
        for (Ceremonies.SignedIn who : List.of(user, verifiedUser(db))) {
            Ceremonies.Options options = registrationOptions(who.tokens().accessToken());
            finishRegistration(who.tokens().accessToken(), options.flowId(),
                    authenticator.create(options.publicKey(), SoftwareAuthenticator.WEB_ORIGIN), null)
                    .then().statusCode(400).body("code", equalTo("invalid_passkey"));
        }
    }

    @Test
    void needsAVerifiedEmailAndARecentSignIn() {
        Api.Account unverified = Api.register();
        String token = Api.login(unverified).accessToken();
        Ceremonies.registrationOptionsResponse(token).then().statusCode(403).body("code", equalTo("reauthentication_required"));

        Ceremonies.SignedIn user = verifiedUser(db);
        Ceremonies.Options options = registrationOptions(user.tokens().accessToken());
        Map<String, Object> credential = SoftwareAuthenticator.es256().create(options.publicKey(), SoftwareAuthenticator.WEB_ORIGIN);
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        // a refresh keeps the sign-in's time: still too old
        String refreshed = Api.refresh(user.tokens().refreshToken()).accessToken();
        Ceremonies.registrationOptionsResponse(refreshed).then().statusCode(403).body("code", equalTo("reauthentication_required"));
        finishRegistration(refreshed, options.flowId(), credential, null).then().statusCode(403)
                .body("code", equalTo("reauthentication_required"));
        // signing in again is what it takes
        String fresh = Api.login(user.account()).accessToken();
        Ceremonies.registrationOptionsResponse(fresh).then().statusCode(200);
    }

    @Test
    void aPasswordChangeMadeDuringTheCeremonyWins() {
        Ceremonies.SignedIn user = verifiedUser(db);
        Ceremonies.Options options = registrationOptions(user.tokens().accessToken());
        // logout-all changes the stamp: the token that asked for the options no longer adds anything
        given().auth().oauth2(Api.login(user.account()).accessToken()).post("/api/auth/logout-all").then().statusCode(204);
        finishRegistration(user.tokens().accessToken(), options.flowId(),
                SoftwareAuthenticator.es256().create(options.publicKey(), SoftwareAuthenticator.WEB_ORIGIN), null)
                .then().statusCode(401);
        assertEquals(0L, db.count("select count(*) from passkeys where user_id = ?", user.userId()));
    }

    @Test
    void hostileBodiesAreClientErrors() {
        Ceremonies.SignedIn user = verifiedUser(db);
        String token = user.tokens().accessToken();
        List<Object> bodies = List.of(
                Map.of("credential", Map.of()),
                Map.of("flowId", "not-a-uuid", "credential", Map.of()),
                Map.of("flowId", registrationOptions(token).flowId()),
                Map.of("flowId", registrationOptions(token).flowId(), "credential", "a string"),
                Map.of("flowId", registrationOptions(token).flowId(), "credential", Map.of("id", "x", "type", "public-key",
                        "response", Map.of("clientDataJSON", "%%%", "attestationObject", "AAAA"))),
                Map.of("flowId", registrationOptions(token).flowId(), "credential", Map.of("response",
                        Map.of("clientDataJSON", Base64.getUrlEncoder().encodeToString("{}".getBytes()),
                                "attestationObject", Base64.getUrlEncoder().encodeToString(new byte[4096])))),
                Map.of("flowId", registrationOptions(token).flowId(), "credential", Map.of(), "name", "x".repeat(101)));
        for (Object body : bodies) {
            Response response = given().auth().oauth2(token).contentType(ContentType.JSON).body(body)
                    .post("/api/auth/passkeys/register");
            assertEquals(400, response.statusCode(), body + ": " + response.asString());
            assertTrue(response.contentType().startsWith("application/problem+json"), response.contentType());
        }
        given().auth().oauth2(token).contentType(ContentType.JSON).body("[]").post("/api/auth/passkeys/register")
                .then().statusCode(400);
        given().post("/api/auth/passkeys/register/options").then().statusCode(401);
    }
}
