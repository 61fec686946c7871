package dev.gatehouse.passkey;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.dpop.DeviceKey;
import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import dev.gatehouse.support.Metrics;
import dev.gatehouse.support.Parallel;
import dev.gatehouse.support.SoftwareAuthenticator;
import dev.gatehouse.support.SoftwareAuthenticator.Tamper;
import dev.gatehouse.support.TestClock;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static dev.gatehouse.passkey.Ceremonies.finishLogin;
import static dev.gatehouse.passkey.Ceremonies.loginOptions;
import static dev.gatehouse.passkey.Ceremonies.signIn;
import static dev.gatehouse.passkey.Ceremonies.verifiedUser;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/passkeys.md "Signing in": a passkey alone opens a session exactly as a password does, and nothing else does. */
@QuarkusTest
class PasskeySignInTest {

    @Inject
    Db db;
    @Inject
    TestClock clock;
    @TestHTTPResource(value = "metrics", management = true)
    URL metricsUrl;

    private double logins(String outcome) {
        return Metrics.value(Metrics.scrape(metricsUrl), "gatehouse_passkey_logins_total", "outcome=\"" + outcome + "\"");
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void optionsAreDiscoverableWithUserVerification() {
        JsonNode options = loginOptions().publicKey();
        assertEquals("shop.test", options.path("rpId").asText());
        assertEquals("required", options.path("userVerification").asText());
        assertEquals(300000, options.path("timeout").asLong());
        assertTrue(options.path("allowCredentials").isMissingNode() || options.path("allowCredentials").isEmpty());
    }

    /** docs/dpop.md "Binding": a passkey sign-in with a DPoP proof binds its session like a password login. */
    @Test
    void aPasskeySignInWithAProofIsBoundToItsKey() {
        Ceremonies.SignedIn user = verifiedUser(db);
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.es256();
        Ceremonies.register(user, authenticator, SoftwareAuthenticator.WEB_ORIGIN);
        DeviceKey key = DeviceKey.create();
        Ceremonies.Options options = loginOptions();
        // an invalid proof: 401 invalid_dpop_proof, and the flow is not spent
        given().contentType(ContentType.JSON).header("DPoP", key.post("/api/auth/login"))
                .body(Map.of("flowId", options.flowId(), "credential", authenticator.get(options.publicKey(), SoftwareAuthenticator.WEB_ORIGIN)))
                .post("/api/auth/passkeys/login").then().statusCode(401).body("code", equalTo("invalid_dpop_proof"));
        Ceremonies.Options again = loginOptions();
        String token = given().contentType(ContentType.JSON).header("DPoP", key.post("/api/auth/passkeys/login"))
                .body(Map.of("flowId", again.flowId(), "credential", authenticator.get(again.publicKey(), SoftwareAuthenticator.WEB_ORIGIN)))
                .post("/api/auth/passkeys/login").then().statusCode(200).body("refreshTokenBound", equalTo(true))
                .extract().path("refreshToken");
        Api.refreshResponse(token).then().statusCode(401).body("code", equalTo("invalid_dpop_proof"));
        given().contentType(ContentType.JSON).header("DPoP", key.post("/api/auth/refresh")).body(Map.of("refreshToken", token))
                .post("/api/auth/refresh").then().statusCode(200).body("refreshTokenBound", equalTo(true));
    }

    @Test
    void signsInFromTheWebWithThePasskeyAloneAsTwoFactors() {
        Ceremonies.SignedIn user = verifiedUser(db);
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.es256();
        String passkeyId = Ceremonies.register(user, authenticator, SoftwareAuthenticator.WEB_ORIGIN);
        double before = logins("success");

        Response response = signIn(authenticator, SoftwareAuthenticator.WEB_ORIGIN);

        response.then().statusCode(200).header("Cache-Control", "no-store").body("tokenType", equalTo("Bearer"))
                .body("refreshToken", notNullValue()).body("sessionId", notNullValue());
        String access = response.path("accessToken");
        Api.me(access).then().statusCode(200).body("email", equalTo(user.account().email()));
        JsonNode claims = Ceremonies.claims(access);
        assertEquals(List.of("hwk", "user", "mfa"), List.of(claims.path("amr").get(0).asText(), claims.path("amr").get(1).asText(),
                claims.path("amr").get(2).asText()));
        assertTrue(claims.path("auth_time").asLong() > 0);
        // a session like any other: it refreshes with the same sign-in method, and shows in the list
        JsonNode refreshed = Ceremonies.claims(Api.refresh(response.path("refreshToken")).accessToken());
        assertEquals(claims.path("amr"), refreshed.path("amr"));
        given().auth().oauth2(access).get("/api/auth/sessions").then().statusCode(200)
                .body("find { it.current }.deviceName", equalTo("passkey device"));
        given().auth().oauth2(access).get("/api/auth/passkeys").then().statusCode(200)
                .body("find { it.id == '" + passkeyId + "' }.lastUsedAt", notNullValue());
        assertEquals(before + 1, logins("success"));
    }

    @Test
    void signsInWithEveryOfferedAlgorithmAndReportsTheBackupState() {
        Ceremonies.SignedIn user = verifiedUser(db);
        for (SoftwareAuthenticator authenticator : List.of(SoftwareAuthenticator.ed25519(), SoftwareAuthenticator.rs256())) {
            Ceremonies.register(user, authenticator, SoftwareAuthenticator.WEB_ORIGIN);
            signIn(authenticator, SoftwareAuthenticator.WEB_ORIGIN).then().statusCode(200);
        }
        // a synced passkey (BE and BS set, no counter) from the Android app
        SoftwareAuthenticator synced = SoftwareAuthenticator.es256().backedUp().withoutCounter();
        Ceremonies.Options options = Ceremonies.registrationOptions(user.tokens().accessToken());
        String id = Ceremonies.finishRegistration(user.tokens().accessToken(), options.flowId(),
                        synced.create(options.publicKey(), SoftwareAuthenticator.ANDROID_ORIGIN), "Pixel")
                .then().statusCode(201).body("backedUp", equalTo(true)).extract().path("id");
        signIn(synced, SoftwareAuthenticator.ANDROID_ORIGIN).then().statusCode(200);
        signIn(synced, SoftwareAuthenticator.WEB_ORIGIN).then().statusCode(200);
        given().auth().oauth2(user.tokens().accessToken()).get("/api/auth/passkeys").then().statusCode(200)
                .body("size()", equalTo(3)).body("find { it.id == '" + id + "' }.backedUp", equalTo(true))
                .body("findAll { !it.backedUp }.size()", equalTo(2));
    }

    @Test
    void signsInFromTheAndroidApp() {
        Ceremonies.SignedIn user = verifiedUser(db);
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.es256();
        Ceremonies.register(user, authenticator, SoftwareAuthenticator.ANDROID_ORIGIN);
        String access = signIn(authenticator, SoftwareAuthenticator.ANDROID_ORIGIN).then().statusCode(200)
                .extract().path("accessToken");
        Api.me(access).then().statusCode(200).body("id", equalTo(user.account().id()));
    }

    @Test
    void inCookieModeTheRefreshTokenGoesOnlyIntoTheCookie() {
        Ceremonies.SignedIn user = verifiedUser(db);
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.es256();
        Ceremonies.register(user, authenticator, SoftwareAuthenticator.WEB_ORIGIN);
        Ceremonies.Options options = loginOptions();
        Response response = given().header("X-Gatehouse-Client", "web").header("Origin", SoftwareAuthenticator.WEB_ORIGIN)
                .contentType(ContentType.JSON)
                .body(Map.of("flowId", options.flowId(), "credential", authenticator.get(options.publicKey(),
                        SoftwareAuthenticator.WEB_ORIGIN)))
                .post("/api/auth/passkeys/login");
        response.then().statusCode(200).body("refreshToken", nullValue()).body("accessToken", notNullValue());
        String cookie = response.getCookie("gh_refresh");
        assertNotNull(cookie);
        assertTrue(cookie.startsWith("gatehouse_rt_"), cookie);
        assertTrue(response.getHeader("Set-Cookie").contains("HttpOnly"));
        // the cookie refreshes like a password session's, keeping the passkey's amr
        Response refreshed = given().cookie("gh_refresh", cookie).header("X-Gatehouse-Client", "web")
                .header("Origin", SoftwareAuthenticator.WEB_ORIGIN).post("/api/auth/refresh");
        refreshed.then().statusCode(200).body("refreshToken", nullValue());
        assertEquals("hwk", Ceremonies.claims(refreshed.path("accessToken")).path("amr").path(0).asText());
    }

    @Test
    void refusesEveryAssertionThatDoesNotVerifyWithOneAnswer() {
        Ceremonies.SignedIn user = verifiedUser(db);
        Ceremonies.SignedIn other = verifiedUser(db);
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.es256();
        Ceremonies.register(user, authenticator, SoftwareAuthenticator.WEB_ORIGIN);
        SoftwareAuthenticator others = SoftwareAuthenticator.es256();
        Ceremonies.register(other, others, SoftwareAuthenticator.WEB_ORIGIN);
        Map<String, Function<JsonNode, Map<String, Object>>> refused = new java.util.LinkedHashMap<>();
        refused.put("an unknown credential", o -> SoftwareAuthenticator.es256().get(o, SoftwareAuthenticator.WEB_ORIGIN));
        refused.put("a foreign origin", o -> authenticator.get(o, "https://evil.test"));
        refused.put("an unknown Android app", o -> authenticator.get(o,
                "android:apk-key-hash:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
        refused.put("another RP ID's hash", o -> authenticator.get(o, SoftwareAuthenticator.WEB_ORIGIN, Tamper.rpId("evil.test")));
        refused.put("another challenge", o -> authenticator.get(o, SoftwareAuthenticator.WEB_ORIGIN,
                Tamper.challenge("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")));
        refused.put("no user presence", o -> authenticator.get(o, SoftwareAuthenticator.WEB_ORIGIN, Tamper.withoutUserPresence()));
        refused.put("no user verification", o -> authenticator.get(o, SoftwareAuthenticator.WEB_ORIGIN,
                Tamper.withoutUserVerification()));
        refused.put("a bad signature", o -> authenticator.get(o, SoftwareAuthenticator.WEB_ORIGIN, Tamper.withBadSignature()));
        refused.put("another user's handle", o -> authenticator.get(o, SoftwareAuthenticator.WEB_ORIGIN,
                Tamper.userHandle(others.userHandle())));
        refused.put("no user handle", o -> {
            Map<String, Object> credential = authenticator.get(o, SoftwareAuthenticator.WEB_ORIGIN);
            @SuppressWarnings("unchecked") Map<String, Object> response = (Map<String, Object>) credential.get("response");
            response.remove("userHandle");
            return credential;
        });
        refused.put("a creation's type", o -> authenticator.get(o, SoftwareAuthenticator.WEB_ORIGIN, Tamper.type("webauthn.create")));
        refused.put("a cross-origin frame", o -> authenticator.get(o, SoftwareAuthenticator.WEB_ORIGIN, Tamper.inCrossOriginFrame()));
        double before = logins("invalid_credentials");
        refused.forEach((what, credential) -> {
            Ceremonies.Options options = loginOptions();
            Response response = finishLogin(options.flowId(), credential.apply(options.publicKey()));
            assertEquals(401, response.statusCode(), what + ": " + response.asString());
            assertEquals("invalid_credentials", response.path("code"), what);
        });
        assertEquals(before + refused.size(), logins("invalid_credentials"));
        // the genuine assertion still works afterwards
        signIn(authenticator, SoftwareAuthenticator.WEB_ORIGIN).then().statusCode(200);
    }

    @Test
    void aFlowIsUsedOnceAndExpires() throws Exception {
        Ceremonies.SignedIn user = verifiedUser(db);
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.es256();
        Ceremonies.register(user, authenticator, SoftwareAuthenticator.WEB_ORIGIN);
        Ceremonies.Options options = loginOptions();
        Map<String, Object> assertion = authenticator.get(options.publicKey(), SoftwareAuthenticator.WEB_ORIGIN);
        // eight parallel finishes of one flow, as a replay racing the original: one session
        List<Response> responses = Parallel.run(8, i -> finishLogin(options.flowId(), assertion));
        assertEquals(1, responses.stream().filter(r -> r.statusCode() == 200).count());
        assertTrue(responses.stream().allMatch(r -> r.statusCode() == 200 || r.statusCode() == 401));
        // a flow that was never handed out, and an expired one
        finishLogin(UUID.randomUUID().toString(), authenticator.get(options.publicKey(), SoftwareAuthenticator.WEB_ORIGIN))
                .then().statusCode(401).body("code", equalTo("invalid_credentials"));
        Ceremonies.Options expiring = loginOptions();
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        finishLogin(expiring.flowId(), authenticator.get(expiring.publicKey(), SoftwareAuthenticator.WEB_ORIGIN))
                .then().statusCode(401).body("code", equalTo("invalid_credentials"));
        // a registration flow is no login flow
        clock.reset();
        String fresh = Api.login(user.account()).accessToken();
        Ceremonies.Options registration = Ceremonies.registrationOptions(fresh);
        finishLogin(registration.flowId(), authenticator.get(loginOptions().publicKey(), SoftwareAuthenticator.WEB_ORIGIN))
                .then().statusCode(401);
    }

    @Test
    void aCounterThatGoesBackIsRefusedAndRecordedAsAClone() {
        Ceremonies.SignedIn user = verifiedUser(db);
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.es256();
        String passkeyId = Ceremonies.register(user, authenticator, SoftwareAuthenticator.WEB_ORIGIN);
        authenticator.setCounter(10);
        signIn(authenticator, SoftwareAuthenticator.WEB_ORIGIN).then().statusCode(200); // 11
        double before = logins("clone_suspected");
        for (long stale : new long[]{11, 5}) {
            Ceremonies.Options options = loginOptions();
            finishLogin(options.flowId(), authenticator.get(options.publicKey(), SoftwareAuthenticator.WEB_ORIGIN,
                    Tamper.counter(stale))).then().statusCode(401).body("code", equalTo("invalid_credentials"));
        }
        assertEquals(2L, db.count("select count(*) from security_events where user_id = ? and kind = 'passkey_clone_suspected'"
                + " and details->>'passkeyId' = ?", user.userId(), passkeyId));
        assertEquals(before + 2, logins("clone_suspected"));
        Api.Account admin = Api.register();
        db.makeAdmin(admin.id());
        given().auth().oauth2(Api.login(admin).accessToken()).get("/api/admin/users/" + user.account().id() + "/events")
                .then().statusCode(200).body("[0].kind", equalTo("passkey_clone_suspected"))
                .body("findAll { it.kind == 'passkey_clone_suspected' }.size()", equalTo(2));
        // the genuine authenticator, further on, still signs in
        signIn(authenticator, SoftwareAuthenticator.WEB_ORIGIN).then().statusCode(200);
        assertEquals(authenticator.counter(), ((Number) db.single("select sign_count from passkeys where id = ?",
                UUID.fromString(passkeyId))).longValue());
    }

    @Test
    void aZeroCounterIsAcceptedAndNeverLowersTheStoredOne() {
        Ceremonies.SignedIn user = verifiedUser(db);
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.es256();
        String passkeyId = Ceremonies.register(user, authenticator, SoftwareAuthenticator.WEB_ORIGIN);
        authenticator.setCounter(6);
        signIn(authenticator, SoftwareAuthenticator.WEB_ORIGIN).then().statusCode(200); // 7
        Ceremonies.Options options = loginOptions();
        finishLogin(options.flowId(), authenticator.get(options.publicKey(), SoftwareAuthenticator.WEB_ORIGIN, Tamper.counter(0)))
                .then().statusCode(200);
        assertEquals(7L, ((Number) db.single("select sign_count from passkeys where id = ?", UUID.fromString(passkeyId))).longValue());
        assertEquals(0L, db.count("select count(*) from security_events where user_id = ? and kind = 'passkey_clone_suspected'",
                user.userId()));
        // and the next real count must still be above 7
        authenticator.setCounter(6);
        signIn(authenticator, SoftwareAuthenticator.WEB_ORIGIN).then().statusCode(401).body("code", equalTo("invalid_credentials"));
    }

    @Test
    void anAuthenticatorWithoutACounterSignsInAgainAndAgain() {
        Ceremonies.SignedIn user = verifiedUser(db);
        SoftwareAuthenticator synced = SoftwareAuthenticator.es256().withoutCounter();
        Ceremonies.register(user, synced, SoftwareAuthenticator.WEB_ORIGIN);
        for (int i = 0; i < 3; i++) {
            signIn(synced, SoftwareAuthenticator.WEB_ORIGIN).then().statusCode(200);
        }
    }

    @Test
    void aSuspendedUserIsToldSoAndAReinstatedOneSignsInAgain() {
        Ceremonies.SignedIn user = verifiedUser(db);
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.es256();
        Ceremonies.register(user, authenticator, SoftwareAuthenticator.WEB_ORIGIN);
        Api.Account admin = Api.register();
        db.makeAdmin(admin.id());
        String adminToken = Api.login(admin).accessToken();
        given().auth().oauth2(adminToken).post("/api/admin/users/" + user.account().id() + "/suspend").then().statusCode(204);
        signIn(authenticator, SoftwareAuthenticator.WEB_ORIGIN).then().statusCode(403).body("code", equalTo("account_suspended"));
        // only a verified passkey learns of the suspension
        Ceremonies.Options options = loginOptions();
        finishLogin(options.flowId(), authenticator.get(options.publicKey(), SoftwareAuthenticator.WEB_ORIGIN,
                Tamper.withBadSignature())).then().statusCode(401).body("code", equalTo("invalid_credentials"));
        given().auth().oauth2(adminToken).post("/api/admin/users/" + user.account().id() + "/reinstate").then().statusCode(204);
        signIn(authenticator, SoftwareAuthenticator.WEB_ORIGIN).then().statusCode(200);
    }

    @Test
    void aRemovedPasskeySignsInNoMore() {
        Ceremonies.SignedIn user = verifiedUser(db);
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.es256();
        String id = Ceremonies.register(user, authenticator, SoftwareAuthenticator.WEB_ORIGIN);
        given().auth().oauth2(user.tokens().accessToken()).delete("/api/auth/passkeys/" + id).then().statusCode(204);
        signIn(authenticator, SoftwareAuthenticator.WEB_ORIGIN).then().statusCode(401).body("code", equalTo("invalid_credentials"));
    }

    @Test
    void hostileBodiesAreClientErrors() {
        List<Object> bodies = List.of(
                Map.of("flowId", loginOptions().flowId(), "credential", Map.of()),
                Map.of("flowId", loginOptions().flowId(), "credential", Map.of("id", "%%%", "rawId", "%%%", "type", "public-key",
                        "response", Map.of("clientDataJSON", "%%%", "authenticatorData", "", "signature", "AA"))),
                Map.of("flowId", loginOptions().flowId(), "credential", Map.of("id", "AAAA", "rawId", "AAAA", "type", "public-key",
                        "response", Map.of("clientDataJSON", "e30", "authenticatorData", "AAAA", "signature", "AA",
                                "userHandle", "AA"))),
                Map.of("flowId", loginOptions().flowId(), "credential", List.of(1, 2, 3)));
        for (Object body : bodies) {
            Response response = given().contentType(ContentType.JSON).body(body).post("/api/auth/passkeys/login");
            assertEquals(401, response.statusCode(), body + ": " + response.asString());
            assertTrue(response.contentType().startsWith("application/problem+json"));
        }
        for (Object body : List.of(Map.of("credential", Map.of()), Map.of("flowId", "x", "credential", Map.of()),
                Map.of("flowId", UUID.randomUUID().toString()))) {
            Response response = given().contentType(ContentType.JSON).body(body).post("/api/auth/passkeys/login");
            assertEquals(400, response.statusCode(), body + ": " + response.asString());
        }
        assertFalse(given().contentType(ContentType.JSON).body("{").post("/api/auth/passkeys/login").statusCode() >= 500);
    }
}
