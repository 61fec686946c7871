package dev.gatehouse.passkey;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import dev.gatehouse.support.SoftwareAuthenticator;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static dev.gatehouse.passkey.Ceremonies.verifiedUser;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** docs/api.md "Passkeys": rename, remove, export and deletion, and the association files for native apps. */
@QuarkusTest
class PasskeyManagementTest {

    @Inject
    Db db;

    @Test
    void renamesWithinOneToAHundredCharacters() {
        Ceremonies.SignedIn user = verifiedUser(db);
        String id = Ceremonies.register(user, SoftwareAuthenticator.es256(), SoftwareAuthenticator.WEB_ORIGIN);
        String token = user.tokens().accessToken();
        rename(token, id, Map.of("name", "  Work phone ")).then().statusCode(204);
        given().auth().oauth2(token).get("/api/auth/passkeys").then().body("[0].name", equalTo("Work phone"));
        rename(token, id, Map.of("name", "é".repeat(100))).then().statusCode(204);
        for (Object body : new Object[]{Map.of("name", ""), Map.of("name", "   "), Map.of("name", "x".repeat(101)), Map.of(),
                Map.of("name", 5), Map.of("name", "tab\there")}) {
            rename(token, id, body).then().statusCode(400).body("code", equalTo("validation_failed"));
        }
        // another user's passkey, an unknown one, a malformed id: not found
        String others = verifiedUser(db).tokens().accessToken();
        rename(others, id, Map.of("name", "mine now")).then().statusCode(404).body("code", equalTo("not_found"));
        rename(token, UUID.randomUUID().toString(), Map.of("name", "x")).then().statusCode(404);
        rename(token, "not-an-id", Map.of("name", "x")).then().statusCode(404);
        given().auth().oauth2(token).get("/api/auth/passkeys").then().body("[0].name", equalTo("é".repeat(100)));
    }

    @Test
    void removesOnlyTheCallersOwnAndRecordsIt() {
        Ceremonies.SignedIn user = verifiedUser(db);
        String id = Ceremonies.register(user, SoftwareAuthenticator.es256(), SoftwareAuthenticator.WEB_ORIGIN);
        Ceremonies.SignedIn other = verifiedUser(db);
        given().auth().oauth2(other.tokens().accessToken()).delete("/api/auth/passkeys/" + id).then().statusCode(404)
                .body("code", equalTo("not_found"));
        given().auth().oauth2(user.tokens().accessToken()).delete("/api/auth/passkeys/" + id).then().statusCode(204);
        given().auth().oauth2(user.tokens().accessToken()).delete("/api/auth/passkeys/" + id).then().statusCode(404);
        given().auth().oauth2(user.tokens().accessToken()).get("/api/auth/passkeys").then().body("size()", equalTo(0));
        assertEquals(1L, db.count("select count(*) from security_events where user_id = ? and kind = 'passkey_removed'",
                user.userId()));
        given().delete("/api/auth/passkeys/" + id).then().statusCode(401);
        given().get("/api/auth/passkeys").then().statusCode(401);
    }

    @Test
    void theExportShowsPasskeysWithoutKeysAndDeletionRemovesThem() {
        Ceremonies.SignedIn user = verifiedUser(db);
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.es256();
        String id = Ceremonies.register(user, authenticator, SoftwareAuthenticator.WEB_ORIGIN);
        given().auth().oauth2(user.tokens().accessToken()).get("/api/users/me/export").then().statusCode(200)
                .body("passkeys.id", contains(id)).body("passkeys[0].name", equalTo("Test phone"))
                .body("passkeys[0]", not(hasKey("credentialId"))).body("passkeys[0]", not(hasKey("publicKey")));
        given().auth().oauth2(user.tokens().accessToken()).contentType(ContentType.JSON)
                .body(Map.of("password", Api.PASSWORD)).delete("/api/users/me").then().statusCode(204);
        assertEquals(0L, db.count("select count(*) from passkeys where user_id = ?", user.userId()));
        assertEquals(0L, db.count("select count(*) from passkey_user_handles where user_id = ?", user.userId()));
        Ceremonies.signIn(authenticator, SoftwareAuthenticator.WEB_ORIGIN).then().statusCode(401);
    }

    @Test
    void servesTheAssociationFilesForTheConfiguredApps() {
        given().get("/.well-known/assetlinks.json").then().statusCode(200).contentType("application/json")
                .body("[0].relation", contains("delegate_permission/common.get_login_creds"))
                .body("[0].target.namespace", equalTo("android_app"))
                .body("[0].target.package_name", equalTo("dev.gatehouse.shop"))
                .body("[0].target.sha256_cert_fingerprints", contains(
                        "29:C3:33:CB:86:66:C1:20:88:0F:45:7C:3C:6D:40:4C:EE:48:92:4F:79:A1:61:64:1A:A7:7A:C0:95:B9:1D:6B"));
        given().get("/.well-known/apple-app-site-association").then().statusCode(200).contentType("application/json")
                .body("webcredentials.apps", contains("ABCDE12345.dev.gatehouse.shop"));
    }

    private static io.restassured.response.Response rename(String token, String id, Object body) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body).patch("/api/auth/passkeys/" + id);
    }
}
