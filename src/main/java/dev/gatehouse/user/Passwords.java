package dev.gatehouse.user;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.config.GatehouseConfig.Password.Argon2.Implementation;
import io.quarkus.runtime.Startup;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2id password hashing (docs/threat-model.md "Password hashing") in PHC string form,
 * {@code $argon2id$v=19$m=..,t=..,p=..$salt$hash}, so that the parameters travel with each hash and
 * can be raised later.
 */
@Singleton
@Startup // parameters outside RFC 9106 or beyond the heap must stop the start, not the first login
public class Passwords {

    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final Pattern PARAMS = Pattern.compile("m=([1-9][0-9]{0,9}),t=([1-9][0-9]{0,9}),p=([1-9][0-9]{0,9})");
    /** The standard base64 alphabet, unpadded: what libargon2 writes and accepts. */
    private static final Pattern B64_TEXT = Pattern.compile("[A-Za-z0-9+/]*");
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    /** Stored hashes may ask for more passes and lanes than configured, up to these (or the configured ones). */
    private static final int MAX_STORED_ITERATIONS = 16;
    private static final int MAX_STORED_PARALLELISM = 64;
    /** And for more memory than configured, up to this, or the heap's share, whichever is less. */
    private static final int MAX_STORED_MEMORY_KIB = 262144;
    /** Memory times passes, in KiB: 1 GiB of passes, about a second of one core. */
    private static final long MAX_STORED_WORK_KIB = 1L << 20;

    private final SecureRandom random = new SecureRandom();
    private final Implementation implementation;
    /**
     * Argon2id is memory-hard: more hashes at once than cores only thrash the caches and need more
     * workspaces of 19 MiB (bench/run.sh, 8 parallel logins on 2 cores: 4.0x the floor's CPU per
     * login without this, 1.9x with it). Queued, they take the same wall time.
     */
    private final Semaphore hashing;
    /**
     * One {@link Argon2id} workspace per permit, each keeping its memory (19 MiB at the defaults)
     * from hash to hash: no per-hash garbage for the collector to copy and sweep.
     */
    private final ConcurrentLinkedQueue<Argon2id> workspaces = new ConcurrentLinkedQueue<>();
    private final Params current;
    /**
     * The most a stored hash may ask for. The hashes that may run at once (one per permit), times
     * their memory, stay under half the heap, and memory times passes is bounded: a hash beyond it
     * (imported, or written into the database by an attacker) never verifies, instead of ending
     * the JVM with an OutOfMemoryError or holding a hashing slot for hours.
     */
    private final Params budget;
    private final long maxWorkKib;
    /**
     * The most expensive parameters in use: the configured ones, or a stored hash's seen since the
     * start. An unknown email is answered after a dummy verification at these, and a wrong password
     * against a cheaper, older hash is padded up to them, so that a failed login costs the same
     * whether or not the email is known (docs/threat-model.md "Unknown accounts and timing").
     */
    private final AtomicReference<Params> mostExpensive;
    private final Map<Params, String> dummies = new ConcurrentHashMap<>();
    /** Memory times passes of every Argon2id run, in KiB (the tests measure work with it, not time). */
    private final LongAdder workKib = new LongAdder();

    @Inject
    Passwords(GatehouseConfig config) {
        this(config.password().argon2().memoryKib(), config.password().argon2().iterations(),
                config.password().argon2().parallelism(), config.password().argon2().implementation(),
                Runtime.getRuntime().maxMemory(), Runtime.getRuntime().availableProcessors());
    }

    Passwords(int memoryKib, int iterations, int parallelism) {
        this(memoryKib, iterations, parallelism, Implementation.GATEHOUSE, Runtime.getRuntime().maxMemory(),
                Runtime.getRuntime().availableProcessors());
    }

    Passwords(int memoryKib, int iterations, int parallelism, Implementation implementation, long heapBytes, int cores) {
        if (!Argon2id.validParameters(memoryKib, iterations, parallelism)) {
            throw new IllegalArgumentException("gatehouse.password.argon2.memory-kib must be at least 8 x "
                    + "gatehouse.password.argon2.parallelism, and iterations and parallelism at least 1");
        }
        long heapKibPerHash = heapBytes / 2 / cores / 1024;
        if (memoryKib > heapKibPerHash) {
            throw new IllegalArgumentException("gatehouse.password.argon2.memory-kib=" + memoryKib + " is more than this"
                    + " heap allows: " + cores + " hashes at once must fit in half of the " + heapBytes / (1024 * 1024)
                    + " MiB heap, at most " + heapKibPerHash + " KiB each; give the JVM more heap (-Xmx) or lower it");
        }
        this.implementation = implementation;
        this.hashing = new Semaphore(cores, true);
        this.current = new Params(memoryKib, iterations, parallelism);
        this.budget = new Params((int) Math.min(heapKibPerHash, Math.max(memoryKib, MAX_STORED_MEMORY_KIB)),
                Math.max(iterations, MAX_STORED_ITERATIONS), Math.max(parallelism, MAX_STORED_PARALLELISM));
        this.maxWorkKib = Math.max(current.work(), MAX_STORED_WORK_KIB);
        this.mostExpensive = new AtomicReference<>(current);
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

    /** Constant-time comparison; a hash that does not parse, or asks for more than the budget, never verifies. */
    public boolean verify(String password, String phc) {
        Parsed parsed = Parsed.of(phc);
        if (parsed == null || !withinBudget(parsed.params)) {
            return false;
        }
        Params most = mostExpensive.accumulateAndGet(parsed.params, (a, b) -> b.work() > a.work() ? b : a);
        byte[] actual = argon2(password, parsed.salt, parsed.params, parsed.hash.length);
        boolean verified;
        try {
            verified = MessageDigest.isEqual(actual, parsed.hash);
        } finally {
            Arrays.fill(actual, (byte) 0);
        }
        if (!verified && parsed.params.work() < most.work()) {
            pad(password, most.work() - parsed.params.work(), most.memoryKib);
        }
        return verified;
    }

    /** Spends the work of a failed {@link #verify} at the most expensive parameters in use. */
    public void verifyDummy(String password) {
        Params most = mostExpensive.get();
        verify(password, dummies.computeIfAbsent(most, this::dummy));
    }

    /**
     * A random salt and a random "hash": verifying against it costs one full Argon2id run and always
     * fails, and building it costs nothing (a real hash on a cold JVM takes seconds).
     */
    private String dummy(Params params) {
        byte[] salt = new byte[SALT_BYTES];
        byte[] hash = new byte[HASH_BYTES];
        random.nextBytes(salt);
        random.nextBytes(hash);
        return phc(params, salt, hash);
    }

    /** Runs Argon2id for about {@code work} KiB of passes (memory times passes), for nothing. */
    private void pad(String password, long work, int memoryKib) {
        int passes = (int) Math.max(1, (work + memoryKib - 1) / memoryKib);
        int memory = (int) Math.max(8, work / passes);
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        Arrays.fill(argon2(password, salt, new Params(memory, passes, 1), HASH_BYTES), (byte) 0);
    }

    /** True when the stored hash was made with other parameters than the configured ones (re-hash on login). */
    public boolean needsRehash(String phc) {
        Parsed parsed = Parsed.of(phc);
        return parsed == null || !parsed.params.equals(current);
    }

    private boolean withinBudget(Params params) {
        return params.memoryKib <= budget.memoryKib && params.iterations <= budget.iterations
                && params.parallelism <= budget.parallelism && params.work() <= maxWorkKib;
    }

    private byte[] argon2(String password, byte[] salt, Params params, int length) {
        byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        hashing.acquireUninterruptibly();
        try {
            workKib.add(params.work());
            return implementation == Implementation.BOUNCY_CASTLE
                    ? bouncyCastle(secret, salt, params, length) : gatehouse(secret, salt, params, length);
        } finally {
            Arrays.fill(secret, (byte) 0);
            hashing.release();
        }
    }

    private byte[] gatehouse(byte[] secret, byte[] salt, Params params, int length) {
        Argon2id workspace = workspaces.poll();
        try {
            if (workspace == null) {
                workspace = new Argon2id();
            }
            return workspace.hash(secret, salt, params.memoryKib, params.iterations, params.parallelism, length);
        } finally {
            if (workspace != null) {
                // an old hash with more memory than the configured one does not pin that memory
                if (workspace.retainedKib() > current.memoryKib) {
                    workspace.release();
                }
                workspaces.offer(workspace);
            }
        }
    }

    private static byte[] bouncyCastle(byte[] secret, byte[] salt, Params params, int length) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(params.memoryKib)
                .withIterations(params.iterations).withParallelism(params.parallelism).withSalt(salt).build());
        byte[] tag = new byte[length];
        generator.generateBytes(secret, tag);
        return tag;
    }

    /** The memory the idle workspaces keep, in KiB (tests). */
    int pooledKib() {
        return workspaces.stream().mapToInt(Argon2id::retainedKib).sum();
    }

    /** Memory times passes of every run so far, in KiB (tests). */
    long workKib() {
        return workKib.sum();
    }

    private record Params(int memoryKib, int iterations, int parallelism) {
        long work() {
            return (long) memoryKib * iterations;
        }
    }

    private record Parsed(Params params, byte[] salt, byte[] hash) {
        /**
         * As strict as the reference implementation (libargon2's decoder): exactly
         * {@code $argon2id$v=19$m=<m>,t=<t>,p=<p>$<salt>$<hash>}, nothing before or after, canonical
         * unpadded base64 (no {@code =}, no set bits past the last byte).
         */
        static Parsed of(String phc) {
            if (phc == null || !phc.startsWith("$argon2id$v=19$")) {
                return null;
            }
            // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash; a trailing "$" makes a seventh, empty field
            String[] parts = phc.split("\\$", -1);
            if (parts.length != 6) {
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
                byte[] salt = canonicalBase64(parts[4]);
                byte[] hash = canonicalBase64(parts[5]);
                return salt == null || hash == null || salt.length < 8 || hash.length < 4
                        ? null : new Parsed(new Params(m, t, p), salt, hash);
            } catch (RuntimeException e) {
                return null;
            }
        }

        private static byte[] canonicalBase64(String text) {
            if (!B64_TEXT.matcher(text).matches()) {
                return null;
            }
            byte[] bytes = B64D.decode(text);
            // the one encoding of these bytes: rules out set bits in the last character's unused part
            return B64.encodeToString(bytes).equals(text) ? bytes : null;
        }
    }
}
