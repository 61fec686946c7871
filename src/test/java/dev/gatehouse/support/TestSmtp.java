package dev.gatehouse.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import javax.management.JMException;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One real SMTP server (GreenMail) per test JVM, on a free loopback port (docs/mail.md "Testing"). The Quarkus test
 * app sends to it: {@link TestSmtpConfigSourceFactory} gives it the host and port. Tests read what arrived, and stop
 * and start the server on the same port for outages.
 *
 * <p>The server is registered as a JMX bean and reached through it: the Quarkus test app, its build and the tests
 * may each load this class with a class loader of their own, and JMX speaks only JDK types, so they all share one
 * server.
 */
public final class TestSmtp {

    public static final String LINK_BASE_URL = "https://shop.test/app";
    public static final String FROM = "Gatehouse <no-reply@gatehouse.test>";
    private static final Pattern LINK = Pattern.compile("https?://\\S+");
    private static final Pattern TOKEN = Pattern.compile("gatehouse_ot_[A-Za-z0-9_-]{43}");

    /** A mail the server received. {@code text}: the decoded text/plain part. */
    public record Received(String from, List<String> to, String subject, String contentType, String text) {
    }

    private TestSmtp() {
    }

    public static int port() {
        return server().getPort();
    }

    /** Stops the server: connections are refused until {@link #start()}. What it received stays readable. */
    public static void stop() {
        server().stop();
    }

    /** Starts it again on the same port. */
    public static void start() {
        server().start();
    }

    /** Forgets every mail received so far. */
    public static void clear() {
        server().clear();
    }

    public static List<Received> received() {
        List<Received> all = new ArrayList<>();
        for (byte[] raw : server().messages()) {
            all.add(parse(raw));
        }
        return all;
    }

    public static List<Received> receivedBy(String recipient) {
        return received().stream().filter(mail -> mail.to().stream().anyMatch(recipient::equalsIgnoreCase)).toList();
    }

    /** The text of the first mail to {@code recipient}, waiting up to 10 s for it. */
    public static String awaitMail(String recipient) {
        return awaitMail(recipient, text -> true, Duration.ofSeconds(10));
    }

    /** The text of the first mail to {@code recipient} whose text matches, polled until it arrives or time runs out. */
    public static String awaitMail(String recipient, Predicate<String> text, Duration timeout) {
        return awaitMessage(recipient, mail -> text.test(mail.text()), timeout).text();
    }

    public static Received awaitMessage(String recipient, Predicate<Received> matches, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Received mail : receivedBy(recipient)) {
                if (matches.test(mail)) {
                    return mail;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no mail to that recipient within " + timeout + " (received " + received().size() + " in all)");
            }
            pause();
        }
    }

    /** The six digits of the one {@code Code: DDDDDD} line; fails unless there is exactly one such line. */
    public static String codeOf(String text) {
        List<String> lines = text.lines().filter(line -> line.contains("Code:")).toList();
        if (lines.size() != 1 || !lines.get(0).matches("Code: [0-9]{6}")) {
            throw new AssertionError("expected exactly one line 'Code: DDDDDD', found " + lines.size() + " line(s) with 'Code:'");
        }
        return lines.get(0).substring("Code: ".length());
    }

    /**
     * The token of the one link {@code <link base>/<action>?token=<token>}; fails unless the text has exactly one link
     * and it is that one.
     */
    public static String linkTokenOf(String text, String action) {
        Matcher links = LINK.matcher(text);
        List<String> found = new ArrayList<>();
        while (links.find()) {
            found.add(links.group());
        }
        if (found.size() != 1) {
            throw new AssertionError("expected exactly one link, found " + found.size());
        }
        String prefix = LINK_BASE_URL + "/" + action + "?token=";
        String link = found.get(0);
        if (!link.startsWith(prefix) || !TOKEN.matcher(link.substring(prefix.length())).matches()) {
            throw new AssertionError("the link is not " + prefix + "gatehouse_ot_<43 characters>");
        }
        return link.substring(prefix.length());
    }

    private static Received parse(byte[] raw) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(MimeMessage.class.getClassLoader());
        try {
            return parseWithOwnClassLoader(raw);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static Received parseWithOwnClassLoader(byte[] raw) {
        try {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
            Address[] to = message.getRecipients(Message.RecipientType.TO);
            List<String> recipients = to == null ? List.of()
                    : Arrays.stream(to).map(address -> ((InternetAddress) address).getAddress()).toList();
            Address[] from = message.getFrom();
            Object content = message.getContent();
            return new Received(from == null || from.length == 0 ? null : from[0].toString(), recipients,
                    message.getSubject(), message.getContentType(), content instanceof String text ? text : null);
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("a received mail does not parse", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    // ---- the one server of the JVM ----------------------------------------------------------------------------

    /** What every class loader sees of the server: JDK types only. */
    public interface Control {
        int getPort();

        void stop();

        void start();

        void clear();

        /** Every mail received since the last clear, as raw MIME, across stops and starts. */
        byte[][] messages();
    }

    private static Control server() {
        MBeanServer beans = ManagementFactory.getPlatformMBeanServer();
        try {
            ObjectName name = new ObjectName("dev.gatehouse.test:type=TestSmtp");
            synchronized (beans) { // the one lock every class loader shares
                if (!beans.isRegistered(name)) {
                    beans.registerMBean(new StandardMBean(new Server(), Control.class), name);
                }
            }
            return JMX.newMBeanProxy(beans, name, Control.class);
        } catch (JMException e) {
            throw new IllegalStateException("cannot start the test SMTP server", e);
        }
    }

    private static final class Server implements Control {
        private final int port;
        private final List<byte[]> earlier = new ArrayList<>();
        private GreenMail greenMail;

        Server() {
            this.port = startOnFreePort();
            Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "gatehouse-test-smtp-stop"));
        }

        private int startOnFreePort() {
            for (int attempt = 0; ; attempt++) {
                int candidate = freePort();
                try {
                    startGreenMail(candidate);
                    return candidate;
                } catch (RuntimeException taken) {
                    if (attempt == 4) {
                        throw taken;
                    }
                }
            }
        }

        @Override
        public int getPort() {
            return port;
        }

        @Override
        public synchronized void stop() {
            if (greenMail != null) {
                earlier.addAll(current());
                greenMail.stop();
                greenMail = null;
            }
        }

        @Override
        public synchronized void start() {
            if (greenMail == null) {
                startGreenMail(port);
            }
        }

        /**
         * With the context class loader of GreenMail's own classes, which its connection threads inherit: jakarta.mail
         * finds its providers through it, and a caller's (a Quarkus app's) would hand it classes of another loader.
         */
        private void startGreenMail(int smtpPort) {
            withOwnClassLoader(() -> {
                greenMail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
                greenMail.start();
                return null;
            });
        }

        @Override
        public synchronized void clear() {
            earlier.clear();
            if (greenMail != null) {
                withOwnClassLoader(() -> {
                    try {
                        greenMail.purgeEmailFromAllMailboxes();
                        return null;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
        }

        @Override
        public synchronized byte[][] messages() {
            List<byte[]> all = new ArrayList<>(earlier);
            all.addAll(current());
            return all.toArray(byte[][]::new);
        }

        private List<byte[]> current() {
            return withOwnClassLoader(this::currentMessages);
        }

        private List<byte[]> currentMessages() {
            if (greenMail == null) {
                return List.of();
            }
            List<byte[]> raw = new ArrayList<>();
            for (MimeMessage message : greenMail.getReceivedMessages()) {
                try {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    message.writeTo(out);
                    raw.add(out.toByteArray());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (MessagingException e) {
                    throw new IllegalStateException(e);
                }
            }
            return raw;
        }

        private static <T> T withOwnClassLoader(java.util.function.Supplier<T> action) {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(GreenMail.class.getClassLoader());
            try {
                return action.get();
            } finally {
                thread.setContextClassLoader(previous);
            }
        }

        private static int freePort() {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
