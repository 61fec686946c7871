package dev.gatehouse.clients;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The TypeScript client ({@code clients/typescript}) against the packaged service: builds it with
 * npm and runs its {@code node --test} suite, so {@code ./mvnw verify} covers it. Needs Node 20+
 * and npm on the PATH.
 */
class TypeScriptClientIT extends AgainstPackagedService {

    private static final Path CLIENT = Path.of("clients", "typescript");
    private static final Path LOG = Path.of("target", "it-logs", "typescript-client.log");

    @BeforeAll
    static void nodeAndNpmOnThePath() {
        for (String tool : List.of("node", "npm")) {
            if (!onPath(tool)) {
                fail(tool + " is not on the PATH: the TypeScript client tests (clients/typescript) need "
                        + "Node.js 20 or newer with npm; CI installs them");
            }
        }
    }

    @Test
    void theClientTestsPassAgainstThePackagedService() throws Exception {
        Files.createDirectories(LOG.getParent());
        Files.deleteIfExists(LOG);

        if (needsInstall()) {
            run(List.of("npm", "ci"), Map.of(), Duration.ofMinutes(5));
        }
        run(List.of("npm", "run", "build"), Map.of(), Duration.ofMinutes(2));
        // Node 21+ reads the arguments of --test as globs and no longer searches a bare directory,
        // so the test files are listed here, the same way for every Node version.
        List<String> command = new ArrayList<>(List.of("node", "--test"));
        command.addAll(testFiles());
        run(command, Map.of("GATEHOUSE_URL", service.baseUri()), Duration.ofMinutes(3));
    }

    /** {@code npm ci} only when node_modules is missing or older than the lock file (npm writes its own copy last). */
    private static boolean needsInstall() throws IOException {
        Path installed = CLIENT.resolve("node_modules").resolve(".package-lock.json");
        Path lock = CLIENT.resolve("package-lock.json");
        return !Files.exists(installed)
                || Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(lock)) < 0;
    }

    private static List<String> testFiles() throws IOException {
        try (Stream<Path> files = Files.list(CLIENT.resolve("test"))) {
            List<String> tests = files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".test.mjs")).sorted().map(name -> "test/" + name).toList();
            assertFalse(tests.isEmpty(), "no test/*.test.mjs in " + CLIENT);
            return tests;
        }
    }

    /** Runs a command in the client's folder, appending its output to the log as it goes. */
    private static void run(List<String> command, Map<String, String> environment, Duration timeout) throws Exception {
        Files.writeString(LOG, "\n$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(command).directory(CLIENT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(LOG.toFile()));
        builder.environment().putAll(environment);
        long start = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            fail(String.join(" ", command) + " did not finish within " + timeout + "; output (" + LOG + "):\n" + log());
        }
        System.out.printf("%s: exit %d in %d ms%n", String.join(" ", command),
                process.exitValue(), (System.nanoTime() - start) / 1_000_000);
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed; output (" + LOG + "):\n" + log());
    }

    private static String log() throws IOException {
        return Files.readString(LOG, StandardCharsets.UTF_8);
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }
}
