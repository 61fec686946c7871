package dev.gatehouse.user;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
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
        for (String bad : new String[]{null, "", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA",
                "$argon2id$v=19$m=x,t=2,p=1$c2FsdHNhbHQ$aGFzaA", "$argon2id$v=19$m=19456,t=2,p=1$!!$aGFzaA",
                "$argon2id$v=16$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA", "$argon2id$v=19$m=1,t=0,p=1$c2FsdHNhbHQ$aGFzaA",
                "$argon2id$v=19$m=15,t=1,p=2$c2FsdHNhbHQ$aGFzaA", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
                "$argon2id$v=19$m=64,t=1,p=16777216$c2FsdHNhbHQ$aGFzaA", "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGE",
                "$argon2id$v=19$m=+64,t=1,p=1$c2FsdHNhbHQ$aGFzaA", "$argon2id$v=19$m=064,t=1,p=1$c2FsdHNhbHQ$aGFzaA",
                "$argon2id$v=19$m=64,m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA", "$argon2id$v=19$m=64,t=1,p=1,$c2FsdHNhbHQ$aGFzaA",
                "$argon2id$v=19$t=1,m=64,p=1$c2FsdHNhbHQ$aGFzaA", "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA",
                "$argon2id$v=19$m=99999999999,t=1,p=1$c2FsdHNhbHQ$aGFzaA"}) {
            assertFalse(passwords.verify("anything at all", bad), String.valueOf(bad));
            assertTrue(passwords.needsRehash(bad));
        }
    }

    @Test
    void hashesMadeByBouncyCastleStillVerify() {
        // the hashes stored before Gatehouse had its own Argon2id came from Bouncy Castle's generator
        byte[] salt = "sixteen byte slt".getBytes(StandardCharsets.US_ASCII);
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(19456).withIterations(2).withParallelism(1).withSalt(salt).build());
        byte[] hash = new byte[32];
        generator.generateBytes("correct horse battery".getBytes(StandardCharsets.UTF_8), hash);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        String phc = "$argon2id$v=19$m=19456,t=2,p=1$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
        assertTrue(passwords.verify("correct horse battery", phc));
        assertFalse(passwords.verify("correct horse battery!", phc));
        assertFalse(passwords.needsRehash(phc));
    }

    @Test
    void parallelHashesShareTheWorkspacesWithoutMixingThemUp() throws Exception {
        Passwords small = new Passwords(64, 2, 1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                String password = "password number " + i;
                boolean right = i % 3 != 0;
                Passwords passwordsOfThisCall = i % 20 == 0 ? passwords : small; // some with a larger memory in between
                results.add(pool.submit(() ->
                        passwordsOfThisCall.verify(right ? password : password + "x", passwordsOfThisCall.hash(password)) == right));
            }
            int correct = 0;
            for (Future<Boolean> result : results) {
                correct += result.get() ? 1 : 0;
            }
            assertEquals(results.size(), correct);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theRightPasswordDoesNotVerifyAgainstALooselyWrittenOrShortSaltedHash() {
        String phc = passwords.hash("correct horse battery");
        assertTrue(passwords.verify("correct horse battery", phc));
        // the same salt and tag, only the parameters written another way: refused, and re-hashed on login
        for (String loose : new String[] {"m=019456,t=2,p=1", "m=19456,t=2,p=1,", "m=+19456,t=2,p=1", "t=2,m=19456,p=1"}) {
            String variant = phc.replace("m=19456,t=2,p=1", loose);
            assertFalse(passwords.verify("correct horse battery", variant), variant);
            assertTrue(passwords.needsRehash(variant), variant);
        }
        // a correct hash over a 4-byte salt (RFC 9106 §3.1 asks for 8 or more)
        byte[] salt = "salt".getBytes(StandardCharsets.US_ASCII);
        byte[] tag = new Argon2id().hash("correct horse battery".getBytes(StandardCharsets.UTF_8), salt, 19456, 2, 1, 32);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        assertFalse(passwords.verify("correct horse battery",
                "$argon2id$v=19$m=19456,t=2,p=1$" + b64.encodeToString(salt) + "$" + b64.encodeToString(tag)));
    }

    @Test
    void aStoredHashBeyondTheBudgetNeverVerifiesAndCostsNothing() {
        // 17 GiB would end the JVM with an OutOfMemoryError, 2^31 passes would hold a core for days
        String salt = "c2FsdHNhbHQ", tag = "aGFzaGhhc2hoYXNoaGFzaA";
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertFalse(passwords.verify("x", "$argon2id$v=19$m=16777215,t=1,p=1$" + salt + "$" + tag));
            assertFalse(passwords.verify("x", "$argon2id$v=19$m=262145,t=1,p=1$" + salt + "$" + tag));
            assertFalse(passwords.verify("x", "$argon2id$v=19$m=19456,t=2147483647,p=1$" + salt + "$" + tag));
            assertFalse(passwords.verify("x", "$argon2id$v=19$m=19456,t=17,p=1$" + salt + "$" + tag));
            assertFalse(passwords.verify("x", "$argon2id$v=19$m=19456,t=2,p=65$" + salt + "$" + tag));
        });
        assertTrue(passwords.needsRehash("$argon2id$v=19$m=262145,t=1,p=1$" + salt + "$" + tag));
    }

    @Test
    void parametersOutsideTheRfcStopTheStart() {
        assertThrows(IllegalArgumentException.class, () -> new Passwords(4, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Passwords(15, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> new Passwords(64, 0, 1));
    }

    @Test
    void aWorkspaceKeepsNoMoreMemoryThanTheConfiguredHash() {
        Passwords small = new Passwords(64, 1, 1);
        String larger = new Passwords(8192, 1, 1).hash("correct horse battery");
        assertTrue(small.verify("correct horse battery", larger));
        assertEquals(0, small.pooledKib(), "the 8 MiB of an older, larger hash are given back");
        small.hash("x");
        assertEquals(64, small.pooledKib(), "the configured size stays for the next hash");
    }
}
