package dev.gatehouse.support;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Everything the app logs at any level while it is open, messages and stack traces (as ops/NoSecretsInLogsTest
 * does), each line after its logger's name.
 */
public final class CapturedLog implements AutoCloseable {

    private final StringBuilder captured = new StringBuilder();
    private final Handler handler = new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            if (record.getLoggerName() != null && record.getLoggerName().startsWith("com.icegreen")) {
                return; // the tests' SMTP server (support/TestSmtp) names the mailboxes it creates: not the app's log
            }
            synchronized (captured) {
                captured.append(record.getLoggerName()).append(' ').append(formatter.formatMessage(record)).append('\n');
                if (record.getThrown() != null) {
                    StringWriter trace = new StringWriter();
                    record.getThrown().printStackTrace(new PrintWriter(trace));
                    captured.append(trace).append('\n');
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private CapturedLog() {
        handler.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(handler);
    }

    public static CapturedLog start() {
        return new CapturedLog();
    }

    public String text() {
        synchronized (captured) {
            return captured.toString();
        }
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(handler);
    }
}
