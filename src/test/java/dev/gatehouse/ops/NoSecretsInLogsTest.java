package dev.gatehouse.ops;

import dev.gatehouse.keys.SigningKeys;
import dev.gatehouse.mfa.TotpCodes;
import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/threat-model.md "Log leakage": no token, password, hash, server secret or private key in the log, across a full flow and its failures. */
@QuarkusTest
class NoSecretsInLogsTest {

    @Inject
    Db db;
    @Inject
    SigningKeys keys;
    @ConfigProperty(name = "gatehouse.secret")
    String serverSecret;

    private final StringBuilder captured = new StringBuilder();
    private final Handler capture = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public synchronized void publish(LogRecord record) {
            captured.append(formatter.formatMessage(record)).append('\n');
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                captured.append(trace).append('\n');
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLogs() {
        capture.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void aFullFlowWithEveryFailureLogsNoSecret() {
        List<String> secrets = new ArrayList<>();
        String email = Api.uniqueEmail();
        String password = "Secret-Password-" + UUID.randomUUID();
        secrets.add(password);
        given().contentType("application/json").body(Map.of("email", email, "password", password))
                .post("/api/auth/register").then().statusCode(201);
        given().contentType("application/json").body(Map.of("email", email, "password", password))
                .post("/api/auth/register").then().statusCode(409);
        Api.Account account = new Api.Account(email, password, null);
        Api.Tokens first = Api.login(account);
        Api.Tokens second = Api.refresh(first.refreshToken());
        Api.Tokens third = Api.refresh(second.refreshToken());
        secrets.addAll(List.of(first.accessToken(), first.refreshToken(), second.accessToken(), second.refreshToken(),
                third.accessToken(), third.refreshToken()));
        Api.refreshResponse(first.refreshToken()).then().statusCode(401); // replay: the session is revoked
        Api.me(third.accessToken()).then().statusCode(401);
        Api.Tokens again = Api.login(account);
        secrets.addAll(List.of(again.accessToken(), again.refreshToken()));
        given().contentType("application/json").body(Map.of("refreshToken", again.refreshToken()))
                .post("/api/auth/logout").then().statusCode(204);

        String wrongPassword = "Wrong-Password-" + UUID.randomUUID();
        secrets.add(wrongPassword);
        Api.loginResponse(email, wrongPassword).then().statusCode(401);
        Api.loginResponse(Api.uniqueEmail(), wrongPassword).then().statusCode(401);
        given().contentType("application/json").body("{\"email\":\"" + email + "\",\"password\":\"" + wrongPassword)
                .post("/api/auth/login").then().statusCode(400);
        given().contentType("application/json").body("{\"email\":\"" + email + "\",\"password\":[\"" + wrongPassword + "\"]}")
                .post("/api/auth/login").then().statusCode(400);
        given().contentType("text/plain").body(password).post("/api/auth/login").then().statusCode(415);
        String forged = third.accessToken().substring(0, third.accessToken().lastIndexOf('.') + 1) + "forged";
        secrets.add(forged);
        given().auth().oauth2(forged).get("/api/users/me").then().statusCode(401);
        Response weak = given().auth().oauth2(Api.login(account).accessToken()).contentType("application/json")
                .body(Map.of("currentPassword", wrongPassword, "newPassword", "new-" + password))
                .post("/api/auth/password");
        weak.then().statusCode(400);
        secrets.add("new-" + password);

        secrets.addAll(secondFactorSecrets(email, password, account));

        String hash = (String) db.single("select password_hash from users where email = ?", email);
        secrets.add(hash);
        secrets.add(hash.substring(hash.lastIndexOf('$') + 1));
        byte[] pkcs8 = keys.current().privateKey().getEncoded();
        secrets.add(Base64.getEncoder().encodeToString(pkcs8).substring(0, 64));
        secrets.add(Base64.getMimeEncoder().encodeToString(pkcs8).substring(0, 64));
        secrets.add(serverSecret.strip());

        org.jboss.logging.Logger.getLogger("dev.gatehouse.test").info("log capture canary");
        String log = captured.toString();
        assertTrue(log.contains("log capture canary"), "the capture works");
        for (String secret : secrets) {
            assertFalse(log.contains(secret), "a secret reached the log: " + secret.substring(0, Math.min(8, secret.length())) + "...");
        }
        assertFalse(log.contains("$argon2id$"), "a password hash reached the log");
        // and the random part of refresh tokens, in case a prefix were stripped somewhere
        for (String token : List.of(first.refreshToken(), third.refreshToken())) {
            assertFalse(log.contains(token.substring("gatehouse_rt_".length())));
        }
    }

    /** The second factor's flow and failures (docs/mfa.md): its secret, codes, recovery codes and mfaTokens. */
    private List<String> secondFactorSecrets(String email, String password, Api.Account account) {
        db.update("update users set email_verified = true where email = ?", email);
        String access = Api.login(account).accessToken();
        Response setup = given().auth().oauth2(access).post("/api/auth/mfa/totp/setup");
        String secret = setup.path("secret");
        java.time.Instant now = java.time.Instant.now();
        String code = TotpCodes.at(secret, now);
        List<String> recovery = given().auth().oauth2(access).contentType("application/json").body(Map.of("code", code))
                .post("/api/auth/mfa/totp/confirm").then().statusCode(200).extract().path("recoveryCodes");
        String mfaToken = Api.loginResponse(email, password).then().statusCode(403).extract().path("mfaToken");
        given().contentType("application/json").body(Map.of("mfaToken", mfaToken, "code", TotpCodes.wrong(code)))
                .post("/api/auth/login/mfa").then().statusCode(401);
        given().contentType("application/json").body(Map.of("mfaToken", mfaToken, "recoveryCode", recovery.get(0)))
                .post("/api/auth/login/mfa").then().statusCode(200);
        given().contentType("application/json").body(Map.of("mfaToken", mfaToken, "recoveryCode", recovery.get(1)))
                .post("/api/auth/login/mfa").then().statusCode(401);
        // not the six-digit code: six digits turn up in a log by chance
        List<String> secrets = new ArrayList<>(List.of(secret, mfaToken, setup.<String>path("otpauthUri")));
        secrets.addAll(recovery);
        secrets.add(recovery.get(0).replace("-", ""));
        return secrets;
    }
}
