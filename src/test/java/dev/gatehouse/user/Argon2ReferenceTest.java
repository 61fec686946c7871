package dev.gatehouse.user;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Gatehouse's own Argon2id held to the reference implementation, libargon2, through its command
 * (Debian's {@code argon2} package, which .ci/run installs), in both directions, over random
 * parameters within what the command takes: passwords of 1 to 127 bytes, salts of printable
 * characters, 1 to 64 lanes, memory not a multiple of 4 lanes, tags of 4 to 1,024 bytes.
 */
class Argon2ReferenceTest {

    private static final String SALT_CHARACTERS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#%&()*+,-./:;<=>?@[]^_{|}~";
    private static final long SEED = System.nanoTime();

    @BeforeAll
    static void needsTheReferenceCommand() {
        boolean installed = List.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "argon2")));
        assumeTrue(installed, "the argon2 command is not installed (Debian/Ubuntu: apt-get install argon2); "
                + "the differential test against the reference Argon2id is skipped");
    }

    @Test
    void ourTagsAreTheReferencesOverRandomParameters() throws Exception {
        Random random = new Random(SEED);
        Argon2id ours = new Argon2id(); // one workspace for every case, as Passwords reuses them
        for (int i = 0; i < 120; i++) {
            int lanes = i % 10 == 0 ? 1 + random.nextInt(64) : 1 + random.nextInt(6);
            int memoryKib = 8 * lanes + random.nextInt(i % 7 == 0 ? 8192 : 1024);
            int passes = 1 + random.nextInt(3);
            int tagLength = i % 9 == 0 ? 4 + random.nextInt(1021) : 4 + random.nextInt(61);
            byte[] password = new byte[1 + random.nextInt(127)];
            random.nextBytes(password);
            String salt = salt(random);
            String reference = argon2(password, salt, memoryKib, passes, lanes, tagLength, "-r");
            String tag = HexFormat.of().formatHex(
                    ours.hash(password, salt.getBytes(StandardCharsets.US_ASCII), memoryKib, passes, lanes, tagLength));
            int index = i;
            assertEquals(reference, tag, () -> "case " + index + " of seed " + SEED + ": m=" + memoryKib + " t=" + passes
                    + " p=" + lanes + " tag " + tagLength + " password " + password.length + " bytes, salt " + salt);
        }
    }

    @Test
    void oursVerifiesTheReferencesEncodingsAndTheReferenceWritesOurs() throws Exception {
        Random random = new Random(SEED + 1);
        String[] passwords = {"correct horse battery", "pässwörd mit ümläuten", "密码密码密码密码密码", "🔑🔑 emoji key 🔑🔑",
                "a", "x".repeat(127)};
        for (int i = 0; i < 24; i++) {
            String password = passwords[i % passwords.length];
            int lanes = 1 + random.nextInt(4);
            int memoryKib = 8 * lanes + random.nextInt(2048);
            int passes = 1 + random.nextInt(3);
            Passwords verifier = new Passwords(memoryKib, passes, lanes);
            String salt = salt(random);
            String encoded = argon2(password.getBytes(StandardCharsets.UTF_8), salt, memoryKib, passes, lanes, 32, "-e");
            assertTrue(verifier.verify(password, encoded), () -> "seed " + SEED + ": " + encoded);
            assertFalse(verifier.verify(password + " ", encoded));
            assertFalse(verifier.needsRehash(encoded), "the reference's encoding is exactly ours");

            byte[] tag = new Argon2id().hash(password.getBytes(StandardCharsets.UTF_8), salt.getBytes(StandardCharsets.US_ASCII),
                    memoryKib, passes, lanes, 32);
            java.util.Base64.Encoder b64 = java.util.Base64.getEncoder().withoutPadding();
            String ourEncoding = "$argon2id$v=19$m=" + memoryKib + ",t=" + passes + ",p=" + lanes + "$"
                    + b64.encodeToString(salt.getBytes(StandardCharsets.US_ASCII)) + "$" + b64.encodeToString(tag);
            assertEquals(encoded, ourEncoding, "the reference writes, byte for byte, what we write");
        }
    }

    private static String salt(Random random) {
        StringBuilder salt = new StringBuilder();
        for (int n = 8 + random.nextInt(40); n > 0; n--) {
            salt.append(SALT_CHARACTERS.charAt(random.nextInt(SALT_CHARACTERS.length())));
        }
        return salt.toString();
    }

    /** Runs the reference command: the password on its standard input, the result on its output. */
    private static String argon2(byte[] password, String salt, int memoryKib, int passes, int lanes, int tagLength,
                                 String output) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("argon2", salt, "-id", "-t", String.valueOf(passes), "-k",
                String.valueOf(memoryKib), "-p", String.valueOf(lanes), "-l", String.valueOf(tagLength), output)
                .redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(password);
        }
        String result = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "argon2 did not finish");
        assertEquals(0, process.exitValue(), () -> "argon2 failed: " + result);
        return result;
    }
}
