package dev.gatehouse.support;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real nginx (Debian's {@code nginx} package) running the server block of a shipped configuration
 * ({@code docker/nginx.conf}) in front of one packaged instance: its own process, not the system
 * service, on a free loopback port, with its pid, logs and temporary files under {@code target/}.
 * Run by root (as in CI), its worker processes, which handle the requests, drop to {@code nobody}.
 */
public final class Nginx implements AutoCloseable {

    private static final List<Path> USUAL_PLACES = List.of(Path.of("/usr/sbin/nginx"), Path.of("/usr/local/sbin/nginx"),
            Path.of("/usr/local/nginx/sbin/nginx"));

    private final Process process;
    private final Path directory;
    private final int port;

    private Nginx(Process process, Path directory, int port) {
        this.process = process;
        this.directory = directory;
        this.port = port;
    }

    /** The nginx binary on the PATH or where Debian and the upstream build put it (/usr/sbin is not on every PATH). */
    public static Optional<Path> find() {
        Stream<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, "nginx"));
        return Stream.concat(onPath, USUAL_PLACES.stream()).filter(Files::isExecutable).findFirst();
    }

    /** Starts nginx with {@code shipped}'s server block (its {@code listen} replaced) proxying to 127.0.0.1:{@code appPort}. */
    public static Nginx start(Path binary, Path shipped, int appPort) throws Exception {
        Path directory = Files.createTempDirectory(Files.createDirectories(Path.of("target", "it-logs")), "nginx-")
                .toAbsolutePath();
        int port = freePort();
        Path config = directory.resolve("nginx.conf");
        Files.writeString(config, config(Files.readString(shipped), directory, port, appPort));
        Process process = new ProcessBuilder(binary.toString(), "-p", directory.toString(), "-c", config.toString(),
                "-e", directory.resolve("error.log").toString())
                .redirectErrorStream(true).redirectOutput(directory.resolve("output.log").toFile()).start();
        Nginx nginx = new Nginx(process, directory, port);
        try {
            nginx.awaitListening(Duration.ofSeconds(15));
            return nginx;
        } catch (Exception | AssertionError e) {
            nginx.close();
            throw e;
        }
    }

    public String baseUri() {
        return "http://127.0.0.1:" + port;
    }

    /** Everything nginx wrote: its output, the error log and the access log. */
    public String output() {
        StringBuilder text = new StringBuilder();
        for (String name : List.of("output.log", "error.log", "access.log")) {
            try {
                text.append("--- ").append(name).append('\n')
                        .append(Files.readString(directory.resolve(name), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.append("(none: ").append(e).append(")\n");
            }
        }
        return text.toString();
    }

    @Override
    public void close() throws Exception {
        process.destroy(); // SIGTERM: nginx's fast shutdown, the master stops its workers
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
    }

    /**
     * The shipped file's upstream name and server block, around what a test run needs: the
     * foreground, a loopback port, files under {@code directory} instead of /var and /run.
     */
    static String config(String shipped, Path directory, int port, int appPort) {
        String text = shipped.replaceAll("(?m)^\\s*#.*$", "");
        Matcher upstream = Pattern.compile("\\bupstream\\s+(\\S+)\\s*\\{").matcher(text);
        Matcher server = Pattern.compile("\\bserver\\s*\\{").matcher(text);
        if (!upstream.find() || !server.find()) {
            throw new IllegalStateException("the shipped nginx configuration has no upstream or no server block");
        }
        String serverBody = block(text, server.end() - 1).replaceAll("(?m)^\\s*listen\\s[^;]*;\\s*$", "");
        boolean root = "root".equals(System.getProperty("user.name"));
        return String.join("\n",
                "daemon off;",
                "worker_processes 1;",
                root ? "user nobody " + unprivilegedGroup() + ";" : "",
                "pid " + directory.resolve("nginx.pid") + ";",
                "error_log " + directory.resolve("error.log") + " info;",
                "events { worker_connections 64; }",
                "http {",
                "  access_log " + directory.resolve("access.log") + ";",
                "  client_body_temp_path " + directory.resolve("client_body") + ";",
                "  proxy_temp_path " + directory.resolve("proxy") + ";",
                "  fastcgi_temp_path " + directory.resolve("fastcgi") + ";",
                "  uwsgi_temp_path " + directory.resolve("uwsgi") + ";",
                "  scgi_temp_path " + directory.resolve("scgi") + ";",
                "  upstream " + upstream.group(1) + " { server 127.0.0.1:" + appPort + "; }",
                "  server {",
                "    listen 127.0.0.1:" + port + ";",
                serverBody,
                "  }",
                "}",
                "");
    }

    /** The text between the brace at {@code open} and its partner. */
    private static String block(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            if (text.charAt(i) == '{') {
                depth++;
            } else if (text.charAt(i) == '}' && --depth == 0) {
                return text.substring(open + 1, i);
            }
        }
        throw new IllegalStateException("the shipped nginx configuration has an unclosed block");
    }

    private void awaitListening(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("nginx exited with " + process.exitValue() + ":\n" + output());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("nginx was not listening within " + timeout + ":\n" + output());
    }

    /** Debian's group for nobody is nogroup; elsewhere it is usually nobody. */
    private static String unprivilegedGroup() {
        try (Stream<String> groups = Files.lines(Path.of("/etc/group"))) {
            return groups.anyMatch(line -> line.startsWith("nogroup:")) ? "nogroup" : "nobody";
        } catch (IOException e) {
            return "nobody";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
