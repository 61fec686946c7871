package dev.gatehouse.user;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import dev.gatehouse.config.GatehouseConfig.Password.Argon2.Implementation;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    private static final long MIB = 1024 * 1024;
    private static final Implementation OURS = Implementation.GATEHOUSE;

    @Test
    void configuredParametersBeyondTheHeapStopTheStartNamingTheProperty() {
        // one 19 MiB hash must fit in half the heap: 32 MiB is too little
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Passwords(19456, 2, 1, OURS, 32 * MIB, 2));
        assertTrue(e.getMessage().contains("gatehouse.password.argon2.memory-kib"), e.getMessage());
        // 16 cores and a 48 MiB heap: fewer hashes at once instead of a refusal
        Passwords narrow = new Passwords(19456, 2, 1, OURS, 48 * MIB, 16);
        assertTrue(narrow.verify("correct horse battery", narrow.hash("correct horse battery")));
    }

    @Test
    void aStoredHashBeyondTheHeapsShareNeverRunsAndCostsWhatAFailedLoginCosts() {
        // the review's hash: 256 MiB in one pass, against the 384 MiB heap of a 512 MB container on 2 cores
        Passwords small = new Passwords(19456, 2, 1, OURS, 384 * MIB, 2);
        String huge = forged(262144, 1, 1);
        long before = small.workKib();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertFalse(small.verify("anything", huge)));
        assertEquals(19456L * 2, small.workKib() - before, "refused, and answered after the dummy's work only");
        // within the share (96 MiB each) it runs
        String fits = new Passwords(65536, 1, 1, OURS, 512 * MIB, 2).hash("correct horse battery");
        assertTrue(small.verify("correct horse battery", fits));
    }

    @Test
    void memoryTimesPassesIsBounded() {
        Passwords roomy = new Passwords(19456, 2, 1, OURS, 16384 * MIB, 2);
        long before = roomy.workKib();
        // 128 MiB x 9 passes: each within its own limit, together over 1 GiB of passes
        assertFalse(roomy.verify("anything", forged(131072, 9, 1)));
        assertEquals(19456L * 2, roomy.workKib() - before, "not run: only the dummy's work");
    }

    @Test
    void oversizedSaltsAndTagsAreRefused() {
        String base = passwords.hash("correct horse battery");
        String[] fields = base.split("\\$");
        String longTag = Base64.getEncoder().withoutPadding().encodeToString(new byte[1025]);
        assertFalse(passwords.verify("correct horse battery",
                "$argon2id$v=19$m=19456,t=2,p=1$" + fields[4] + "$" + longTag));
    }

    @Test
    void parsesAsStrictlyAsTheReference() {
        String good = passwords.hash("correct horse battery");
        assertTrue(passwords.verify("correct horse battery", good));
        String[] fields = good.split("\\$");
        String salt = fields[4];
        String tag = fields[5];
        String params = "$argon2id$v=19$m=19456,t=2,p=1$";
        // the last character of a 32-byte tag carries 2 unused bits: flipping one gives the same bytes
        char last = tag.charAt(tag.length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        String nonCanonical = tag.substring(0, tag.length() - 1) + alphabet.charAt(alphabet.indexOf(last) ^ 1);
        assertArrayEquals(Base64.getDecoder().decode(tag), Base64.getDecoder().decode(nonCanonical),
                "the JDK's decoder reads both alike");
        for (String loose : new String[] {
                params + salt + "==$" + tag,                  // padding on the salt
                params + salt + "$" + tag + "=",              // padding on the tag
                params + salt + "$" + nonCanonical,           // unused bits set
                good + "$",                                   // a trailing separator
                "x" + good,                                   // text before the first separator
                " " + good,
                params + salt + "$" + tag + "$extra"}) {     // a field too many
            assertFalse(passwords.verify("correct horse battery", loose), loose);
        }
    }

    @Test
    void aFailedLoginCostsTheSameWhetherTheEmailIsUnknownOrItsHashIsOlderAndCheaper() {
        Passwords passwords = new Passwords(19456, 2, 1);
        String old = new Passwords(8192, 1, 1).hash("correct horse battery");
        long start = passwords.workKib();
        passwords.verifyDummy("a wrong password");
        long unknown = passwords.workKib() - start;
        start = passwords.workKib();
        assertFalse(passwords.verify("a wrong password", old));
        long knownWithOldHash = passwords.workKib() - start;
        assertEquals(19456L * 2, unknown);
        assertEquals(unknown, knownWithOldHash, "padded up to the most expensive parameters in use");

        // a costlier stored hash, or a login with one, does not change what a failed login costs...
        String costlier = new Passwords(32768, 2, 1).hash("correct horse battery");
        assertTrue(passwords.verify("correct horse battery", costlier));
        start = passwords.workKib();
        passwords.verifyDummy("a wrong password");
        assertEquals(19456L * 2, passwords.workKib() - start);
        // ...the parameters in use, read at start, do, up to 4 times the configured work
        passwords.considerInUse("m=32768,t=2,p=1");
        passwords.considerInUse("m=262144,t=4,p=1");
        passwords.considerInUse("m=oops");
        start = passwords.workKib();
        passwords.verifyDummy("a wrong password");
        assertEquals(32768L * 2, passwords.workKib() - start);
        start = passwords.workKib();
        assertFalse(passwords.verify("a wrong password", old));
        assertEquals(32768L * 2, passwords.workKib() - start);
    }

    @Test
    void bouncyCastlesGeneratorAndOursAreInterchangeable() {
        Passwords theirs = new Passwords(8192, 2, 2, Implementation.BOUNCY_CASTLE, 512 * MIB, 2);
        Passwords ours = new Passwords(8192, 2, 2, OURS, 512 * MIB, 2);
        String byTheirs = theirs.hash("correct horse battery");
        String byOurs = ours.hash("correct horse battery");
        assertTrue(ours.verify("correct horse battery", byTheirs));
        assertTrue(theirs.verify("correct horse battery", byOurs));
        assertFalse(theirs.verify("correct horse batterY", byOurs));
    }

    /** A well-formed PHC string with these parameters and a random tag. */
    private static String forged(int m, int t, int p) {
        return "$argon2id$v=19$m=" + m + ",t=" + t + ",p=" + p + "$c2FsdHNhbHRzYWx0c2FsdA$"
                + "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
    }
}
