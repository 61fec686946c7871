package dev.gatehouse.dpop;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Parallel;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** docs/dpop.md: a bound session's refresh tokens work only with proofs from its key; a thief without it can do nothing. */
@QuarkusTest
class DpopRefreshTest {

    static final String LOGIN = "/api/auth/login";
    static final String REFRESH = "/api/auth/refresh";
    static final String LOGOUT = "/api/auth/logout";

    static Response login(Api.Account account, String proof) {
        var request = given().contentType(ContentType.JSON)
                .body(Map.of("email", account.email(), "password", account.password()));
        if (proof != null) {
            request.header("DPoP", proof);
        }
        return request.post(LOGIN);
    }

    static Response refresh(String token, String proof) {
        var request = given().contentType(ContentType.JSON).body(Map.of("refreshToken", token));
        if (proof != null) {
            request.header("DPoP", proof);
        }
        return request.post(REFRESH);
    }

    static void refusedForProof(Response response) {
        response.then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", equalTo("DPoP error=\"invalid_dpop_proof\""))
                .body("code", equalTo("invalid_dpop_proof"));
    }

    /** A session bound to {@code key}: its first refresh token. */
    static String boundSession(DeviceKey key) {
        return login(Api.register(), key.post(LOGIN)).then().statusCode(200)
                .body("refreshTokenBound", equalTo(true)).extract().path("refreshToken");
    }

    @Test
    void aBoundSessionRefreshesWithItsKeyAndStaysBound() {
        DeviceKey key = DeviceKey.create();
        String token = boundSession(key);
        for (int i = 0; i < 3; i++) {
            token = refresh(token, key.post(REFRESH)).then().statusCode(200)
                    .body("refreshTokenBound", equalTo(true)).extract().path("refreshToken");
        }
    }

    @Test
    void aSignInWithoutProofIsUnboundAndIgnoresProofsOnRefresh() {
        String token = login(Api.register(), null).then().statusCode(200)
                .body("$", not(hasKey("refreshTokenBound"))).extract().path("refreshToken");
        // Unbound sessions ignore the header, even one that is no proof at all
        token = refresh(token, "not a proof").then().statusCode(200).body("$", not(hasKey("refreshTokenBound")))
                .extract().path("refreshToken");
        refresh(token, DeviceKey.create().post(REFRESH)).then().statusCode(200).body("$", not(hasKey("refreshTokenBound")));
    }

    @Test
    void aStolenTokenIsRefusedWithoutTheKeyAndTheVictimLivesOn() {
        DeviceKey victim = DeviceKey.create();
        String token = boundSession(victim);
        DeviceKey thief = DeviceKey.create();
        Instant now = Instant.now();
        refusedForProof(refresh(token, null));
        refusedForProof(refresh(token, thief.post(REFRESH)));
        refusedForProof(refresh(token, victim.proof("POST", DeviceKey.url("/api/auth/login"), now, UUID.randomUUID().toString())));
        refusedForProof(refresh(token, victim.proof("GET", DeviceKey.url(REFRESH), now, UUID.randomUUID().toString())));
        refusedForProof(refresh(token, victim.proof("POST", "https://elsewhere.test" + REFRESH, now, UUID.randomUUID().toString())));
        refusedForProof(refresh(token, victim.proof("POST", DeviceKey.url(REFRESH), now.minusSeconds(120), UUID.randomUUID().toString())));
        refusedForProof(refresh(token, victim.proof("POST", DeviceKey.url(REFRESH), now.plusSeconds(120), UUID.randomUUID().toString())));
        // none of these rotated, revoked or counted as a replay: the victim's token still rotates
        refresh(token, victim.post(REFRESH)).then().statusCode(200);
    }

    @Test
    void aProofIsAcceptedOnce() {
        DeviceKey key = DeviceKey.create();
        String token = boundSession(key);
        String proof = key.post(REFRESH);
        String next = refresh(token, proof).then().statusCode(200).extract().path("refreshToken");
        refusedForProof(refresh(next, proof));
        refresh(next, key.post(REFRESH)).then().statusCode(200);
    }

    @Test
    void aRetryInsideTheReuseWindowWithAFreshProofGetsTheSameSuccessor() {
        DeviceKey key = DeviceKey.create();
        String token = boundSession(key);
        String first = refresh(token, key.post(REFRESH)).then().statusCode(200).extract().path("refreshToken");
        String again = refresh(token, key.post(REFRESH)).then().statusCode(200).body("refreshTokenBound", equalTo(true))
                .extract().path("refreshToken");
        assertEquals(first, again);
        // the retried token without a proof is refused like any other
        refusedForProof(refresh(token, null));
    }

    @Test
    void parallelRefreshesWithFreshProofsAllGetTheSameSuccessor() throws Exception {
        DeviceKey key = DeviceKey.create();
        String token = boundSession(key);
        List<String> proofs = java.util.stream.IntStream.range(0, 10).mapToObj(i -> key.post(REFRESH)).toList();
        List<String> successors = Parallel.run(10, i -> refresh(token, proofs.get(i)).then().statusCode(200)
                .extract().<String>path("refreshToken"));
        assertEquals(1, successors.stream().distinct().count(), successors.toString());
    }

    @Test
    void aThiefReplayingAnOldTokenWithoutTheKeyCannotEndTheSession() {
        DeviceKey key = DeviceKey.create();
        String t0 = boundSession(key);
        String t1 = refresh(t0, key.post(REFRESH)).then().statusCode(200).extract().path("refreshToken");
        String t2 = refresh(t1, key.post(REFRESH)).then().statusCode(200).extract().path("refreshToken");
        // t0's successor is used: with the key this would be a replay; without it, nothing happens
        refusedForProof(refresh(t0, null));
        refusedForProof(refresh(t0, DeviceKey.create().post(REFRESH)));
        String t3 = refresh(t2, key.post(REFRESH)).then().statusCode(200).extract().path("refreshToken");
        // the key holder replaying is still a replay: the session ends
        refresh(t0, key.post(REFRESH)).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
        refresh(t3, key.post(REFRESH)).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
    }

    @Test
    void theTokenIsCheckedBeforeTheProof() {
        DeviceKey key = DeviceKey.create();
        String token = boundSession(key);
        given().contentType(ContentType.JSON).body(Map.of("refreshToken", token)).header("DPoP", key.post(LOGOUT))
                .post(LOGOUT).then().statusCode(204);
        // a dead bound session's token: invalid_refresh_token, with or without a proof
        refresh(token, null).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
        refresh(token, key.post(REFRESH)).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
        refresh("gatehouse_rt_" + "A".repeat(43), null).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
    }

    @Test
    void logoutOfABoundSessionNeedsItsKey() {
        DeviceKey key = DeviceKey.create();
        String token = boundSession(key);
        given().contentType(ContentType.JSON).body(Map.of("refreshToken", token)).post(LOGOUT).then().statusCode(204);
        given().contentType(ContentType.JSON).body(Map.of("refreshToken", token)).header("DPoP", DeviceKey.create().post(LOGOUT))
                .post(LOGOUT).then().statusCode(204);
        given().contentType(ContentType.JSON).body(Map.of("refreshToken", token)).header("DPoP", key.post(REFRESH))
                .post(LOGOUT).then().statusCode(204);
        // none of those ended it
        String next = refresh(token, key.post(REFRESH)).then().statusCode(200).extract().path("refreshToken");
        given().contentType(ContentType.JSON).body(Map.of("refreshToken", next)).header("DPoP", key.post(LOGOUT))
                .post(LOGOUT).then().statusCode(204);
        refresh(next, key.post(REFRESH)).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
    }

    @Test
    void anInvalidProofAtSignInIsRefusedAndCountsNothing() {
        Api.Account account = Api.register();
        DeviceKey key = DeviceKey.create();
        for (int i = 0; i < 6; i++) { // beyond the 5 failures that would lock the account for this address
            refusedForProof(login(account, key.proof("POST", DeviceKey.url(REFRESH), Instant.now(), UUID.randomUUID().toString())));
        }
        login(account, key.post(LOGIN)).then().statusCode(200).body("refreshTokenBound", equalTo(true));
    }

    @Test
    void aSignInProofIsSpentWithTheSession() {
        Api.Account account = Api.register();
        String proof = DeviceKey.create().post(LOGIN);
        login(account, proof).then().statusCode(200);
        refusedForProof(login(account, proof));
    }

    @Test
    void browsersMaySendTheHeaderFromAllowedOrigins() {
        given().header("Origin", "https://shop.test").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type, dpop")
                .options(REFRESH).then().statusCode(204)
                .header("Access-Control-Allow-Headers", org.hamcrest.Matchers.containsString("DPoP"));
    }
}
