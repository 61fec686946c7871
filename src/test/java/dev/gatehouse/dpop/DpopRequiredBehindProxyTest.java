package dev.gatehouse.dpop;

import dev.gatehouse.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static dev.gatehouse.dpop.DpopRefreshTest.LOGIN;
import static dev.gatehouse.dpop.DpopRefreshTest.REFRESH;
import static dev.gatehouse.dpop.DpopRefreshTest.refusedForProof;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/**
 * docs/dpop.md "Configuration": with gatehouse.dpop.required every sign-in needs a proof, and behind a proxy the
 * proof names gatehouse.http.public-base-url, whatever the forwarding headers say.
 */
@QuarkusTest
@TestProfile(DpopRequiredBehindProxyTest.RequiredBehindProxy.class)
class DpopRequiredBehindProxyTest {

    static final String PUBLIC = "https://auth.shop.test/gate";

    public static class RequiredBehindProxy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gatehouse.dpop.required", "true",
                    "gatehouse.http.public-base-url", PUBLIC + "/",
                    "gatehouse.http.trusted-proxies", "127.0.0.1/32,::1/128");
        }
    }

    private static String proof(DeviceKey key, String url) {
        return key.proof("POST", url, Instant.now(), UUID.randomUUID().toString());
    }

    @Test
    void aSignInWithoutProofIsRefusedBeforeThePasswordIsLookedAt() {
        Api.Account account = Api.register();
        refusedForProof(given().contentType(ContentType.JSON)
                .body(Map.of("email", account.email(), "password", account.password())).post(LOGIN));
        refusedForProof(given().contentType(ContentType.JSON)
                .body(Map.of("email", account.email(), "password", "wrong password")).post(LOGIN));
        refusedForProof(given().contentType(ContentType.JSON)
                .body(Map.of("mfaToken", "gatehouse_mfa_" + "A".repeat(43), "code", "123456")).post("/api/auth/login/mfa"));
    }

    @Test
    void proofsNameThePublicUrlNotTheOneTheRequestReached() {
        Api.Account account = Api.register();
        DeviceKey key = DeviceKey.create();
        // the URL the request reached, and one a forwarding header claims: both refused
        refusedForProof(given().contentType(ContentType.JSON).header("DPoP", proof(key, DeviceKey.url(LOGIN)))
                .body(Map.of("email", account.email(), "password", account.password())).post(LOGIN));
        refusedForProof(given().contentType(ContentType.JSON).header("DPoP", proof(key, "https://evil.test" + LOGIN))
                .header("X-Forwarded-Host", "evil.test").header("X-Forwarded-Proto", "https")
                .header("Forwarded", "host=evil.test;proto=https")
                .body(Map.of("email", account.email(), "password", account.password())).post(LOGIN));
        String token = given().contentType(ContentType.JSON).header("DPoP", proof(key, PUBLIC + LOGIN))
                .body(Map.of("email", account.email(), "password", account.password())).post(LOGIN)
                .then().statusCode(200).body("refreshTokenBound", equalTo(true)).extract().path("refreshToken");
        given().contentType(ContentType.JSON).header("DPoP", proof(key, PUBLIC + REFRESH)).body(Map.of("refreshToken", token))
                .post(REFRESH).then().statusCode(200).body("refreshTokenBound", equalTo(true));
    }
}
