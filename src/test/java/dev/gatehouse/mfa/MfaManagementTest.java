package dev.gatehouse.mfa;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import dev.gatehouse.support.TestClock;
import dev.gatehouse.support.TestSmtp;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.gatehouse.mfa.SecondFactors.confirm;
import static dev.gatehouse.mfa.SecondFactors.disable;
import static dev.gatehouse.mfa.SecondFactors.enabledUser;
import static dev.gatehouse.mfa.SecondFactors.loginMfa;
import static dev.gatehouse.mfa.SecondFactors.loginRecovery;
import static dev.gatehouse.mfa.SecondFactors.mfaToken;
import static dev.gatehouse.mfa.SecondFactors.nextCode;
import static dev.gatehouse.mfa.SecondFactors.renewRecoveryCodes;
import static dev.gatehouse.mfa.SecondFactors.setup;
import static dev.gatehouse.mfa.SecondFactors.verifiedUser;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/mfa.md "Turning it on", "Recovery codes", "Turning it off", "Admin reset". */
@QuarkusTest
class MfaManagementTest {

    @Inject
    Db db;
    @Inject
    TestClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void setUpGivesASecretAndAKeyUriThatConfirmTurnsOnWithTenRecoveryCodes() {
        SecondFactors.Enabled user = verifiedUser(db);

        Response setup = setup(user.tokens().accessToken());

        setup.then().statusCode(200).header("Cache-Control", "no-store");
        String secret = setup.path("secret");
        assertEquals(20, new Base32().decode(secret).length);
        assertTrue(secret.matches("[A-Z2-7]{32}"), "base32 without padding");
        URI uri = URI.create(setup.path("otpauthUri"));
        assertEquals("otpauth", uri.getScheme());
        assertEquals("totp", uri.getHost());
        assertEquals("/Gatehouse:" + user.account().email(), uri.getPath());
        Map<String, String> query = new java.util.HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        assertEquals(Map.of("secret", secret, "issuer", "Gatehouse", "algorithm", "SHA1", "digits", "6", "period", "30"), query);
        Api.me(user.tokens().accessToken()).then().body("mfaEnabled", equalTo(false)); // pending is not on

        Response confirmed = confirm(user.tokens().accessToken(), TotpCodes.at(secret, clock.instant()));

        confirmed.then().statusCode(200).header("Cache-Control", "no-store");
        List<String> codes = confirmed.path("recoveryCodes");
        assertEquals(10, codes.size());
        assertEquals(10, new HashSet<>(codes).size());
        codes.forEach(code -> assertTrue(code.matches("[a-z2-7]{5}-[a-z2-7]{5}"), code));
        Api.me(user.tokens().accessToken()).then().statusCode(200).body("mfaEnabled", equalTo(true))
                .body("emailVerified", equalTo(true));
        assertEquals(1, events(user, "mfa_enabled"));
        TestSmtp.awaitMessage(user.account().email(), m -> m.subject().equals("Two-step sign-in was turned on"),
                Duration.ofSeconds(15));
        // on: a second set-up is refused, and a confirm has nothing to confirm
        setup(user.tokens().accessToken()).then().statusCode(409).body("code", equalTo("mfa_already_enabled"));
        confirm(user.tokens().accessToken(), TotpCodes.at(secret, clock.instant())).then().statusCode(409)
                .body("code", equalTo("mfa_not_enabled"));
    }

    @Test
    void aWrongConfirmingCodeIsFourHundredAndANewSetUpReplacesThePendingOne() {
        SecondFactors.Enabled user = verifiedUser(db);
        String access = user.tokens().accessToken();
        confirm(access, "123456").then().statusCode(409).body("code", equalTo("mfa_not_enabled"));
        String first = setup(access).path("secret");
        String code = TotpCodes.at(first, clock.instant());
        confirm(access, TotpCodes.wrong(code)).then().statusCode(400).body("code", equalTo("invalid_mfa_code"));

        String second = setup(access).path("secret");

        confirm(access, code).then().statusCode(400).body("code", equalTo("invalid_mfa_code"));
        confirm(access, TotpCodes.at(second, clock.instant())).then().statusCode(200);
    }

    @Test
    void fiveWrongConfirmingCodesEndTheSetUp() {
        SecondFactors.Enabled user = verifiedUser(db);
        String access = user.tokens().accessToken();
        String secret = setup(access).path("secret");
        String right = TotpCodes.at(secret, clock.instant());
        for (int i = 0; i < 5; i++) {
            confirm(access, TotpCodes.wrong(right)).then().statusCode(400).body("code", equalTo("invalid_mfa_code"));
        }

        // a session that did not make the set-up cannot guess its way to the recovery codes
        confirm(access, right).then().statusCode(409).body("code", equalTo("mfa_not_enabled"));
        assertEquals(0, db.count("select count(*) from totp_factors where user_id = ?", user.userId()));
        assertEquals(0, db.count("select count(*) from recovery_codes where user_id = ?", user.userId()));
    }

    @Test
    void aPendingSetUpEndsAfterFifteenMinutes() {
        SecondFactors.Enabled user = verifiedUser(db);
        String secret = setup(user.tokens().accessToken()).path("secret");
        clock.advance(Duration.ofMinutes(15));

        confirm(user.tokens().accessToken(), TotpCodes.at(secret, clock.instant())).then().statusCode(409)
                .body("code", equalTo("mfa_not_enabled"));
    }

    @Test
    void addingAPasskeyWithTotpOnNeedsARecentSignInAsBefore() {
        SecondFactors.Enabled user = enabledUser(db, clock);
        // the session that just turned TOTP on proved the code at confirm: within its recent window it may add one
        given().auth().oauth2(user.tokens().accessToken()).post("/api/auth/passkeys/register/options").then()
                .statusCode(200);
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        String refreshed = Api.refresh(user.tokens().refreshToken()).accessToken();
        given().auth().oauth2(refreshed).post("/api/auth/passkeys/register/options").then()
                .statusCode(403).body("code", equalTo("reauthentication_required"));

        String withCode = loginMfa(mfaToken(user.account()), nextCode(user, clock)).path("accessToken");

        given().auth().oauth2(withCode).post("/api/auth/passkeys/register/options").then().statusCode(200);
    }

    @Test
    void setUpNeedsAVerifiedEmailAndARecentSignIn() {
        Api.Account unverified = Api.register();
        setup(Api.login(unverified).accessToken()).then().statusCode(403).body("code", equalTo("reauthentication_required"));

        SecondFactors.Enabled user = verifiedUser(db);
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        String refreshed = Api.refresh(user.tokens().refreshToken()).accessToken(); // keeps the sign-in's time
        setup(refreshed).then().statusCode(403).body("code", equalTo("reauthentication_required"));
        setup(Api.login(user.account()).accessToken()).then().statusCode(200);
    }

    @Test
    void aStampChangeKillsAPendingSetUp() {
        SecondFactors.Enabled user = verifiedUser(db);
        String secret = setup(user.tokens().accessToken()).path("secret");
        given().auth().oauth2(user.tokens().accessToken()).post("/api/auth/logout-all").then().statusCode(204);
        String fresh = Api.login(user.account()).accessToken();

        confirm(fresh, TotpCodes.at(secret, clock.instant())).then().statusCode(409).body("code", equalTo("mfa_not_enabled"));
    }

    @Test
    void newRecoveryCodesReplaceTheOldOnes() {
        SecondFactors.Enabled user = enabledUser(db, clock);
        String access = user.tokens().accessToken();
        renewRecoveryCodes(access, TotpCodes.wrong(nextCode(user, clock))).then().statusCode(400)
                .body("code", equalTo("invalid_mfa_code"));

        Response renewed = renewRecoveryCodes(access, nextCode(user, clock));

        renewed.then().statusCode(200).header("Cache-Control", "no-store");
        List<String> fresh = renewed.path("recoveryCodes");
        assertEquals(10, fresh.size());
        loginRecovery(mfaToken(user.account()), user.recoveryCodes().get(0)).then().statusCode(401)
                .body("code", equalTo("invalid_mfa_code"));
        loginRecovery(mfaToken(user.account()), fresh.get(0)).then().statusCode(200);
        TestSmtp.awaitMessage(user.account().email(), m -> m.subject().equals("New recovery codes for your account"),
                Duration.ofSeconds(15));
        // a recovery code does not buy new recovery codes: the body is a TOTP code
        renewRecoveryCodes(access, fresh.get(1)).then().statusCode(400).body("code", equalTo("invalid_mfa_code"));
    }

    @Test
    void turningItOffWithACodeChangesTheStampAndLoginNeedsOnlyThePassword() {
        SecondFactors.Enabled user = enabledUser(db, clock);
        String pending = mfaToken(user.account());
        disable(user.tokens().accessToken(), Map.of("code", TotpCodes.wrong(nextCode(user, clock)))).then().statusCode(400)
                .body("code", equalTo("invalid_mfa_code"));

        disable(user.tokens().accessToken(), Map.of("code", nextCode(user, clock))).then().statusCode(204);

        Api.me(user.tokens().accessToken()).then().statusCode(401); // the stamp changed
        String fresh = Api.refresh(user.tokens().refreshToken()).accessToken(); // the session stays
        Api.me(fresh).then().statusCode(200).body("mfaEnabled", equalTo(false));
        loginMfa(pending, nextCode(user, clock)).then().statusCode(401).body("code", equalTo("invalid_credentials"));
        Api.login(user.account());
        assertEquals(1, events(user, "mfa_disabled"));
        assertEquals(0, db.count("select count(*) from totp_factors where user_id = ?", user.userId()));
        assertEquals(0, db.count("select count(*) from recovery_codes where user_id = ?", user.userId()));
        TestSmtp.awaitMessage(user.account().email(), m -> m.subject().equals("Two-step sign-in was turned off"),
                Duration.ofSeconds(15));
        // off: turning off and new codes have nothing to act on
        disable(fresh, Map.of("code", nextCode(user, clock))).then().statusCode(409).body("code", equalTo("mfa_not_enabled"));
        renewRecoveryCodes(fresh, nextCode(user, clock)).then().statusCode(409).body("code", equalTo("mfa_not_enabled"));
    }

    @Test
    void turningItOffWithARecoveryCodeWorksAndBodiesMustNameExactlyOne() {
        SecondFactors.Enabled user = enabledUser(db, clock);
        String access = user.tokens().accessToken();
        for (Map<String, String> body : List.of(Map.<String, String>of(), Map.of("code", "", "recoveryCode", ""),
                Map.of("code", "123456", "recoveryCode", user.recoveryCodes().get(0)))) {
            disable(access, body).then().statusCode(400).body("code", equalTo("validation_failed"));
        }

        disable(access, Map.of("recoveryCode", user.recoveryCodes().get(0))).then().statusCode(204);

        Api.login(user.account());
    }

    @Test
    void anAdminResetTurnsItOffForAUserWhoLostTheDevice() {
        SecondFactors.Enabled user = enabledUser(db, clock);
        Api.Account admin = Api.register();
        db.makeAdmin(admin.id());
        String adminToken = Api.login(admin).accessToken();
        given().auth().oauth2(user.tokens().accessToken()).delete("/api/admin/users/" + user.userId() + "/mfa")
                .then().statusCode(403).body("code", equalTo("forbidden"));
        given().auth().oauth2(adminToken).delete("/api/admin/users/" + UUID.randomUUID() + "/mfa").then().statusCode(404);
        given().auth().oauth2(adminToken).delete("/api/admin/users/not-a-uuid/mfa").then().statusCode(404);

        given().auth().oauth2(adminToken).delete("/api/admin/users/" + user.userId() + "/mfa").then().statusCode(204);

        Api.me(user.tokens().accessToken()).then().statusCode(401);
        Api.login(user.account());
        given().auth().oauth2(adminToken).get("/api/admin/users/" + user.userId() + "/events").then().statusCode(200)
                .body("find { it.kind == 'mfa_disabled' }.details.by", equalTo(admin.id()));
        given().auth().oauth2(adminToken).delete("/api/admin/users/" + user.userId() + "/mfa").then().statusCode(409)
                .body("code", equalTo("mfa_not_enabled"));
    }

    @Test
    void aPasswordResetLeavesTheSecondFactorOn() {
        SecondFactors.Enabled user = enabledUser(db, clock);
        given().contentType(ContentType.JSON).body(Map.of("email", user.account().email())).post("/api/auth/password/forgot")
                .then().statusCode(202);
        String mail = TestSmtp.awaitMail(user.account().email(), text -> text.contains("reset-password"), Duration.ofSeconds(15));
        given().contentType(ContentType.JSON).body(Map.of("email", user.account().email(), "code", TestSmtp.codeOf(mail),
                "newPassword", "a brand new passphrase")).post("/api/auth/password/reset").then().statusCode(204);

        Api.loginResponse(user.account().email(), "a brand new passphrase").then().statusCode(403)
                .body("code", equalTo("mfa_required"));
    }

    @Test
    void aPasswordResetClearsPasswordFailuresButNotWrongCodes() {
        SecondFactors.Enabled user = enabledUser(db, clock);
        String code = nextCode(user, clock);
        for (int i = 0; i < 3; i++) {
            Api.loginResponse(user.account().email(), "wrong password " + i).then().statusCode(401);
        }
        loginMfa(mfaToken(user.account()), TotpCodes.wrong(code)).then().statusCode(401);
        // four failures from this address: one short of the lock (max-failures 5)
        given().contentType(ContentType.JSON).body(Map.of("email", user.account().email())).post("/api/auth/password/forgot")
                .then().statusCode(202);
        String mail = TestSmtp.awaitMail(user.account().email(), text -> text.contains("reset-password"), Duration.ofSeconds(15));
        given().contentType(ContentType.JSON).body(Map.of("email", user.account().email(), "code", TestSmtp.codeOf(mail),
                "newPassword", "a brand new passphrase")).post("/api/auth/password/reset").then().statusCode(204);

        // the three wrong passwords are gone (else the next failure would find the lock), the wrong code is not:
        // four more failures make five
        for (int i = 0; i < 4; i++) {
            Api.loginResponse(user.account().email(), "another wrong one " + i).then().statusCode(401);
        }
        Api.loginResponse(user.account().email(), "a brand new passphrase").then().statusCode(429);
    }

    @Test
    void theSecretIsNeverStoredInPlainTextNorTheRecoveryCodes() {
        SecondFactors.Enabled user = enabledUser(db, clock);
        byte[] secret = new Base32().decode(user.secret());

        byte[] sealed = (byte[]) db.single("select sealed_secret from totp_factors where user_id = ?", user.userId());

        assertFalse(contains(sealed, secret), "the raw secret is not in the row");
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains(user.secret()), "nor its base32");
        for (Object row : db.column("select code_hash from recovery_codes where user_id = ?", user.userId())) {
            String stored = new String((byte[]) row, StandardCharsets.ISO_8859_1);
            for (String code : user.recoveryCodes()) {
                assertFalse(stored.contains(code) || stored.contains(code.replace("-", "")));
            }
        }
        // sealed for its user: the same bytes on another user's row open to nothing, so no code of it works there
        SecondFactors.Enabled other = enabledUser(db, clock);
        db.update("update totp_factors set sealed_secret = ?, key_id = (select key_id from totp_factors where user_id = ?) "
                + "where user_id = ?", sealed, user.userId(), other.userId());
        loginMfa(mfaToken(other.account()), nextCode(user, clock)).then().statusCode(401).body("code", equalTo("invalid_mfa_code"));
    }

    @Test
    void theExportShowsTheStateNeverTheSecret() {
        SecondFactors.Enabled user = enabledUser(db, clock);

        Response export = given().auth().oauth2(user.tokens().accessToken()).get("/api/users/me/export");

        export.then().statusCode(200).body("user.mfaEnabled", equalTo(true)).body("user.secondFactor.enabled", equalTo(true))
                .body("user.secondFactor.recoveryCodesLeft", equalTo(10));
        String text = export.asString();
        assertFalse(text.contains(user.secret()));
        user.recoveryCodes().forEach(code -> assertFalse(text.contains(code)));
    }

    @Test
    void deletingTheAccountDeletesTheSecondFactor() {
        SecondFactors.Enabled user = enabledUser(db, clock);
        mfaToken(user.account());

        given().auth().oauth2(user.tokens().accessToken()).contentType(ContentType.JSON)
                .body(Map.of("password", user.account().password())).delete("/api/users/me").then().statusCode(204);

        for (String table : List.of("totp_factors", "recovery_codes", "mfa_challenges")) {
            assertEquals(0, db.count("select count(*) from " + table + " where user_id = ?", user.userId()), table);
        }
    }

    private long events(SecondFactors.Enabled user, String kind) {
        return db.count("select count(*) from security_events where user_id = ? and kind = ?", user.userId(), kind);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
