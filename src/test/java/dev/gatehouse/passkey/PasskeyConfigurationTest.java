package dev.gatehouse.passkey;

import dev.gatehouse.support.Db;
import dev.gatehouse.support.SoftwareAuthenticator;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.gatehouse.passkey.Ceremonies.finishRegistration;
import static dev.gatehouse.passkey.Ceremonies.registrationOptions;
import static dev.gatehouse.passkey.Ceremonies.verifiedUser;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * docs/passkeys.md "Configuration" and "Association files" with other settings than the test profile's: the
 * origins default to {@code https://<rp-id>}, fingerprints are normalised and grouped by package, and a file
 * with nothing configured is 404.
 */
@QuarkusTest
@TestProfile(PasskeyConfigurationTest.OtherSettings.class)
class PasskeyConfigurationTest {

    static final String FIRST = "29c333cb8666c120880f457c3c6d404cee48924f79a161641aa77ac095b91d6b";
    static final String SECOND = "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff";

    public static class OtherSettings implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gatehouse.passkeys.rp-id", "login.shop.test",
                    "gatehouse.passkeys.rp-name", "Shop",
                    "gatehouse.passkeys.origins", "",
                    "gatehouse.passkeys.android-apps", "dev.gatehouse.shop=" + FIRST + ", dev.gatehouse.other=" + FIRST
                            + ",dev.gatehouse.shop=" + SECOND,
                    "gatehouse.passkeys.apple-app-ids", "");
        }
    }

    @Inject
    Db db;

    @Test
    void theOriginsDefaultToTheRpIdOverHttps() {
        Ceremonies.SignedIn user = verifiedUser(db);
        Ceremonies.Options options = registrationOptions(user.tokens().accessToken());
        assertEquals("login.shop.test", options.publicKey().path("rp").path("id").asText());
        assertEquals("Shop", options.publicKey().path("rp").path("name").asText());
        for (String origin : new String[]{"https://shop.test", SoftwareAuthenticator.ANDROID_ORIGIN, "http://login.shop.test"}) {
            Ceremonies.Options refused = registrationOptions(user.tokens().accessToken());
            finishRegistration(user.tokens().accessToken(), refused.flowId(),
                    SoftwareAuthenticator.es256().create(refused.publicKey(), origin), null)
                    .then().statusCode(400).body("code", equalTo("invalid_passkey"));
        }
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.es256();
        finishRegistration(user.tokens().accessToken(), options.flowId(),
                authenticator.create(options.publicKey(), "https://login.shop.test"), null).then().statusCode(201);
        Ceremonies.Options login = Ceremonies.loginOptions();
        assertEquals("login.shop.test", login.publicKey().path("rpId").asText());
        Ceremonies.finishLogin(login.flowId(), authenticator.get(login.publicKey(), "https://login.shop.test"))
                .then().statusCode(200);
    }

    @Test
    void assetLinksGroupFingerprintsByPackageAndAnUnconfiguredFileIs404() {
        given().get("/.well-known/assetlinks.json").then().statusCode(200).contentType("application/json")
                .body("size()", equalTo(2))
                .body("[0].target.package_name", equalTo("dev.gatehouse.shop"))
                .body("[0].target.sha256_cert_fingerprints", contains(
                        "29:C3:33:CB:86:66:C1:20:88:0F:45:7C:3C:6D:40:4C:EE:48:92:4F:79:A1:61:64:1A:A7:7A:C0:95:B9:1D:6B",
                        SECOND.toUpperCase()))
                .body("[1].target.package_name", equalTo("dev.gatehouse.other"))
                .body("[1].relation", contains("delegate_permission/common.get_login_creds"));
        given().get("/.well-known/apple-app-site-association").then().statusCode(404);
    }
}
