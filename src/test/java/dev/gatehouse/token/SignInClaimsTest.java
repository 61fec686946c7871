package dev.gatehouse.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import dev.gatehouse.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/tokens.md "Claims": email_verified, auth_time and amr, and what a refresh keeps of them. */
@QuarkusTest
class SignInClaimsTest {

    @Inject
    Db db;
    @Inject
    TestClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void aPasswordSignInCarriesItsTimeAndMethodThroughEveryRefresh() throws Exception {
        Api.Account account = Api.register();
        long before = clock.instant().getEpochSecond();
        Api.Tokens tokens = Api.login(account);
        JsonNode first = claims(tokens.accessToken());
        assertEquals("[\"pwd\"]", first.get("amr").toString());
        assertTrue(first.get("auth_time").asLong() >= before && first.get("auth_time").asLong() <= before + 5);
        assertFalse(first.get("email_verified").asBoolean());

        clock.advance(Duration.ofMinutes(20));
        Api.Tokens refreshed = Api.refresh(tokens.refreshToken());
        JsonNode later = claims(refreshed.accessToken());
        assertEquals(first.get("auth_time").asLong(), later.get("auth_time").asLong(), "a refresh is no new sign-in");
        assertEquals("[\"pwd\"]", later.get("amr").toString());
        assertTrue(later.get("iat").asLong() >= first.get("iat").asLong() + 20 * 60);
    }

    @Test
    void emailVerifiedFollowsOnTheNextRefresh() throws Exception {
        Api.Account account = Api.register();
        Api.Tokens tokens = Api.login(account);
        assertFalse(claims(tokens.accessToken()).get("email_verified").asBoolean());
        db.update("update users set email_verified = true where id = ?::uuid", account.id());
        assertTrue(claims(Api.refresh(tokens.refreshToken()).accessToken()).get("email_verified").asBoolean());
    }

    @Test
    void aSessionFromBeforeTheseClaimsGetsItsCreationAndPassword() throws Exception {
        Api.Account account = Api.register();
        Api.Tokens tokens = Api.login(account);
        db.update("update sessions set auth_time = null, amr = null, created_at = created_at - interval '1 hour' where id = ?::uuid",
                tokens.sessionId());
        long created = db.count("select floor(extract(epoch from created_at))::bigint from sessions where id = ?::uuid",
                tokens.sessionId());
        JsonNode refreshed = claims(Api.refresh(tokens.refreshToken()).accessToken());
        assertEquals(created, refreshed.get("auth_time").asLong());
        assertEquals("[\"pwd\"]", refreshed.get("amr").toString());
    }

    static JsonNode claims(String jwt) throws Exception {
        return new ObjectMapper().readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }
}
