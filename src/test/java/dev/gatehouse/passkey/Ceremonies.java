package dev.gatehouse.passkey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import dev.gatehouse.support.SoftwareAuthenticator;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** The passkey ceremonies over the API, for the tests of this package. */
final class Ceremonies {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Ceremonies() {
    }

    /** Options, flow id and the options' {@code publicKey}, as a client reads them. */
    record Options(String flowId, JsonNode publicKey) {
    }

    /** A registered account with a verified e-mail, just signed in. */
    record SignedIn(Api.Account account, Api.Tokens tokens) {
        UUID userId() {
            return UUID.fromString(account.id());
        }
    }

    static SignedIn verifiedUser(Db db) {
        Api.Account account = Api.register();
        db.update("update users set email_verified = true where id = ?", UUID.fromString(account.id()));
        return new SignedIn(account, Api.login(account));
    }

    static Response registrationOptionsResponse(String accessToken) {
        return given().auth().oauth2(accessToken).post("/api/auth/passkeys/register/options");
    }

    static Options registrationOptions(String accessToken) {
        return options(registrationOptionsResponse(accessToken).then().statusCode(200).extract().asString());
    }

    static Response finishRegistration(String accessToken, String flowId, Map<String, Object> credential, String name) {
        Map<String, Object> body = new HashMap<>();
        body.put("flowId", flowId);
        body.put("credential", credential);
        if (name != null) {
            body.put("name", name);
        }
        return given().auth().oauth2(accessToken).contentType(ContentType.JSON).body(body).post("/api/auth/passkeys/register");
    }

    /** Registers the authenticator's passkey from {@code origin}; returns the passkey's id. */
    static String register(SignedIn user, SoftwareAuthenticator authenticator, String origin) {
        Options options = registrationOptions(user.tokens().accessToken());
        return finishRegistration(user.tokens().accessToken(), options.flowId(), authenticator.create(options.publicKey(), origin),
                "Test phone").then().statusCode(201).extract().path("id");
    }

    static Options loginOptions() {
        return options(given().post("/api/auth/passkeys/login/options").then().statusCode(200).extract().asString());
    }

    static Response finishLogin(String flowId, Map<String, Object> credential) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("flowId", flowId, "credential", credential, "deviceName", "passkey device"))
                .post("/api/auth/passkeys/login");
    }

    /** A whole passwordless sign-in from {@code origin}. */
    static Response signIn(SoftwareAuthenticator authenticator, String origin) {
        Options options = loginOptions();
        return finishLogin(options.flowId(), authenticator.get(options.publicKey(), origin));
    }

    static Options options(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            return new Options(json.path("flowId").asText(), json.path("publicKey"));
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /** The claims of a JWT, without checking it: the service has. */
    static JsonNode claims(String jwt) {
        try {
            return JSON.readTree(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
