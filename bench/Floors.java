import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/**
 * The cryptographic floor of each request, single-threaded, with the JDK's providers (and Bouncy
 * Castle's Argon2id, the reference the ratios are taken against), so the benchmark takes its ratios
 * in the same run; with Gatehouse's jar on the class path also Gatehouse's own Argon2id
 * (dev.gatehouse.user.Argon2id, one reused workspace, as the server runs it):
 *   java -cp target/quarkus-app/lib/main/org.bouncycastle.bcprov-jdk18on-1.82.jar:target/quarkus-app/app/gatehouse-0.1.0-SNAPSHOT.jar bench/Floors.java
 * Prints CSV lines: floor,operation,ms_per_op.
 */
public class Floors {

    public static void main(String[] args) throws Exception {
        byte[] payload = ("{\"alg\":\"RS256\",\"kid\":\"k\"}.{\"iss\":\"https://gatehouse\",\"sub\":\"00000000-0000-0000-0000-000000000000\","
                + "\"aud\":\"shop\",\"exp\":1800000000,\"iat\":1799999100,\"jti\":\"abc\",\"sid\":\"x\",\"groups\":[\"user\"]}")
                .getBytes(StandardCharsets.US_ASCII);

        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        signatures("RS256", "SHA256withRSA", rsa.generateKeyPair(), payload);

        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        signatures("ES256", "SHA256withECDSAinP1363Format", ec.generateKeyPair(), payload);

        argon2(19456, 2, 1); // Gatehouse's default (OWASP's first recommendation)
        argon2(7168, 5, 1);  // the peer's (Keycloak) default
        ownArgon2(19456, 2, 1);
        ownArgon2(7168, 5, 1);
    }

    private static void signatures(String name, String algorithm, KeyPair keys, byte[] payload) throws Exception {
        Signature signer = Signature.getInstance(algorithm);
        Signature verifier = Signature.getInstance(algorithm);
        byte[] signature = null;
        for (int round = 0; round < 2; round++) { // the first round warms the JIT up and is not printed
            int n = round == 0 ? 400 : 1000;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                signer.initSign(keys.getPrivate());
                signer.update(payload);
                signature = signer.sign();
            }
            long t1 = System.nanoTime();
            int m = n * 10;
            for (int i = 0; i < m; i++) {
                verifier.initVerify(keys.getPublic());
                verifier.update(payload);
                if (!verifier.verify(signature)) {
                    throw new IllegalStateException("verification failed");
                }
            }
            long t2 = System.nanoTime();
            if (round == 1) {
                print(name + " sign", (t1 - t0) / 1e6 / n);
                print(name + " verify", (t2 - t1) / 1e6 / m);
            }
        }
    }

    private static void argon2(int memoryKib, int iterations, int parallelism) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib).withIterations(iterations).withParallelism(parallelism)
                .withSalt(salt).build();
        byte[] password = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[32];
        for (int round = 0; round < 2; round++) {
            int n = round == 0 ? 10 : 30;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Argon2BytesGenerator generator = new Argon2BytesGenerator();
                generator.init(parameters);
                generator.generateBytes(password, out);
            }
            if (round == 1) {
                print("Argon2id m=" + memoryKib + " t=" + iterations + " p=" + parallelism, (System.nanoTime() - t0) / 1e6 / n);
            }
        }
    }

    private static void ownArgon2(int memoryKib, int iterations, int parallelism) throws Exception {
        Class<?> type;
        try {
            type = Class.forName("dev.gatehouse.user.Argon2id");
        } catch (ClassNotFoundException e) {
            return; // only Bouncy Castle on the class path
        }
        Constructor<?> constructor = type.getDeclaredConstructor();
        constructor.setAccessible(true);
        Method hash = type.getDeclaredMethod("hash", byte[].class, byte[].class, int.class, int.class, int.class, int.class);
        hash.setAccessible(true);
        Object workspace = constructor.newInstance();
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        byte[] password = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
        for (int round = 0; round < 2; round++) {
            int n = round == 0 ? 10 : 30;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                hash.invoke(workspace, password, salt, memoryKib, iterations, parallelism, 32);
            }
            if (round == 1) {
                print("Gatehouse Argon2id m=" + memoryKib + " t=" + iterations + " p=" + parallelism, (System.nanoTime() - t0) / 1e6 / n);
            }
        }
    }

    private static void print(String operation, double ms) {
        System.out.printf("floor,%s,%.4f%n", operation, ms);
    }
}
