package dev.gatehouse.devdb;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * {@code gatehouse.secret} for dev mode and tests when none is configured (docs/operations.md "The
 * server secret"). Dev mode keeps a generated one in a file beside its database,
 * {@code <gatehouse.dev-db.dir>.secret} (default {@code target/dev-postgres.secret}, owner-only), so that
 * stored data survives restarts; tests generate one per JVM. Prod gets nothing from here: there the
 * start fails naming the property. The lowest ordinal: any configured value wins.
 */
public class DevSecretConfigSourceFactory implements ConfigSourceFactory {

    private static final String PROPERTY = "gatehouse.secret";
    private static String testSecret;

    @Override
    public Iterable<org.eclipse.microprofile.config.spi.ConfigSource> getConfigSources(ConfigSourceContext context) {
        List<String> profiles = context.getProfiles();
        boolean dev = profiles.contains("dev");
        if (!(dev || profiles.contains("test")) || isSet(context.getValue(PROPERTY))) {
            return List.of();
        }
        String secret = dev ? stored(context) : generatedForTests();
        return List.of(new PropertiesConfigSource(Map.of(PROPERTY, secret), "gatehouse-dev-secret", 10));
    }

    private static String stored(ConfigSourceContext context) {
        ConfigValue dir = context.getValue("gatehouse.dev-db.dir");
        Path file = Path.of((isSet(dir) ? dir.getValue() : "target/dev-postgres").replaceAll("[/\\\\]+$", "") + ".secret");
        try {
            if (!Files.exists(file)) {
                Path folder = Files.createDirectories(file.toAbsolutePath().getParent());
                // A temporary file is owner-only (rw-------) on POSIX from its creation; moved in whole.
                Path written = Files.createTempFile(folder, "gatehouse-secret-", ".tmp");
                Files.writeString(written, generate() + "\n", StandardCharsets.US_ASCII);
                try {
                    Files.move(written, file);
                    System.out.println("Gatehouse dev: generated gatehouse.secret in " + file);
                } catch (FileAlreadyExistsException raced) {
                    Files.delete(written); // another dev process wrote it first: use theirs
                }
            }
            return Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("Gatehouse dev: cannot keep gatehouse.secret in " + file, e);
        }
    }

    private static synchronized String generatedForTests() {
        if (testSecret == null) {
            testSecret = generate();
        }
        return testSecret;
    }

    private static String generate() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return Base64.getEncoder().encodeToString(secret);
    }

    private static boolean isSet(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }
}
