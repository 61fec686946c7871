package dev.gatehouse.user;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordsTest {

    private final Passwords passwords = new Passwords(19456, 2, 1);

    @Test
    void hashesAreSaltedPhcStringsThatVerifyOnlyTheirPassword() {
        String first = passwords.hash("correct horse battery");
        String second = passwords.hash("correct horse battery");
        assertTrue(first.matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), first);
        assertNotEquals(first, second, "a fresh salt each time");
        assertTrue(passwords.verify("correct horse battery", first));
        assertFalse(passwords.verify("correct horse batterY", first));
        assertFalse(passwords.verify("", first));
    }

    @Test
    void parametersTravelWithTheHash() {
        String weak = new Passwords(8192, 1, 1).hash("correct horse battery");
        assertTrue(weak.contains("$m=8192,t=1,p=1$"));
        assertTrue(passwords.verify("correct horse battery", weak), "an old hash still verifies");
        assertTrue(passwords.needsRehash(weak));
        assertFalse(passwords.needsRehash(passwords.hash("x")));
    }

    @Test
    void aMalformedHashNeverVerifies() {
        for (String bad : new String[]{null, "", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
                "$argon2id$v=19$m=x,t=2,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=19456,t=2,p=1$!!$aGFzaA",
                "$argon2id$v=16$m=19456,t=2,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=1,t=0,p=1$c2FsdA$aGFzaA"}) {
            assertFalse(passwords.verify("anything at all", bad), String.valueOf(bad));
            assertTrue(passwords.needsRehash(bad));
        }
    }
}
