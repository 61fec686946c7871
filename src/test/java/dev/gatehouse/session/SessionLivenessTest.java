package dev.gatehouse.session;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * "Live" and "active" are defined once in {@link Session}, in a Java and a SQL form: both must
 * give the same answer for every kind of session, including the boundaries
 * (docs/tokens.md "Active and live sessions").
 */
@QuarkusTest
class SessionLivenessTest {

    @Inject
    Db db;

    @Test
    void javaAndSqlFormsAgreeOnEverySession() {
        UUID userId = UUID.fromString(Api.register().id());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS); // PostgreSQL keeps microseconds
        Instant past = now.minusSeconds(60);
        Instant future = now.plusSeconds(60);
        List<Session> sessions = new ArrayList<>();
        for (Instant revokedAt : new Instant[] {null, past}) {
            for (Instant absoluteEnd : new Instant[] {past, now, future}) {
                for (Instant refreshExpiresAt : new Instant[] {past, now, future}) {
                    Session session = new Session();
                    session.id = UUID.randomUUID();
                    session.userId = userId;
                    session.createdAt = past;
                    session.lastUsedAt = past;
                    session.revokedAt = revokedAt;
                    session.absoluteEnd = absoluteEnd;
                    session.refreshExpiresAt = refreshExpiresAt;
                    sessions.add(session);
                }
            }
        }
        QuarkusTransaction.requiringNew().run(() -> sessions.forEach(s -> s.persist()));

        OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        int active = 0;
        for (Session session : sessions) {
            boolean liveInSql = db.count("select count(*) from sessions s where s.id = ? and "
                    + Session.liveSql("s", "?"), session.id, at) == 1;
            boolean activeInSql = db.count("select count(*) from sessions s where s.id = ? and "
                    + Session.activeSql("s", "?"), session.id, at, at) == 1;
            boolean live = Session.isLive(session.revokedAt, session.absoluteEnd, now);
            assertEquals(live, liveInSql, () -> "live: " + describe(session));
            assertEquals(session.isActive(now), activeInSql, () -> "active: " + describe(session));
            active += activeInSql ? 1 : 0;
        }
        assertEquals(1, active, "only the unrevoked session with both ends in the future is active");
    }

    private static String describe(Session s) {
        return "revokedAt=" + s.revokedAt + " absoluteEnd=" + s.absoluteEnd + " refreshExpiresAt=" + s.refreshExpiresAt;
    }
}
