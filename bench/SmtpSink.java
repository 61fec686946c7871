import com.sun.net.httpserver.HttpServer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local SMTP server that takes every mail and keeps only counts and arrival times, so that the mail bench measures
 * Gatehouse's sender and not a mail store (bench/mail.sh). JDK only:
 *   java bench/SmtpSink.java 2525 2526   (SMTP port, HTTP port of the counts)
 * GET http://127.0.0.1:2526/ answers "mails distinct_recipients first_nanos last_nanos"; POST resets.
 * GET http://127.0.0.1:2526/arrivals answers one line per mail, "recipient epoch_micros" (wall clock, when the end
 * of its DATA arrived), for latencies measured from another process on the same machine.
 */
public class SmtpSink {

    private static final AtomicLong MAILS = new AtomicLong();
    private static final AtomicLong FIRST = new AtomicLong();
    private static final AtomicLong LAST = new AtomicLong();
    private static final Set<String> RECIPIENTS = ConcurrentHashMap.newKeySet();
    private static final Queue<String> ARRIVALS = new ConcurrentLinkedQueue<>();

    public static void main(String[] args) throws Exception {
        ServerSocket smtp = new ServerSocket(Integer.parseInt(args[0]), 200, InetAddress.getLoopbackAddress());
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[1])), 10);
        http.createContext("/", exchange -> {
            if ("POST".equals(exchange.getRequestMethod())) {
                MAILS.set(0);
                FIRST.set(0);
                LAST.set(0);
                RECIPIENTS.clear();
                ARRIVALS.clear();
            }
            byte[] body = (exchange.getRequestURI().getPath().equals("/arrivals") ? String.join("", ARRIVALS)
                    : MAILS.get() + " " + RECIPIENTS.size() + " " + FIRST.get() + " " + LAST.get() + "\n")
                    .getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        System.out.println("ready");
        while (true) {
            Socket connection = smtp.accept();
            Thread thread = new Thread(() -> serve(connection));
            thread.setDaemon(true);
            thread.start();
        }
    }

    private static void serve(Socket connection) {
        try (connection) {
            BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = connection.getOutputStream();
            reply(out, "220 sink ESMTP");
            String recipient = null;
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                switch (command) {
                    case "EHLO" -> reply(out, "250-sink\r\n250 8BITMIME");
                    case "RCPT" -> { // RCPT TO:<address>
                        recipient = line.substring(line.indexOf('<') + 1, line.lastIndexOf('>') > line.indexOf('<')
                                ? line.lastIndexOf('>') : line.length());
                        reply(out, "250 OK");
                    }
                    case "DATA" -> {
                        reply(out, "354 go ahead");
                        while ((line = in.readLine()) != null && !line.equals(".")) {
                            // the mail itself: only counted
                        }
                        long now = System.nanoTime();
                        Instant arrived = Instant.now();
                        FIRST.compareAndSet(0, now);
                        LAST.set(now);
                        MAILS.incrementAndGet();
                        RECIPIENTS.add(String.valueOf(recipient));
                        ARRIVALS.add(recipient + " " + (arrived.getEpochSecond() * 1_000_000 + arrived.getNano() / 1_000) + "\n");
                        reply(out, "250 OK");
                    }
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    default -> reply(out, "250 OK"); // HELO, MAIL, RSET, NOOP
                }
            }
        } catch (Exception closed) {
            // the client went away
        }
    }

    private static void reply(OutputStream out, String text) throws Exception {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
