package dev.gatehouse.user;

import dev.gatehouse.support.Db;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/operations.md "The first admin": the bootstrap email of an existing non-admin is left alone, with a warning. */
@QuarkusTest
@TestProfile(BootstrapAdminTest.WithBootstrapAdmin.class)
class BootstrapAdminTest {

    static final String EMAIL = "boss@bootstrap.test";
    static final String PASSWORD = "bootstrap-password-7f3a91";

    public static class WithBootstrapAdmin implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gatehouse.bootstrap-admin.email", EMAIL, "gatehouse.bootstrap-admin.password", PASSWORD);
        }
    }

    @Inject
    BootstrapAdmin bootstrapAdmin;
    @Inject
    Db db;

    @Test
    void anExistingUserWithoutTheAdminRoleIsLeftAloneWithAWarning() {
        String hash = (String) db.single("select password_hash from users where email = ?", EMAIL);
        db.update("update users set roles = array['user'] where email = ?", EMAIL); // demoted since the first start

        List<LogRecord> records = captureDuring(() -> bootstrapAdmin.onStart(new StartupEvent()));

        List<String> warnings = records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .map(r -> new SimpleFormatter().formatMessage(r)).toList();
        assertEquals(1, warnings.size(), "one warning: " + warnings);
        String warning = warnings.get(0);
        assertTrue(warning.contains("gatehouse.bootstrap-admin.email") && warning.contains("without the admin role"), warning);
        String id = db.single("select id from users where email = ?", EMAIL).toString();
        assertTrue(warning.contains(id), "names the user by id: " + warning);
        for (String secret : new String[]{PASSWORD, hash, hash.substring(hash.lastIndexOf('$') + 1)}) {
            assertFalse(warning.contains(secret), "no password or hash in the warning");
        }
        assertEquals("{user}", db.single("select roles::text from users where email = ?", EMAIL), "not promoted");
        assertEquals(hash, db.single("select password_hash from users where email = ?", EMAIL), "password not reset");
    }

    @Test
    void anExistingAdminStartsQuietly() {
        db.update("update users set roles = array['user', 'admin'] where email = ?", EMAIL);
        List<LogRecord> records = captureDuring(() -> bootstrapAdmin.onStart(new StartupEvent()));
        assertTrue(records.stream().noneMatch(r -> r.getLevel().intValue() >= Level.WARNING.intValue()));
    }

    @Test
    void aDeletedBootstrapAdminIsNotCreatedAgain() {
        db.update("update users set roles = array['user', 'admin'] where email = ?", EMAIL);
        assertEquals(1, db.count("select count(*) from bootstrap_admins"), "remembered when it was created");
        db.update("delete from users where email = ?", EMAIL); // as an account deletion leaves it
        try {
            List<LogRecord> records = captureDuring(() -> bootstrapAdmin.onStart(new StartupEvent()));
            assertEquals(0, db.count("select count(*) from users where email = ?", EMAIL), "not brought back");
            assertTrue(records.stream().anyMatch(r -> r.getLevel().intValue() >= Level.WARNING.intValue()
                    && new SimpleFormatter().formatMessage(r).contains("deleted")));
        } finally {
            // put it back as it was for the other tests of this class
            db.update("delete from bootstrap_admins");
            bootstrapAdmin.onStart(new StartupEvent());
        }
    }

    private static List<LogRecord> captureDuring(Runnable action) {
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public synchronized void publish(LogRecord record) {
                if (record.getLoggerName() != null && record.getLoggerName().startsWith(BootstrapAdmin.class.getName())) {
                    records.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(capture);
        try {
            action.run();
        } finally {
            Logger.getLogger("").removeHandler(capture);
        }
        return new ArrayList<>(records);
    }
}
