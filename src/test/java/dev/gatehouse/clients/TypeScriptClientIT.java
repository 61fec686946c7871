package dev.gatehouse.clients;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The TypeScript client ({@code clients/typescript}) against the packaged service: builds it with
 * npm and runs its {@code node --test} suite, so {@code ./mvnw verify} covers it. The account tests
 * ({@code test/account.test.mjs}) read the service's mails through {@code GATEHOUSE_MAIL_URL}
 * ({@link ClientMailbox}). Needs Node 20+ and npm on the PATH.
 */
class TypeScriptClientIT extends AgainstPackagedService {

    private static final Path CLIENT = Path.of("clients", "typescript");
    private static final Path LOG = Path.of("target", "it-logs", "typescript-client.log");

    @BeforeAll
    static void nodeAndNpmOnThePath() {
        for (String tool : List.of("node", "npm")) {
            if (!NodeCommands.onPath(tool)) {
                fail(tool + " is not on the PATH: the TypeScript client tests (clients/typescript) need "
                        + "Node.js 20 or newer with npm; CI installs them");
            }
        }
    }

    @Test
    void theClientTestsPassAgainstThePackagedService() throws Exception {
        NodeCommands node = new NodeCommands(LOG);
        node.install(CLIENT);
        node.run(CLIENT, List.of("npm", "run", "build"), Map.of(), Duration.ofMinutes(2));
        // Node 21+ reads the arguments of --test as globs and no longer searches a bare directory,
        // so the test files are listed here, the same way for every Node version.
        List<String> command = new ArrayList<>(List.of("node", "--test"));
        command.addAll(testFiles());
        node.run(CLIENT, command, service.clientEnvironment(), Duration.ofMinutes(3));
    }

    private static List<String> testFiles() throws IOException {
        try (Stream<Path> files = Files.list(CLIENT.resolve("test"))) {
            List<String> tests = files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".test.mjs")).sorted().map(name -> "test/" + name).toList();
            assertFalse(tests.isEmpty(), "no test/*.test.mjs in " + CLIENT);
            return tests;
        }
    }
}
