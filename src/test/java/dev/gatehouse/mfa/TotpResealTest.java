package dev.gatehouse.mfa;

import dev.gatehouse.support.Db;
import dev.gatehouse.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.commons.codec.binary.Base32;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;

import static dev.gatehouse.mfa.SecondFactors.enabledUser;
import static dev.gatehouse.mfa.SecondFactors.loginMfa;
import static dev.gatehouse.mfa.SecondFactors.mfaToken;
import static dev.gatehouse.mfa.SecondFactors.nextCode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/mfa.md "The secret at rest": after a rotation of gatehouse.secret, old seals work and are sealed again. */
@QuarkusTest
class TotpResealTest {

    @Inject
    Db db;
    @Inject
    TestClock clock;
    @Inject
    SecondFactor secondFactor;
    @Inject
    TotpSecretSeal seal;
    @ConfigProperty(name = "gatehouse.previous-secrets")
    List<String> previousSecrets;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void aSecretSealedUnderThePreviousServerSecretSignsInAndIsSealedAgain() {
        SecondFactors.Enabled user = enabledUser(db, clock);
        // as the previous gatehouse.secret sealed it, before the rotation
        TotpSecretSeal old = new TotpSecretSeal(List.of(Base64.getDecoder().decode(previousSecrets.get(0))));
        TotpSecretSeal.Sealed sealed = old.seal(user.userId(), new Base32().decode(user.secret()));
        db.update("update totp_factors set sealed_secret = ?, key_id = ? where user_id = ?", sealed.sealed(), sealed.keyId(),
                user.userId());

        loginMfa(mfaToken(user.account()), nextCode(user, clock)).then().statusCode(200);

        while (secondFactor.resealStale(100) > 0) {
            // other tests' rows may be stale too
        }
        byte[] keyId = (byte[]) db.single("select key_id from totp_factors where user_id = ?", user.userId());
        assertTrue(seal.previousKeyIds().stream().noneMatch(previous -> java.util.Arrays.equals(previous, keyId)));
        byte[] resealed = (byte[]) db.single("select sealed_secret from totp_factors where user_id = ?", user.userId());
        assertArrayEquals(new Base32().decode(user.secret()), seal.open(user.userId(), resealed, keyId).orElseThrow().secret());
        loginMfa(mfaToken(user.account()), nextCode(user, clock)).then().statusCode(200);
    }
}
