package dev.gatehouse.user;

import dev.gatehouse.config.GatehouseConfig;
import io.quarkus.runtime.Startup;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2id password hashing (docs/threat-model.md "Password hashing") in PHC string form,
 * {@code $argon2id$v=19$m=..,t=..,p=..$salt$hash}, so that the parameters travel with each hash and
 * can be raised later.
 */
@Singleton
@Startup // parameters outside RFC 9106 must stop the start, not the first login
public class Passwords {

    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final Pattern PARAMS = Pattern.compile("m=([1-9][0-9]{0,9}),t=([1-9][0-9]{0,9}),p=([1-9][0-9]{0,9})");
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    private final SecureRandom random = new SecureRandom();
    /**
     * Argon2id is memory-hard: more hashes at once than cores only thrash the caches and need more
     * workspaces of 19 MiB (bench/run.sh, 8 parallel logins on 2 cores: 4.0x the floor's CPU per
     * login without this, 1.9x with it). Queued, they take the same wall time.
     */
    private final Semaphore hashing = new Semaphore(Runtime.getRuntime().availableProcessors(), true);
    /**
     * One {@link Argon2id} workspace per permit, each keeping its memory (19 MiB at the defaults)
     * from hash to hash: no per-hash garbage for the collector to copy and sweep.
     */
    private final ConcurrentLinkedQueue<Argon2id> workspaces = new ConcurrentLinkedQueue<>();
    /**
     * The most a stored hash may ask for: the configured parameters or 256 MiB, 16 passes and 64
     * lanes, whichever is more. A hash beyond it (imported, or written into the database by an
     * attacker) never verifies, instead of taking the heap or a hashing slot for hours.
     */
    private static final int MAX_STORED_MEMORY_KIB = 262144;
    private static final int MAX_STORED_ITERATIONS = 16;
    private static final int MAX_STORED_PARALLELISM = 64;
    private final Params budget;
    private final Params current;
    /** Verified against when the email is unknown, so that both answers cost one Argon2id run. */
    private final String dummyHash;

    @Inject
    Passwords(GatehouseConfig config) {
        this(config.password().argon2().memoryKib(), config.password().argon2().iterations(),
                config.password().argon2().parallelism());
    }

    Passwords(int memoryKib, int iterations, int parallelism) {
        if (!Argon2id.validParameters(memoryKib, iterations, parallelism)) {
            throw new IllegalArgumentException("gatehouse.password.argon2.memory-kib must be at least 8 x "
                    + "gatehouse.password.argon2.parallelism, and iterations and parallelism at least 1");
        }
        this.current = new Params(memoryKib, iterations, parallelism);
        this.budget = new Params(Math.max(memoryKib, MAX_STORED_MEMORY_KIB), Math.max(iterations, MAX_STORED_ITERATIONS),
                Math.max(parallelism, MAX_STORED_PARALLELISM));
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
        if (parsed == null || !parsed.params.within(budget)) {
            return false;
        }
        byte[] actual = argon2(password, parsed.salt, parsed.params, parsed.hash.length);
        try {
            return MessageDigest.isEqual(actual, parsed.hash);
        } finally {
            Arrays.fill(actual, (byte) 0);
        }
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

    /** The memory the idle workspaces keep, in KiB (tests). */
    int pooledKib() {
        return workspaces.stream().mapToInt(Argon2id::retainedKib).sum();
    }

    private record Params(int memoryKib, int iterations, int parallelism) {
        boolean within(Params limit) {
            return memoryKib <= limit.memoryKib && iterations <= limit.iterations && parallelism <= limit.parallelism;
        }
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
            // exactly "m=<digits>,t=<digits>,p=<digits>", no sign, no leading zero, nothing else
            Matcher params = PARAMS.matcher(parts[3]);
            if (!params.matches()) {
                return null;
            }
            try {
                int m = Integer.parseInt(params.group(1));
                int t = Integer.parseInt(params.group(2));
                int p = Integer.parseInt(params.group(3));
                // RFC 9106 §3.1: the cost ranges, a salt of 8 bytes or more, a tag of 4 bytes or more
                if (!Argon2id.validParameters(m, t, p)) {
                    return null;
                }
                byte[] salt = B64D.decode(parts[4]);
                byte[] hash = B64D.decode(parts[5]);
                return salt.length < 8 || hash.length < 4 ? null : new Parsed(new Params(m, t, p), salt, hash);
            } catch (RuntimeException e) {
                return null;
            }
        }
    }
}
