package dev.gatehouse.token;

import dev.gatehouse.support.TestKeys;
import dev.gatehouse.keys.SigningKeys;
import dev.gatehouse.support.Api.Tokens;
import dev.gatehouse.support.Db;
import dev.gatehouse.support.Parallel;
import dev.gatehouse.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static dev.gatehouse.support.Api.login;
import static dev.gatehouse.support.Api.me;
import static dev.gatehouse.support.Api.refresh;
import static dev.gatehouse.support.Api.refreshResponse;
import static dev.gatehouse.support.Api.register;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * docs/tokens.md "Sealed successor": successors are random, a retry inside the reuse window opens
 * the one sealed on the rotated row with the token it presents, and neither the database nor the
 * server's secrets yield a live token (the review's finding: a deterministic chain).
 */
@QuarkusTest
class SealedSuccessorTest {

    private static final String PREFIX = "gatehouse_rt_";

    @Inject
    Db db;
    @Inject
    TestClock clock;
    @Inject
    SigningKeys keys;
    @ConfigProperty(name = "gatehouse.secret")
    String serverSecret;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void theSuccessorIsNotAFunctionOfTheToken() {
        Tokens first = login(register());
        String successor = refresh(first.refreshToken()).refreshToken();
        // Put the database back as it was before the rotation, and rotate the same token again.
        db.update("delete from refresh_tokens where token_hash = ?", (Object) sha256(successor));
        db.update("update refresh_tokens set rotated_at = null, successor_hash = null, successor_sealed = null"
                + " where token_hash = ?", (Object) sha256(first.refreshToken()));
        String again = refresh(first.refreshToken()).refreshToken();
        assertNotEquals(successor, again, "the same token, the same server and database state: another successor");
    }

    @Test
    void neitherTheDatabaseNorTheServersSecretsYieldTheSuccessor() throws Exception {
        Tokens first = login(register());
        String token = first.refreshToken();
        String successor = refresh(token).refreshToken();

        String dump = (String) db.single("""
                select coalesce(string_agg(t::text, ' '), '') from (
                  select s::text as t from sessions s union all select r::text from refresh_tokens r) all_rows""");
        byte[] successorBytes = Base64.getUrlDecoder().decode(successor.substring(PREFIX.length()));
        assertFalse(dump.contains(successor.substring(PREFIX.length())), "the successor is stored in clear");
        assertFalse(dump.contains(hex(successorBytes)), "the successor's bytes are stored in clear");

        // Every secret the server holds, and the derivations the review used with them: none gives T'.
        byte[] pkcs8 = keys.current().privateKey().getEncoded();
        byte[] secret = Base64.getDecoder().decode(serverSecret.strip());
        byte[] oldInfo = "gatehouse refresh-token successor v1".getBytes(StandardCharsets.US_ASCII);
        for (byte[] key : List.of(secret, pkcs8, TestKeys.hkdfSha256(pkcs8, oldInfo), TestKeys.hkdfSha256(secret, oldInfo))) {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            assertFalse(Arrays.equals(successorBytes, mac.doFinal(token.getBytes(StandardCharsets.UTF_8))));
        }
    }

    @Test
    void theSealOpensWithTheRotatedTokenOnlyAndEachHasItsOwnNonce() throws Exception {
        Tokens first = login(register());
        Tokens other = login(register());
        String successor = refresh(first.refreshToken()).refreshToken();
        refresh(other.refreshToken());
        byte[] sealed = sealedOn(first.refreshToken());
        byte[] otherSealed = sealedOn(other.refreshToken());

        // version 2, a 96-bit nonce, 32 bytes of ciphertext and a 128-bit tag
        assertEquals(1 + 12 + 32 + 16, sealed.length);
        assertEquals(2, sealed[0]);
        assertFalse(Arrays.equals(Arrays.copyOfRange(sealed, 1, 13), Arrays.copyOfRange(otherSealed, 1, 13)), "a nonce per seal");

        // Opened here as docs/tokens.md describes it, independently of the service's code.
        UUID sessionId = UUID.fromString(first.sessionId());
        assertEquals(successor, open(sealed, first.refreshToken(), sessionId));
        assertThrows(AEADBadTagException.class, () -> open(sealed, successor, sessionId), "another token");
        assertThrows(AEADBadTagException.class, () -> open(sealed, first.refreshToken(), UUID.fromString(other.sessionId())),
                "another session");
        assertThrows(AEADBadTagException.class, () -> open(otherSealed, first.refreshToken(), sessionId), "another row's seal");
    }

    @Test
    void rotatingTheSuccessorErasesTheSealOnThePredecessorsRow() {
        Tokens first = login(register());
        Tokens second = refresh(first.refreshToken());
        assertNotNull(sealedOn(first.refreshToken()));
        refresh(second.refreshToken());
        assertNull(sealedOn(first.refreshToken()), "an old token never unseals a live one");
        assertNotNull(sealedOn(second.refreshToken()), "the newest rotated row holds its successor until it is used");
    }

    @Test
    void aRetryAfterTheSuccessorWasUsedIsAReplayEvenInsideTheWindow() {
        Tokens first = login(register());
        Tokens second = refresh(first.refreshToken());
        Tokens third = refresh(second.refreshToken());
        clock.advance(Duration.ofSeconds(5));
        refreshResponse(first.refreshToken()).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
        UUID sessionId = UUID.fromString(first.sessionId());
        assertEquals("replay_detected", db.single("select revoke_reason from sessions where id = ?", sessionId));
        assertEquals("true", db.single("select details->>'successorUsed' from security_events where session_id = ?"
                + " and kind = 'replay_detected'", sessionId));
        refreshResponse(third.refreshToken()).then().statusCode(401);
    }

    @Test
    void aRetryInsideTheWindowOnARowWithNothingSealedIsRefusedAndRevokesNothing() {
        Tokens first = login(register());
        Tokens second = refresh(first.refreshToken());
        // a row rotated before sealed successors existed
        db.update("update refresh_tokens set successor_sealed = null where token_hash = ?", (Object) sha256(first.refreshToken()));
        clock.advance(Duration.ofSeconds(5));
        refreshResponse(first.refreshToken()).then().statusCode(401).body("code", equalTo("invalid_refresh_token"));
        UUID sessionId = UUID.fromString(first.sessionId());
        assertNull(db.single("select revoked_at from sessions where id = ?", sessionId));
        assertEquals(0L, db.count("select count(*) from security_events where session_id = ?", sessionId));
        me(refresh(second.refreshToken()).accessToken()).then().statusCode(200);
    }

    @Test
    void aSealThatDoesNotOpenWithThePresentedTokenIsRefusedAndRevokesNothing() {
        Tokens victim = login(register());
        Tokens mine = login(register());
        refresh(victim.refreshToken());
        refresh(mine.refreshToken());
        // a seal moved from another row (another token, another session) opens nowhere else
        db.update("update refresh_tokens set successor_sealed = (select successor_sealed from refresh_tokens where token_hash = ?)"
                + " where token_hash = ?", sha256(victim.refreshToken()), sha256(mine.refreshToken()));
        refreshResponse(mine.refreshToken()).then().statusCode(401);
        assertNull(db.single("select revoked_at from sessions where id = ?", UUID.fromString(mine.sessionId())));
    }

    @Test
    void parallelRetriesAllGetTheOneSealedSuccessorAndItStaysUsable() throws Exception {
        Tokens first = login(register());
        List<Response> responses = Parallel.run(12, i -> refreshResponse(first.refreshToken()));
        Set<String> successors = new HashSet<>();
        for (Response response : responses) {
            assertEquals(200, response.statusCode(), response.asString());
            successors.add(response.path("refreshToken"));
        }
        assertEquals(1, successors.size());
        String successor = successors.iterator().next();
        assertArrayEquals(sha256(successor), (byte[]) db.single("select successor_hash from refresh_tokens where token_hash = ?",
                (Object) sha256(first.refreshToken())));
        me(refresh(successor).accessToken()).then().statusCode(200);
    }

    private byte[] sealedOn(String token) {
        return (byte[]) db.single("select successor_sealed from refresh_tokens where token_hash = ?", (Object) sha256(token));
    }

    /** AES-256-GCM, key = HKDF-SHA256(token, empty salt, "gatehouse successor v2"), AAD = sid (16 bytes) ‖ SHA-256(token). */
    private static String open(byte[] sealed, String token, UUID sessionId) throws Exception {
        byte[] key = TestKeys.hkdfSha256(token.getBytes(StandardCharsets.UTF_8), "gatehouse successor v2".getBytes(StandardCharsets.US_ASCII));
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, sealed, 1, 12));
        cipher.updateAAD(ByteBuffer.allocate(48).putLong(sessionId.getMostSignificantBits())
                .putLong(sessionId.getLeastSignificantBits()).put(sha256(token)).array());
        byte[] plain = cipher.doFinal(sealed, 13, sealed.length - 13);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(plain);
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (byte b : bytes) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }
}
