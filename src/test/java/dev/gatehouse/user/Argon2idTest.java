package dev.gatehouse.user;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Argon2idTest {

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    @Test
    void matchesTheTestVectorOfRfc9106() {
        // RFC 9106 §5.3: Argon2id, v=0x13, m=32 KiB, t=3, p=4, T=32, P=01*32, S=02*16, K=03*8, X=04*12
        byte[] tag = new Argon2id().hash(filled(32, 1), filled(16, 2), filled(8, 3), filled(12, 4), 32, 3, 4, 32);
        assertEquals("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659", HexFormat.of().formatHex(tag));
    }

    @Test
    void matchesBouncyCastleAcrossParametersWithOneReusedWorkspace() {
        Argon2id workspace = new Argon2id(); // reused on purpose: nothing of one hash may leak into the next
        Random random = new Random(9106);
        int[] tagLengths = {4, 5, 16, 31, 32, 33, 63, 64, 65, 97, 128, 129, 1024, 1025};
        for (int round = 0; round < 80; round++) {
            int lanes = 1 + random.nextInt(5);
            // some memories large enough for segments of more than 128 blocks (a second address block) with p > 1
            int memoryKib = 8 * lanes + random.nextInt(round % 4 == 0 ? 4000 : 300);
            int iterations = 1 + random.nextInt(3);
            int tagLength = tagLengths[random.nextInt(tagLengths.length)];
            byte[] password = new byte[random.nextInt(40)];
            byte[] salt = new byte[8 + random.nextInt(24)];
            byte[] secret = new byte[round % 3 == 0 ? random.nextInt(33) : 0];
            byte[] associated = new byte[round % 5 == 0 ? random.nextInt(33) : 0];
            random.nextBytes(password);
            random.nextBytes(salt);
            random.nextBytes(secret);
            random.nextBytes(associated);
            String what = "m=" + memoryKib + " t=" + iterations + " p=" + lanes + " T=" + tagLength;
            assertArrayEquals(bouncyCastle(password, salt, secret, associated, memoryKib, iterations, lanes, tagLength),
                    workspace.hash(password, salt, secret, associated, memoryKib, iterations, lanes, tagLength), what);
            assertTrue(workspace.wiped(), "the memory is wiped after " + what);
        }
    }

    @Test
    void matchesBouncyCastleAtTheDefaultAndThePeersParameters() {
        Argon2id workspace = new Argon2id();
        byte[] password = "correct horse battery staple".getBytes();
        byte[] salt = filled(16, 7);
        for (int[] p : new int[][] {{19456, 2, 1}, {7168, 5, 1}}) {
            assertArrayEquals(bouncyCastle(password, salt, new byte[0], new byte[0], p[0], p[1], p[2], 32),
                    workspace.hash(password, salt, p[0], p[1], p[2], 32));
        }
        assertEquals(19456, workspace.retainedKib(), "the largest memory stays for the next hash");
        workspace.release();
        assertEquals(0, workspace.retainedKib());
    }

    @Test
    void refusesParametersOutsideTheRfc() {
        Argon2id workspace = new Argon2id();
        byte[] salt = filled(16, 1);
        assertThrows(IllegalArgumentException.class, () -> workspace.hash(new byte[1], salt, 15, 1, 2, 32)); // m < 8p
        assertThrows(IllegalArgumentException.class, () -> workspace.hash(new byte[1], salt, 64, 0, 1, 32));
        assertThrows(IllegalArgumentException.class, () -> workspace.hash(new byte[1], salt, 64, 1, 0, 32));
        assertThrows(IllegalArgumentException.class, () -> workspace.hash(new byte[1], salt, 64, 1, 1, 3));
        assertThrows(IllegalArgumentException.class, () -> workspace.hash(new byte[1], salt, Integer.MAX_VALUE, 1, 1, 32));
    }

    private static byte[] bouncyCastle(byte[] password, byte[] salt, byte[] secret, byte[] associated,
                                       int memoryKib, int iterations, int lanes, int tagLength) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib).withIterations(iterations).withParallelism(lanes)
                .withSalt(salt).withSecret(secret).withAdditional(associated).build());
        byte[] out = new byte[tagLength];
        generator.generateBytes(password, out);
        return out;
    }
}
