package dev.gatehouse.token;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/threat-model.md "Database leak": only hashes of refresh tokens and passwords are stored. */
@QuarkusTest
class StorageTest {

    @Inject
    Db db;

    @Test
    void noPlaintextRefreshTokenOrPasswordIsStored() throws Exception {
        Api.Account account = Api.register();
        Api.Tokens first = Api.login(account);
        Api.Tokens second = Api.refresh(first.refreshToken());

        UUID sessionId = UUID.fromString(first.sessionId());
        List<Object> hashes = db.column("select token_hash from refresh_tokens where session_id = ? order by id", sessionId);
        assertEquals(2, hashes.size());
        assertArrayEquals(sha256(first.refreshToken()), (byte[]) hashes.get(0));
        assertArrayEquals(sha256(second.refreshToken()), (byte[]) hashes.get(1));

        // No column of any table holds a token or the password in clear text.
        String dump = (String) db.single("""
                select coalesce(string_agg(t::text, ' '), '') from (
                  select u::text as t from users u union all select s::text from sessions s
                  union all select r::text from refresh_tokens r union all select e::text from security_events e) all_rows""");
        for (String secret : List.of(first.refreshToken(), second.refreshToken(), account.password(),
                first.refreshToken().substring("gatehouse_rt_".length()), first.accessToken())) {
            assertFalse(dump.contains(secret), "a secret is stored in clear text");
        }
        String hash = (String) db.single("select password_hash from users where id = ?", UUID.fromString(account.id()));
        assertTrue(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash);
    }

    private static byte[] sha256(String token) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    }
}
