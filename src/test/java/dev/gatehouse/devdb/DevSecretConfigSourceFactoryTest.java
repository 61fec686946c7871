package dev.gatehouse.devdb;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/operations.md "The server secret": dev mode keeps a generated secret beside its database; prod gets none. */
class DevSecretConfigSourceFactoryTest {

    @TempDir
    Path folder;

    @Test
    void devModeGeneratesTheSecretOnceAndKeepsItBesideItsDatabase() throws Exception {
        String dir = folder.resolve("dev-postgres").toString();
        String first = config("dev", Map.of("gatehouse.dev-db.dir", dir)).getValue("gatehouse.secret", String.class);
        assertEquals(32, Base64.getDecoder().decode(first).length);
        Path file = folder.resolve("dev-postgres.secret");
        assertEquals(first, Files.readString(file).strip());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(first, config("dev", Map.of("gatehouse.dev-db.dir", dir)).getValue("gatehouse.secret", String.class),
                "the same secret after a restart");
    }

    @Test
    void aConfiguredSecretWinsAndProdGetsNone() {
        String dir = folder.resolve("dev-postgres").toString();
        assertEquals("configured", config("dev", Map.of("gatehouse.dev-db.dir", dir, "gatehouse.secret", "configured"))
                .getValue("gatehouse.secret", String.class));
        assertFalse(Files.exists(folder.resolve("dev-postgres.secret")));
        assertEquals(Optional.empty(), config("prod", Map.of()).getOptionalValue("gatehouse.secret", String.class));
        assertTrue(config("test", Map.of()).getOptionalValue("gatehouse.secret", String.class).isPresent());
    }

    private static SmallRyeConfig config(String profile, Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withProfile(profile)
                .withSources(new PropertiesConfigSource(properties, "test-properties", 250))
                .withSources(new DevSecretConfigSourceFactory()).build();
    }
}
