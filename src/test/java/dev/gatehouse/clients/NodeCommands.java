package dev.gatehouse.clients;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Runs the npm and node commands of the JavaScript suites, with their output in one log file. */
final class NodeCommands {

    private final Path log;

    NodeCommands(Path log) throws IOException {
        this.log = log;
        Files.createDirectories(log.getParent());
        Files.deleteIfExists(log);
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    /** {@code npm ci} when node_modules is missing or older than the lock file (npm writes its own copy last). */
    void install(Path folder) throws Exception {
        Path installed = folder.resolve("node_modules").resolve(".package-lock.json");
        Path lock = folder.resolve("package-lock.json");
        if (!Files.exists(installed) || Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(lock)) < 0) {
            run(folder, List.of("npm", "ci"), Map.of(), Duration.ofMinutes(5));
        }
    }

    /** Runs a command in {@code folder}, appending its output to the log as it goes; fails with the log. */
    void run(Path folder, List<String> command, Map<String, String> environment, Duration timeout) throws Exception {
        String shown = folder + "$ " + String.join(" ", command);
        Files.writeString(log, "\n" + shown + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        long start = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            fail(shown + " did not finish within " + timeout + "; output (" + log + "):\n" + output());
        }
        System.out.printf("%s: exit %d in %d ms%n", shown, process.exitValue(), (System.nanoTime() - start) / 1_000_000);
        assertEquals(0, process.exitValue(), shown + " failed; output (" + log + "):\n" + output());
    }

    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }
}
