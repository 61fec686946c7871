import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The benchmark's PostgreSQL when the machine has none: zonky's embedded PostgreSQL (the one the
 * tests use) with its default, durable settings, on a given port, until stdin closes. Settings
 * after the port are passed to the server (login-db.sh loads pg_stat_statements).
 *   java -cp <test classpath> bench/EmbeddedPg.java <port> [name=value ...]
 */
public class EmbeddedPg {

    public static void main(String[] args) throws Exception {
        Path data = Files.createTempDirectory("gatehouse-bench-pg");
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setPort(Integer.parseInt(args[0]))
                .setDataDirectory(data)
                .setCleanDataDirectory(true)
                .setServerConfig("max_connections", "200");
        for (int i = 1; i < args.length; i++) {
            String[] setting = args[i].split("=", 2);
            builder.setServerConfig(setting[0], setting[1]);
        }
        try (EmbeddedPostgres postgres = builder.start()) {
            System.out.println("ready " + postgres.getPort());
            while (System.in.read() != -1) {
                // runs until the benchmark closes our stdin
            }
        }
    }
}
