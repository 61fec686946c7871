package dev.gatehouse.mfa;

import dev.gatehouse.support.Db;
import dev.gatehouse.support.Parallel;
import dev.gatehouse.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

import static dev.gatehouse.mfa.SecondFactors.enabledUser;
import static dev.gatehouse.mfa.SecondFactors.loginMfa;
import static dev.gatehouse.mfa.SecondFactors.loginRecovery;
import static dev.gatehouse.mfa.SecondFactors.mfaToken;
import static dev.gatehouse.mfa.SecondFactors.nextCode;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** docs/mfa.md "Codes": single use holds under parallel requests, as a replay racing the original would send them. */
@QuarkusTest
class MfaRacesTest {

    private static final int PARALLEL = 8;

    @Inject
    Db db;
    @Inject
    TestClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void oneMfaTokenOpensOneSessionHoweverManyUseItAtOnce() throws Exception {
        SecondFactors.Enabled user = enabledUser(db, clock);
        String token = mfaToken(user.account());
        String code = nextCode(user, clock);

        List<Integer> statuses = Parallel.run(PARALLEL, i -> loginMfa(token, code).statusCode());

        assertEquals(1, Collections.frequency(statuses, 200), statuses.toString());
        assertEquals(1, db.count("select count(*) from sessions where user_id = ?", user.userId()) - 1);
    }

    @Test
    void oneCodeSignsInOnceAcrossManyTokens() throws Exception {
        SecondFactors.Enabled user = enabledUser(db, clock);
        List<String> tokens = IntStream.range(0, PARALLEL).mapToObj(i -> mfaToken(user.account())).toList();
        String code = nextCode(user, clock);

        List<Integer> statuses = Parallel.run(PARALLEL, i -> loginMfa(tokens.get(i), code).statusCode());

        assertEquals(1, Collections.frequency(statuses, 200), statuses.toString());
    }

    @Test
    void oneRecoveryCodeSignsInOnceAcrossManyTokens() throws Exception {
        SecondFactors.Enabled user = enabledUser(db, clock);
        List<String> tokens = IntStream.range(0, PARALLEL).mapToObj(i -> mfaToken(user.account())).toList();
        String recovery = user.recoveryCodes().get(0);

        List<Integer> statuses = Parallel.run(PARALLEL, i -> loginRecovery(tokens.get(i), recovery).statusCode());

        assertEquals(1, Collections.frequency(statuses, 200), statuses.toString());
        assertEquals(1, db.count("select count(*) from recovery_codes where user_id = ? and used_at is not null", user.userId()));
    }
}
