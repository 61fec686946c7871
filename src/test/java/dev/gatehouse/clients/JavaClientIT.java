package dev.gatehouse.clients;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Java client ({@code clients/java}, OkHttp) against the packaged service: runs its own Maven
 * build ({@code ../../mvnw -B -q verify}) with {@code GATEHOUSE_URL} (and {@code GATEHOUSE_MAIL_URL},
 * {@code GATEHOUSE_LINK_BASE_URL} for the account tests, {@link ClientMailbox}; {@code GATEHOUSE_AUTHENTICATOR_URL}
 * for the passkey tests, {@link ClientAuthenticator} playing Android's Credential Manager) set, so its live
 * tests run instead of being skipped and {@code ./mvnw verify} covers it.
 */
class JavaClientIT extends AgainstPackagedService {

    private static final Path CLIENT = Path.of("clients", "java");
    private static final Path LOG = Path.of("target", "it-logs", "java-client.log");
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    /** The live test classes; each must report that it ran against the service. */
    private static final List<String> LIVE_TESTS = List.of("GatehouseAuthLiveTest", "AccountLiveTest", "PasskeyLiveTest");

    @Test
    void theClientTestsPassAgainstThePackagedService() throws Exception {
        Files.createDirectories(LOG.getParent());
        Files.deleteIfExists(LOG);
        // Guards against a silent skip: the live tests must report that they ran against the service.
        List<Path> reports = LIVE_TESTS.stream()
                .map(name -> CLIENT.resolve(Path.of("target", "surefire-reports", "TEST-dev.gatehouse.client." + name + ".xml"))).toList();
        for (Path report : reports) {
            Files.deleteIfExists(report);
        }
        // The wrapper of this repository, by absolute path: it works from any directory.
        List<String> command = List.of(Path.of("mvnw").toAbsolutePath().toString(), "-B", "-q", "verify");
        // The names only: the environment holds the test admin's password.
        Files.writeString(LOG, "$ GATEHOUSE_URL=" + service.baseUri() + " " + service.clientEnvironment().keySet()
                + " " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
        ProcessBuilder builder = new ProcessBuilder(command).directory(CLIENT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(LOG.toFile()));
        builder.environment().putAll(service.clientEnvironment());

        long start = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            fail(String.join(" ", command) + " did not finish within " + TIMEOUT + "; output (" + LOG + "):\n" + log());
        }
        System.out.printf("clients/java: %s: exit %d in %d ms%n", String.join(" ", command),
                process.exitValue(), (System.nanoTime() - start) / 1_000_000);
        assertEquals(0, process.exitValue(), "clients/java tests failed; output (" + LOG + "):\n" + log());
        for (Path report : reports) {
            assertTrue(Files.exists(report), "no report of the live tests at " + report + "; output:\n" + log());
            String xml = Files.readString(report, StandardCharsets.UTF_8);
            assertTrue(xml.contains("skipped=\"0\"") && !xml.contains("tests=\"0\""),
                    "the live tests were skipped (GATEHOUSE_URL or GATEHOUSE_MAIL_URL not seen?):\n" + xml.lines().limit(3).toList());
        }
    }

    private static String log() throws IOException {
        return Files.readString(LOG, StandardCharsets.UTF_8);
    }
}
