package dev.gatehouse.keys;

import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** docs/operations.md "The server secret": base64, at least 32 bytes, refused naming the property and never the value. */
class ServerSecretTest {

    @Test
    void aBase64SecretOfThirtyTwoBytesOrMoreIsAccepted() {
        byte[] secret = new byte[32];
        secret[0] = 7;
        assertArrayEquals(secret, ServerSecret.decode("gatehouse.secret", " " + Base64.getEncoder().encodeToString(secret) + "\n"));
    }

    @Test
    void aShortOrMalformedSecretIsRefusedNamingThePropertyNotTheValue() {
        String shortValue = Base64.getEncoder().encodeToString(new byte[31]);
        IllegalStateException tooShort = assertThrows(IllegalStateException.class, () -> ServerSecret.decode("gatehouse.secret", shortValue));
        assertEquals("gatehouse.secret must decode to at least 32 bytes, not 31 (generate one with 'openssl rand -base64 32')",
                tooShort.getMessage());
        String malformed = "s3cr3t-value-with-dashes-and-more-than-32-characters!";
        IllegalStateException notBase64 = assertThrows(IllegalStateException.class,
                () -> ServerSecret.decode("gatehouse.previous-secrets", malformed));
        assertEquals("gatehouse.previous-secrets is not valid base64 (generate one with 'openssl rand -base64 32')",
                notBase64.getMessage());
        assertFalse(notBase64.getMessage().contains("s3cr3t"));
    }
}
