import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The benchmark's PostgreSQL when the machine has none: zonky's embedded PostgreSQL (the one the
 * tests use) with its default, durable settings, on a given port, until stdin closes.
 *   java -cp <test classpath> bench/EmbeddedPg.java <port>
 */
public class EmbeddedPg {

    public static void main(String[] args) throws Exception {
        Path data = Files.createTempDirectory("gatehouse-bench-pg");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setPort(Integer.parseInt(args[0]))
                .setDataDirectory(data)
                .setCleanDataDirectory(true)
                .setServerConfig("max_connections", "200")
                .start()) {
            System.out.println("ready " + postgres.getPort());
            while (System.in.read() != -1) {
                // runs until the benchmark closes our stdin
            }
        }
    }
}
