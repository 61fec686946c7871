package dev.gatehouse.clients;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The TypeScript client in a real browser, in cookie mode (docs/api.md "Web (cookie) mode") and with passkeys
 * (docs/passkeys.md, a virtual authenticator): Chromium, driven by
 * {@code playwright-core} from {@code clients/typescript/browser-test}, against the packaged
 * service on an embedded PostgreSQL. The test page is served on {@code http://127.0.0.1:<page port>};
 * that origin must be in {@code gatehouse.cookie.allowed-origins} when the service starts, so this
 * IT picks the port, starts the service with it and hands the port to the node test ({@code PAGE_PORT}).
 * Needs Node 20+ with npm, and nothing else installed: {@code npm ci} of browser-test (run here) brings
 * {@code @sparticuz/chromium}, whose Chromium is used on Linux x64 when the system has none.
 * {@code browser-test/find-browser.mjs} gives the order (CHROMIUM_PATH, a system Chromium or Chrome,
 * that bundled one, Playwright's own) and, when none starts, the failure says what to install.
 */
class BrowserCookieModeIT {

    private static final Path CLIENT = Path.of("clients", "typescript");
    private static final Path BROWSER_TEST = CLIENT.resolve("browser-test");
    private static final Path LOG = Path.of("target", "it-logs", "browser-cookie-mode.log");

    private static ServiceForClients service;
    private static int pagePort;
    private static int passkeyPagePort;

    @BeforeAll
    static void startService() throws Exception {
        for (String tool : List.of("node", "npm")) {
            if (!NodeCommands.onPath(tool)) {
                fail(tool + " is not on the PATH: the browser cookie-mode test (clients/typescript/browser-test) "
                        + "needs Node.js 20 or newer with npm");
            }
        }
        pagePort = freePort();
        passkeyPagePort = freePort();
        // docs/api.md "CORS": the test pages' origins are the only ones allowed; plain HTTP, so no Secure flag.
        // docs/passkeys.md "Configuration": the passkey page is http://localhost:<port> (an IP cannot be an RP ID).
        service = ServiceForClients.start(Map.of(
                "GATEHOUSE_COOKIE_ALLOWED_ORIGINS", "http://127.0.0.1:" + pagePort + ",http://localhost:" + passkeyPagePort,
                "GATEHOUSE_COOKIE_SECURE", "false",
                "GATEHOUSE_PASSKEYS_RP_ID", "localhost",
                "GATEHOUSE_PASSKEYS_ORIGINS", "http://localhost:" + passkeyPagePort));
    }

    @AfterAll
    static void stopService() throws Exception {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void cookieModeWorksInChromium() throws Exception {
        NodeCommands node = new NodeCommands(LOG);
        try {
            node.install(CLIENT);
            node.run(CLIENT, List.of("npm", "run", "build"), Map.of(), Duration.ofMinutes(2));
            node.install(BROWSER_TEST);
            node.run(BROWSER_TEST, List.of("node", "--test", "cookie-mode.test.mjs"),
                    Map.of("GATEHOUSE_URL", service.baseUri(), "PAGE_PORT", String.valueOf(pagePort),
                            "GATEHOUSE_MAIL_URL", service.mailUrl()), Duration.ofMinutes(3));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nservice output:\n" + service.output(), e);
        } finally {
            // Which browser ran (or why none did), from find-browser.mjs's "browser: " lines.
            node.output().lines().filter(line -> line.contains("browser: ")).forEach(System.out::println);
        }
    }

    /**
     * docs/passkeys.md: in Chromium with a virtual platform authenticator (DevTools protocol, ctap2, internal,
     * resident keys, user verification), the page registers a passkey while signed in, signs out, signs in
     * with the passkey alone and calls the API; in bearer mode, in cookie mode (the service named
     * {@code localhost}, on the page's site), and through the client's own base64url conversion instead of the
     * browser's WebAuthn Level 3 JSON helpers.
     */
    @Test
    void passkeysWorkInChromium() throws Exception {
        NodeCommands node = new NodeCommands(LOG.resolveSibling("browser-passkeys.log"));
        try {
            node.install(CLIENT);
            node.run(CLIENT, List.of("npm", "run", "build"), Map.of(), Duration.ofMinutes(2));
            node.install(BROWSER_TEST);
            node.run(BROWSER_TEST, List.of("node", "--test", "passkeys.test.mjs"),
                    Map.of("GATEHOUSE_URL", service.baseUri(), "GATEHOUSE_MAIL_URL", service.mailUrl(),
                            "PASSKEY_PAGE_PORT", String.valueOf(passkeyPagePort)), Duration.ofMinutes(3));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nservice output:\n" + service.output(), e);
        } finally {
            node.output().lines().filter(line -> line.contains("browser: ")).forEach(System.out::println);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
