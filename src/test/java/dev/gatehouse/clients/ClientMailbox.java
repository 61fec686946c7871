package dev.gatehouse.clients;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The mail side of the client suites: a GreenMail SMTP server on a free loopback port that the
 * packaged service sends to, and a tiny HTTP endpoint on loopback through which the node and Java
 * client tests read what arrived:
 * <pre>GET /mail?to=&lt;address&gt;&amp;contains=&lt;text&gt;</pre>
 * answers 200 with the text/plain part (UTF-8, line ends as {@code \n}) of the newest mail to that
 * address containing that text that this endpoint has not handed out before, waiting up to
 * {@link #WAIT} for one; older unhanded matches are skipped as superseded. 404 when none came.
 * "Not handed out before" lets a test ask twice for a reset mail and get the second one, not the first again.
 */
final class ClientMailbox implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 50;

    private final GreenMail smtp;
    private final HttpServer http;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Set<MimeMessage> handedOut = Collections.newSetFromMap(new IdentityHashMap<>());

    private ClientMailbox() throws IOException {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.start();
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 20);
        http.setExecutor(threads);
        http.createContext("/mail", this::answer);
        http.start();
    }

    static ClientMailbox start() throws IOException {
        return new ClientMailbox();
    }

    int smtpPort() {
        return smtp.getSmtp().getPort();
    }

    /** The endpoint for the client test processes ({@code GATEHOUSE_MAIL_URL}). */
    String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/mail";
    }

    /** As {@code GET /mail}: the newest matching mail's text not handed out before, or {@code null} after {@code wait}. */
    String take(String to, String contains, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            String text = takeNewest(to, contains);
            if (text != null || System.nanoTime() > deadline) {
                return text;
            }
            Thread.sleep(POLL_MILLIS); // polling GreenMail's store: the mail arrives from the service's sender
        }
    }

    private synchronized String takeNewest(String to, String contains) throws Exception {
        MimeMessage[] received = smtp.getReceivedMessages();
        String newest = null;
        for (MimeMessage message : received) {
            if (handedOut.contains(message) || !addressedTo(message, to)) {
                continue;
            }
            String text = textOf(message);
            if (text != null && text.contains(contains)) {
                handedOut.add(message); // an older match is superseded by the newer one
                newest = text;
            }
        }
        return newest;
    }

    private static boolean addressedTo(MimeMessage message, String to) throws MessagingException {
        Address[] recipients = message.getAllRecipients();
        if (recipients == null) {
            return false;
        }
        for (Address recipient : recipients) {
            if (recipient instanceof InternetAddress address && address.getAddress().equalsIgnoreCase(to)) {
                return true;
            }
        }
        return false;
    }

    /** The first text/plain part, decoded, with {@code \n} line ends; {@code null} when there is none. */
    private static String textOf(Part part) throws Exception {
        if (part.isMimeType("text/plain")) {
            return part.getContent().toString().replace("\r\n", "\n");
        }
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                String text = textOf(multipart.getBodyPart(i));
                if (text != null) {
                    return text;
                }
            }
        }
        return null;
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String to = query.get("to");
            if (!"GET".equals(exchange.getRequestMethod()) || to == null) {
                respond(exchange, 400, "GET /mail?to=<address>&contains=<text>");
                return;
            }
            String text;
            try {
                text = take(to, query.getOrDefault("contains", ""), WAIT);
            } catch (Exception e) {
                respond(exchange, 500, "reading the mails failed: " + e);
                return;
            }
            if (text == null) {
                respond(exchange, 404, "no new mail to " + to + " containing \"" + query.getOrDefault("contains", "")
                        + "\" within " + WAIT + " (" + smtp.getReceivedMessages().length + " mails received in all)");
            } else {
                respond(exchange, 200, text);
            }
        }
    }

    /** The decoded parameters of a query string (the last of a repeated name). */
    static Map<String, String> query(String raw) {
        Map<String, String> values = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    values.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    private static void respond(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        try {
            http.stop(0);
            threads.shutdownNow();
        } finally {
            smtp.stop();
        }
    }
}
