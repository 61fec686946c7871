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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
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
    /** Salts and tags of stored hashes are at most this long (libargon2 sets no limit). */
    private static final int MAX_FIELD_BYTES = 1024;
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
     * The most a stored hash may ask for. The hashes that may run at once (one per slot), times
     * their memory, stay under half the heap, and memory times passes is bounded: a hash beyond it
     * (imported, or written into the database by an attacker) never verifies, instead of ending
     * the JVM with an OutOfMemoryError or holding a hashing slot for hours.
     */
    private final Params budget;
    private final long maxWorkKib;
    /**
     * What a failed login costs, in the parameters of the most expensive hashes in use: the
     * configured ones, or costlier stored ones found at start (see {@link #considerInUse}). An
     * unknown email is answered after a dummy verification at these, a wrong password against a
     * cheaper, older hash is padded up to them, and so is a stored hash that is refused, so that a
     * failed login costs the same whether or not the email is known (docs/threat-model.md "Unknown
     * accounts and timing"). Fixed after start: no login can change it.
     */
    private volatile Params target;
    private volatile String dummy;
    /** The target is at most this many times the configured work. */
    private static final int MAX_TARGET_FACTOR = 4;
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
        long halfHeapKib = heapBytes / 2 / 1024;
        if (memoryKib > halfHeapKib) {
            throw new IllegalArgumentException("gatehouse.password.argon2.memory-kib=" + memoryKib + " is more than this"
                    + " heap allows: one hash must fit in half of the " + heapBytes / (1024 * 1024) + " MiB heap ("
                    + halfHeapKib + " KiB); give the JVM more heap (-Xmx) or lower it");
        }
        // As many hashes at once as there are cores, or fewer where the heap cannot hold that many.
        int slots = (int) Math.max(1, Math.min(cores, halfHeapKib / memoryKib));
        this.implementation = implementation;
        this.hashing = new Semaphore(slots, true);
        this.current = new Params(memoryKib, iterations, parallelism);
        this.budget = new Params((int) Math.min(halfHeapKib / slots, Math.max(memoryKib, MAX_STORED_MEMORY_KIB)),
                Math.max(iterations, MAX_STORED_ITERATIONS), Math.max(parallelism, MAX_STORED_PARALLELISM));
        this.maxWorkKib = Math.max(current.work(), MAX_STORED_WORK_KIB);
        this.target = current;
        this.dummy = dummy(current);
    }

    /**
     * Raises what a failed login costs to the most expensive stored parameters in use (read at start
     * from the database), at most {@link #MAX_TARGET_FACTOR} times the configured work: a stored
     * hash beyond that, or beyond the budget, is not worth slowing every failed login for.
     */
    synchronized void considerInUse(String parameters) {
        Parsed parsed = Parsed.of("$argon2id$v=19$" + parameters + "$c2FsdHNhbHQ$aGFzaA");
        if (parsed != null && withinBudget(parsed.params) && parsed.params.work() > target.work()
                && parsed.params.work() <= MAX_TARGET_FACTOR * current.work()) {
            target = parsed.params;
            dummy = dummy(target);
        }
    }

    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        hashing.acquireUninterruptibly();
        try {
            return phc(current, salt, argon2(secret, salt, current, HASH_BYTES));
        } finally {
            Arrays.fill(secret, (byte) 0);
            hashing.release();
        }
    }

    private static String phc(Params params, byte[] salt, byte[] hash) {
        return "$argon2id$v=19$m=" + params.memoryKib + ",t=" + params.iterations + ",p=" + params.parallelism
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** Constant-time comparison; a hash that does not parse, or asks for more than the budget, never verifies. */
    public boolean verify(String password, String phc) {
        Parsed parsed = Parsed.of(phc);
        Params target = this.target;
        if (parsed == null || !withinBudget(parsed.params)) {
            // refused at once would tell this account apart: spend what any failed login costs
            verifyDummy(password);
            return false;
        }
        byte[] secret = password.getBytes(StandardCharsets.UTF_8);
        hashing.acquireUninterruptibly();
        try {
            byte[] actual = argon2(secret, parsed.salt, parsed.params, parsed.hash.length);
            boolean verified;
            try {
                verified = MessageDigest.isEqual(actual, parsed.hash);
            } finally {
                Arrays.fill(actual, (byte) 0);
            }
            if (!verified && parsed.params.work() < target.work()) {
                // in the same slot: queueing for another one would make this failure slower, not equal
                pad(secret, target.work() - parsed.params.work(), target.memoryKib);
            }
            return verified;
        } finally {
            Arrays.fill(secret, (byte) 0);
            hashing.release();
        }
    }

    /** Spends the work of a failed {@link #verify} at the most expensive parameters in use. */
    public void verifyDummy(String password) {
        verify(password, dummy);
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

    /** Runs Argon2id for about {@code work} KiB of passes (memory times passes), for nothing; in the caller's slot. */
    private void pad(byte[] secret, long work, int memoryKib) {
        int passes = (int) Math.max(1, (work + memoryKib - 1) / memoryKib);
        int memory = (int) Math.max(8, work / passes);
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        Arrays.fill(argon2(secret, salt, new Params(memory, passes, 1), HASH_BYTES), (byte) 0);
    }

    /** True when the stored hash was made with other parameters than the configured ones (re-hash on login). */
    public boolean needsRehash(String phc) {
        Parsed parsed = Parsed.of(phc);
        return parsed == null || !parsed.params.equals(current);
    }

    private boolean withinBudget(Params params) {
        // (salt and tag lengths are capped by the parser)
        return params.memoryKib <= budget.memoryKib && params.iterations <= budget.iterations
                && params.parallelism <= budget.parallelism && params.work() <= maxWorkKib;
    }

    /** One Argon2id run; the caller holds a hashing slot. */
    private byte[] argon2(byte[] secret, byte[] salt, Params params, int length) {
        workKib.add(params.work());
        return implementation == Implementation.BOUNCY_CASTLE
                ? bouncyCastle(secret, salt, params, length) : gatehouse(secret, salt, params, length);
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
                // and at most 1 KiB each: an oversized one would cost work outside memory x passes
                return salt == null || hash == null || salt.length < 8 || hash.length < 4
                        || salt.length > MAX_FIELD_BYTES || hash.length > MAX_FIELD_BYTES
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
