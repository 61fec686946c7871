package dev.gatehouse.token;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/tokens.md "Refresh token format" and "Sealed successor", without a server. */
class RefreshTokenCodecTest {

    private final RefreshTokenCodec codec = new RefreshTokenCodec();

    @Test
    void tokensCarryGatehousesOwnPrefixNotGitHubs() {
        String token = codec.newToken();
        assertTrue(token.matches("gatehouse_rt_[A-Za-z0-9_-]{43}"), token);
        assertTrue(codec.looksValid(token));
        assertFalse(codec.looksValid("ghr_" + token.substring("gatehouse_rt_".length())), "GitHub's prefix is not ours");
        assertFalse(codec.looksValid(token + "A"));
        assertFalse(codec.looksValid(token.substring(0, token.length() - 1) + "="));
        assertFalse(codec.looksValid(null));
    }

    @Test
    void aSealOpensOnlyWithItsTokenAndSession() {
        String token = codec.newToken();
        String successor = codec.newToken();
        UUID sessionId = UUID.randomUUID();
        byte[] sealed = codec.seal(token, successor, sessionId);

        assertEquals(successor, codec.unseal(token, sessionId, sealed));
        assertNull(codec.unseal(successor, sessionId, sealed), "another token");
        assertNull(codec.unseal(codec.newToken(), sessionId, sealed), "another token");
        assertNull(codec.unseal(token, UUID.randomUUID(), sealed), "another session");
        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 1;
            assertNull(codec.unseal(token, sessionId, tampered), "byte " + i + " changed");
        }
        assertNull(codec.unseal(token, sessionId, Arrays.copyOf(sealed, sealed.length - 1)));
        assertNull(codec.unseal(token, sessionId, null));
    }

    @Test
    void everySealHasItsOwnNonceAndHoldsNoClearText() {
        String token = codec.newToken();
        String successor = codec.newToken();
        UUID sessionId = UUID.randomUUID();
        byte[] one = codec.seal(token, successor, sessionId);
        byte[] two = codec.seal(token, successor, sessionId);
        assertFalse(Arrays.equals(Arrays.copyOfRange(one, 1, 13), Arrays.copyOfRange(two, 1, 13)));
        assertFalse(Arrays.equals(one, two));
        byte[] plain = java.util.Base64.getUrlDecoder().decode(successor.substring("gatehouse_rt_".length()));
        assertFalse(Arrays.equals(Arrays.copyOfRange(one, 13, 45), plain));
    }
}
