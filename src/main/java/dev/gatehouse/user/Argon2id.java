package dev.gatehouse.user;

import org.bouncycastle.crypto.digests.Blake2bDigest;

import java.util.Arrays;

/**
 * Argon2id, version 0x13 (RFC 9106), over one flat {@code long[]} that is kept and reused from
 * hash to hash.
 *
 * <p>Why not Bouncy Castle's {@code Argon2BytesGenerator}: it allocates the whole memory as one
 * object per 1 KiB block for every hash (about 20,000 objects for 19 MiB), and in a server's heap
 * collecting that garbage, and copying the in-flight hashes' blocks at each young collection, cost
 * 50–100 % on top of the hash itself (README "Benchmark"). Blake2b, the only primitive Argon2 is
 * built on, still comes from Bouncy Castle; this class is the memory-filling part of RFC 9106 §3,
 * and {@code Argon2idTest} holds it to RFC 9106's test vector and to Bouncy Castle's output.
 *
 * <p>Not thread-safe: one instance is one hashing workspace ({@link Passwords} keeps one per core).
 */
final class Argon2id {

    private static final int BLOCK_LONGS = 128;      // 1 KiB blocks
    private static final int BLOCK_BYTES = BLOCK_LONGS * 8;
    private static final int SYNC_POINTS = 4;        // slices per pass
    private static final int VERSION = 0x13;
    private static final int TYPE_ID = 2;
    /** The largest memory a flat {@code long[]} can hold (16 GiB less a block). */
    private static final int MAX_MEMORY_KIB = Integer.MAX_VALUE / BLOCK_LONGS;
    private static final long[] ZERO = new long[BLOCK_LONGS];

    /** The memory, {@code BLOCK_LONGS} longs a block, lanes one after the other; grown on demand. */
    private long[] memory = new long[0];
    private final long[] r = new long[BLOCK_LONGS];
    private final long[] q = new long[BLOCK_LONGS];
    private final long[] input = new long[BLOCK_LONGS];
    private final long[] address = new long[BLOCK_LONGS];
    private final byte[] blockBytes = new byte[BLOCK_BYTES];

    private int lanes;
    private int laneLength;
    private int segmentLength;

    /** The memory this workspace keeps between hashes, in KiB. */
    int retainedKib() {
        return memory.length / BLOCK_LONGS;
    }

    /** True when no word of the memory is left set (after every hash). */
    boolean wiped() {
        for (long word : memory) {
            if (word != 0) {
                return false;
            }
        }
        return true;
    }

    /** Gives the memory back to the heap (after a hash larger than the configured one). */
    void release() {
        memory = new long[0];
    }

    /** RFC 9106 §3.1's ranges for the cost parameters, within what a flat {@code long[]} can hold. */
    static boolean validParameters(int memoryKib, int iterations, int parallelism) {
        return parallelism >= 1 && parallelism <= 0xFFFFFF && iterations >= 1
                && memoryKib >= 8 * parallelism && memoryKib <= MAX_MEMORY_KIB;
    }

    byte[] hash(byte[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int tagLength) {
        return hash(password, salt, new byte[0], new byte[0], memoryKib, iterations, parallelism, tagLength);
    }

    /** RFC 9106 §3.2, with the optional secret K and associated data X (its test vector uses both). */
    byte[] hash(byte[] password, byte[] salt, byte[] secret, byte[] associated,
                int memoryKib, int iterations, int parallelism, int tagLength) {
        if (!validParameters(memoryKib, iterations, parallelism) || tagLength < 4) {
            throw new IllegalArgumentException("Argon2id parameters out of range");
        }
        lanes = parallelism;
        segmentLength = memoryKib / (lanes * SYNC_POINTS);          // m' = 4p * floor(m / 4p)
        laneLength = segmentLength * SYNC_POINTS;
        int blocks = lanes * laneLength;
        if (memory.length < blocks * BLOCK_LONGS) {
            memory = ZERO; // let the old memory go before the new is taken: never both at once
            memory = new long[blocks * BLOCK_LONGS];
        }
        byte[] h0 = h0(password, salt, secret, associated, memoryKib, iterations, tagLength);
        try {
            firstBlocks(h0);
            for (int pass = 0; pass < iterations; pass++) {
                for (int slice = 0; slice < SYNC_POINTS; slice++) {
                    for (int lane = 0; lane < lanes; lane++) {
                        fillSegment(pass, slice, lane, blocks, iterations);
                    }
                }
            }
            // §3.2 step 7: C = B[0][q-1] XOR ... XOR B[p-1][q-1]; the tag is H'^T(C)
            System.arraycopy(memory, (laneLength - 1) * BLOCK_LONGS, r, 0, BLOCK_LONGS);
            for (int lane = 1; lane < lanes; lane++) {
                int offset = (lane * laneLength + laneLength - 1) * BLOCK_LONGS;
                for (int i = 0; i < BLOCK_LONGS; i++) {
                    r[i] ^= memory[offset + i];
                }
            }
            toBytes(r, 0, blockBytes);
            return hPrime(tagLength, blockBytes);
        } finally {
            // Like the reference implementation, leave nothing derived from the password behind.
            Arrays.fill(h0, (byte) 0);
            Arrays.fill(memory, 0, blocks * BLOCK_LONGS, 0L);
            Arrays.fill(r, 0L);
            Arrays.fill(q, 0L);
            Arrays.fill(blockBytes, (byte) 0);
        }
    }

    /** §3.2 step 1: H0 = H^(64)(LE32(p) || LE32(T) || LE32(m) || LE32(t) || LE32(v) || LE32(y) || P, S, K, X with lengths). */
    private byte[] h0(byte[] password, byte[] salt, byte[] secret, byte[] associated,
                      int memoryKib, int iterations, int tagLength) {
        Blake2bDigest digest = new Blake2bDigest(512);
        for (int value : new int[] {lanes, tagLength, memoryKib, iterations, VERSION, TYPE_ID}) {
            le32(digest, value);
        }
        for (byte[] field : new byte[][] {password, salt, secret, associated}) {
            le32(digest, field.length);
            digest.update(field, 0, field.length);
        }
        byte[] h0 = new byte[64];
        digest.doFinal(h0, 0);
        return h0;
    }

    /** §3.2 steps 3-4: B[i][0] = H'^(1024)(H0 || LE32(0) || LE32(i)), B[i][1] likewise with 1. */
    private void firstBlocks(byte[] h0) {
        byte[] seed = Arrays.copyOf(h0, 72);
        for (int lane = 0; lane < lanes; lane++) {
            for (int column = 0; column < 2; column++) {
                putLe32(seed, 64, column);
                putLe32(seed, 68, lane);
                byte[] block = hPrime(BLOCK_BYTES, seed);
                fromBytes(block, memory, (lane * laneLength + column) * BLOCK_LONGS);
                Arrays.fill(block, (byte) 0);
            }
        }
        Arrays.fill(seed, (byte) 0);
    }

    /** §3.2 steps 5-6 and §3.4 for one segment: which block each new block mixes in, then G. */
    private void fillSegment(int pass, int slice, int lane, int blocks, int iterations) {
        // §3.4.1.3: Argon2id addresses data-independently in the first half of the first pass
        boolean independent = pass == 0 && slice < SYNC_POINTS / 2;
        int start = pass == 0 && slice == 0 ? 2 : 0;
        if (independent) {
            Arrays.fill(input, 0L);
            input[0] = pass;
            input[1] = lane;
            input[2] = slice;
            input[3] = blocks;
            input[4] = iterations;
            input[5] = TYPE_ID;
            if (start == 2) {
                nextAddresses();
            }
        }
        int current = lane * laneLength + slice * segmentLength + start;
        int previous = current % laneLength == 0 ? current + laneLength - 1 : current - 1;
        for (int index = start; index < segmentLength; index++, current++, previous++) {
            if (current % laneLength == 1) {
                previous = current - 1;
            }
            long pseudoRandom;
            if (independent) {
                if (index % BLOCK_LONGS == 0) {
                    nextAddresses();
                }
                pseudoRandom = address[index % BLOCK_LONGS];
            } else {
                pseudoRandom = memory[previous * BLOCK_LONGS];
            }
            int refLane = pass == 0 && slice == 0 ? lane : (int) ((pseudoRandom >>> 32) % lanes);
            int refIndex = referenceIndex(pass, slice, index, pseudoRandom & 0xFFFFFFFFL, refLane == lane);
            // §3.2 step 6, version 0x13: later passes XOR the new block into the old one
            compress(memory, previous * BLOCK_LONGS, memory, (refLane * laneLength + refIndex) * BLOCK_LONGS,
                    memory, current * BLOCK_LONGS, pass > 0);
        }
    }

    /** §3.4.2: maps J1 onto the blocks this one may reference, biased towards the most recent. */
    private int referenceIndex(int pass, int slice, int index, long j1, boolean sameLane) {
        long areaSize;
        if (pass == 0) {
            if (slice == 0) {
                areaSize = index - 1;
            } else if (sameLane) {
                areaSize = (long) slice * segmentLength + index - 1;
            } else {
                areaSize = (long) slice * segmentLength + (index == 0 ? -1 : 0);
            }
        } else {
            areaSize = laneLength - segmentLength + (sameLane ? index - 1 : (index == 0 ? -1 : 0));
        }
        long x = (j1 * j1) >>> 32;
        long relative = areaSize - 1 - ((areaSize * x) >>> 32);
        long startPosition = pass == 0 || slice == SYNC_POINTS - 1 ? 0 : (long) (slice + 1) * segmentLength;
        return (int) ((startPosition + relative) % laneLength);
    }

    /** §3.4.1.2: the next 128 addresses, G(ZERO, G(ZERO, input)) with the counter in input[6] raised. */
    private void nextAddresses() {
        input[6]++;
        compress(ZERO, 0, input, 0, address, 0, false);
        compress(ZERO, 0, address, 0, address, 0, false);
    }

    /**
     * §3.5 G: out = P(X XOR Y) XOR (X XOR Y), or, with {@code xorInto}, that XORed into the old out.
     * The output may be one of the inputs.
     */
    private void compress(long[] x, int xOff, long[] y, int yOff, long[] out, int outOff, boolean xorInto) {
        for (int i = 0; i < BLOCK_LONGS; i++) {
            r[i] = x[xOff + i] ^ y[yOff + i];
        }
        System.arraycopy(r, 0, q, 0, BLOCK_LONGS);
        for (int row = 0; row < 8; row++) {
            permuteRow(q, 16 * row);
        }
        for (int column = 0; column < 8; column++) {
            permuteColumn(q, 2 * column);
        }
        if (xorInto) {
            for (int i = 0; i < BLOCK_LONGS; i++) {
                out[outOff + i] ^= q[i] ^ r[i];
            }
        } else {
            for (int i = 0; i < BLOCK_LONGS; i++) {
                out[outOff + i] = q[i] ^ r[i];
            }
        }
    }

    /*
     * §3.6 P: the Blake2b round without message words over 16 longs, GB's additions replaced by
     * BlaMka's a + b + 2 * lo32(a) * lo32(b): (v0, v4, v8, v12), (v1, v5, v9, v13), (v2, v6, v10, v14),
     * (v3, v7, v11, v15), then the diagonals (v0, v5, v10, v15), (v1, v6, v11, v12), (v2, v7, v8, v13),
     * (v3, v4, v9, v14). Written out with constant offsets, once for rows and once for columns, so
     * that the JIT checks each array's bounds once and has no call site to decide about (Bouncy
     * Castle's quarterRound call is sometimes left un-inlined: README "Benchmark"). 20-25 % faster
     * than the generic 16-index form on JDK 17 and 25 here.
     */
    /** P over row o / 16: longs o .. o + 15. */
    private static void permuteRow(long[] v, int o) {
        long a, b, c, d;
        a = v[o + 0]; b = v[o + 4]; c = v[o + 8]; d = v[o + 12];
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 32); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 24);
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 16); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 63);
        v[o + 0] = a; v[o + 4] = b; v[o + 8] = c; v[o + 12] = d;
        a = v[o + 1]; b = v[o + 5]; c = v[o + 9]; d = v[o + 13];
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 32); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 24);
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 16); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 63);
        v[o + 1] = a; v[o + 5] = b; v[o + 9] = c; v[o + 13] = d;
        a = v[o + 2]; b = v[o + 6]; c = v[o + 10]; d = v[o + 14];
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 32); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 24);
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 16); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 63);
        v[o + 2] = a; v[o + 6] = b; v[o + 10] = c; v[o + 14] = d;
        a = v[o + 3]; b = v[o + 7]; c = v[o + 11]; d = v[o + 15];
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 32); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 24);
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 16); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 63);
        v[o + 3] = a; v[o + 7] = b; v[o + 11] = c; v[o + 15] = d;
        a = v[o + 0]; b = v[o + 5]; c = v[o + 10]; d = v[o + 15];
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 32); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 24);
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 16); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 63);
        v[o + 0] = a; v[o + 5] = b; v[o + 10] = c; v[o + 15] = d;
        a = v[o + 1]; b = v[o + 6]; c = v[o + 11]; d = v[o + 12];
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 32); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 24);
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 16); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 63);
        v[o + 1] = a; v[o + 6] = b; v[o + 11] = c; v[o + 12] = d;
        a = v[o + 2]; b = v[o + 7]; c = v[o + 8]; d = v[o + 13];
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 32); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 24);
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 16); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 63);
        v[o + 2] = a; v[o + 7] = b; v[o + 8] = c; v[o + 13] = d;
        a = v[o + 3]; b = v[o + 4]; c = v[o + 9]; d = v[o + 14];
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 32); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 24);
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 16); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 63);
        v[o + 3] = a; v[o + 4] = b; v[o + 9] = c; v[o + 14] = d;
    }

    /** P over column o / 2: longs o, o + 1, o + 16, o + 17, ..., o + 112, o + 113. */
    private static void permuteColumn(long[] v, int o) {
        long a, b, c, d;
        a = v[o + 0]; b = v[o + 32]; c = v[o + 64]; d = v[o + 96];
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 32); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 24);
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 16); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 63);
        v[o + 0] = a; v[o + 32] = b; v[o + 64] = c; v[o + 96] = d;
        a = v[o + 1]; b = v[o + 33]; c = v[o + 65]; d = v[o + 97];
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 32); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 24);
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 16); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 63);
        v[o + 1] = a; v[o + 33] = b; v[o + 65] = c; v[o + 97] = d;
        a = v[o + 16]; b = v[o + 48]; c = v[o + 80]; d = v[o + 112];
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 32); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 24);
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 16); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 63);
        v[o + 16] = a; v[o + 48] = b; v[o + 80] = c; v[o + 112] = d;
        a = v[o + 17]; b = v[o + 49]; c = v[o + 81]; d = v[o + 113];
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 32); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 24);
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 16); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 63);
        v[o + 17] = a; v[o + 49] = b; v[o + 81] = c; v[o + 113] = d;
        a = v[o + 0]; b = v[o + 33]; c = v[o + 80]; d = v[o + 113];
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 32); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 24);
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 16); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 63);
        v[o + 0] = a; v[o + 33] = b; v[o + 80] = c; v[o + 113] = d;
        a = v[o + 1]; b = v[o + 48]; c = v[o + 81]; d = v[o + 96];
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 32); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 24);
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 16); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 63);
        v[o + 1] = a; v[o + 48] = b; v[o + 81] = c; v[o + 96] = d;
        a = v[o + 16]; b = v[o + 49]; c = v[o + 64]; d = v[o + 97];
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 32); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 24);
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 16); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 63);
        v[o + 16] = a; v[o + 49] = b; v[o + 64] = c; v[o + 97] = d;
        a = v[o + 17]; b = v[o + 32]; c = v[o + 65]; d = v[o + 112];
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 32); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 24);
        a = fBlaMka(a, b); d = Long.rotateRight(d ^ a, 16); c = fBlaMka(c, d); b = Long.rotateRight(b ^ c, 63);
        v[o + 17] = a; v[o + 32] = b; v[o + 65] = c; v[o + 112] = d;
    }

    private static long fBlaMka(long a, long b) {
        return a + b + 2 * (a & 0xFFFFFFFFL) * (b & 0xFFFFFFFFL);
    }

    /** §3.3 H'^T: variable-length Blake2b, chaining 64-byte digests and keeping 32 bytes of each. */
    private static byte[] hPrime(int length, byte[] in) {
        byte[] out = new byte[length];
        byte[] prefix = new byte[4];
        putLe32(prefix, 0, length);
        if (length <= 64) {
            Blake2bDigest digest = new Blake2bDigest(length * 8);
            digest.update(prefix, 0, 4);
            digest.update(in, 0, in.length);
            digest.doFinal(out, 0);
            return out;
        }
        int r = (length + 31) / 32 - 2;
        Blake2bDigest digest = new Blake2bDigest(512);
        byte[] v = new byte[64];
        digest.update(prefix, 0, 4);
        digest.update(in, 0, in.length);
        digest.doFinal(v, 0);
        System.arraycopy(v, 0, out, 0, 32);
        for (int i = 1; i < r; i++) {
            digest.update(v, 0, 64);
            digest.doFinal(v, 0);
            System.arraycopy(v, 0, out, 32 * i, 32);
        }
        int lastLength = length - 32 * r;
        Blake2bDigest last = new Blake2bDigest(lastLength * 8);
        last.update(v, 0, 64);
        last.doFinal(out, 32 * r);
        Arrays.fill(v, (byte) 0);
        return out;
    }

    private static void le32(Blake2bDigest digest, int value) {
        for (int b = 0; b < 4; b++) {
            digest.update((byte) (value >>> (8 * b)));
        }
    }

    private static void putLe32(byte[] into, int offset, int value) {
        for (int b = 0; b < 4; b++) {
            into[offset + b] = (byte) (value >>> (8 * b));
        }
    }

    private static void toBytes(long[] block, int offset, byte[] into) {
        for (int i = 0; i < BLOCK_LONGS; i++) {
            long value = block[offset + i];
            for (int b = 0; b < 8; b++) {
                into[i * 8 + b] = (byte) (value >>> (8 * b));
            }
        }
    }

    private static void fromBytes(byte[] from, long[] into, int offset) {
        for (int i = 0; i < BLOCK_LONGS; i++) {
            long value = 0;
            for (int b = 7; b >= 0; b--) {
                value = (value << 8) | (from[i * 8 + b] & 0xFF);
            }
            into[offset + i] = value;
        }
    }
}
