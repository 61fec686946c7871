package dev.gatehouse.user;

import dev.gatehouse.config.GatehouseConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * Argon2id password hashing (SPEC §6) in PHC string form, {@code $argon2id$v=19$m=..,t=..,p=..$salt$hash},
 * so that the parameters travel with each hash and can be raised later.
 */
@Singleton
public class Passwords {

    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    private final SecureRandom random = new SecureRandom();
    /**
     * Argon2id is memory-hard: more hashes at once than cores only thrash the caches and keep more
     * 19 MiB blocks alive for the GC (bench/run.sh, 8 parallel logins on 2 cores: 4.0x the floor's
     * CPU per login without this, 1.9x with it). Queued, they take the same wall time.
     */
    private final Semaphore hashing = new Semaphore(Runtime.getRuntime().availableProcessors(), true);
    /**
     * One {@link Argon2id} workspace per permit, each keeping its memory (19 MiB at the defaults)
     * from hash to hash: no per-hash garbage for the collector to copy and sweep.
     */
    private final ConcurrentLinkedQueue<Argon2id> workspaces = new ConcurrentLinkedQueue<>();
    private final Params current;
    /** Verified against when the email is unknown, so that both answers cost one Argon2id run. */
    private final String dummyHash;

    @Inject
    Passwords(GatehouseConfig config) {
        this(config.password().argon2().memoryKib(), config.password().argon2().iterations(),
                config.password().argon2().parallelism());
    }

    Passwords(int memoryKib, int iterations, int parallelism) {
        this.current = new Params(memoryKib, iterations, parallelism);
        // Random salt and random "hash": verifying against it costs one full Argon2id run and always
        // fails, and building it costs nothing at start (a real hash on a cold JVM takes seconds).
        byte[] salt = new byte[SALT_BYTES];
        byte[] hash = new byte[HASH_BYTES];
        random.nextBytes(salt);
        random.nextBytes(hash);
        this.dummyHash = phc(current, salt, hash);
    }

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return phc(current, salt, argon2(password, salt, current, HASH_BYTES));
    }

    private static String phc(Params params, byte[] salt, byte[] hash) {
        return "$argon2id$v=19$m=" + params.memoryKib + ",t=" + params.iterations + ",p=" + params.parallelism
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** Constant-time comparison; a hash that does not parse never verifies. */
    public boolean verify(String password, String phc) {
        Parsed parsed = Parsed.of(phc);
        if (parsed == null) {
            return false;
        }
        byte[] actual = argon2(password, parsed.salt, parsed.params, parsed.hash.length);
        return MessageDigest.isEqual(actual, parsed.hash);
    }

    /** Spends the same work as {@link #verify} on a hash that matches no password. */
    public void verifyDummy(String password) {
        verify(password, dummyHash);
    }

    /** True when the stored hash was made with other parameters than the configured ones (re-hash on login). */
    public boolean needsRehash(String phc) {
        Parsed parsed = Parsed.of(phc);
        return parsed == null || !parsed.params.equals(current);
    }

    private byte[] argon2(String password, byte[] salt, Params params, int length) {
        byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        hashing.acquireUninterruptibly();
        Argon2id workspace = workspaces.poll();
        try {
            if (workspace == null) {
                workspace = new Argon2id();
            }
            return workspace.hash(secret, salt, params.memoryKib, params.iterations, params.parallelism, length);
        } finally {
            Arrays.fill(secret, (byte) 0);
            if (workspace != null) {
                // an old hash with more memory than the configured one does not pin that memory
                if (workspace.retainedKib() > current.memoryKib) {
                    workspace.release();
                }
                workspaces.offer(workspace);
            }
            hashing.release();
        }
    }

    private record Params(int memoryKib, int iterations, int parallelism) {
    }

    private record Parsed(Params params, byte[] salt, byte[] hash) {
        static Parsed of(String phc) {
            if (phc == null) {
                return null;
            }
            // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
            String[] parts = phc.split("\\$");
            if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
                return null;
            }
            try {
                int m = -1, t = -1, p = -1;
                for (String kv : parts[3].split(",")) {
                    String[] pair = kv.split("=", 2);
                    int value = Integer.parseInt(pair[1]);
                    switch (pair[0]) {
                        case "m" -> m = value;
                        case "t" -> t = value;
                        case "p" -> p = value;
                        default -> {
                            return null;
                        }
                    }
                }
                // RFC 9106 §3.1: m >= 8p KiB; a tag of 4 bytes or more
                if (p < 1 || p > 0xFFFFFF || t < 1 || m < 8 * p || m > Argon2id.MAX_MEMORY_KIB) {
                    return null;
                }
                byte[] hash = B64D.decode(parts[5]);
                return hash.length < 4 ? null : new Parsed(new Params(m, t, p), B64D.decode(parts[4]), hash);
            } catch (RuntimeException e) {
                return null;
            }
        }
    }
}
