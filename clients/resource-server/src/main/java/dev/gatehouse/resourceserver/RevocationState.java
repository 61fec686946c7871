package dev.gatehouse.resourceserver;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the feed has said so far (docs/revocation-feed.md "Following the feed"): revoked sessions, and each user's
 * newest stamp. Bounded by time: a fact is dropped once it is older than the retention, when no token it concerns
 * can still be valid.
 */
final class RevocationState {

    private record Stamp(String stamp, Instant at) {
    }

    private final Map<UUID, Instant> sessions = new ConcurrentHashMap<>();
    private final Map<UUID, Stamp> users = new ConcurrentHashMap<>();
    private final Duration clockSkew;

    RevocationState(Duration clockSkew) {
        this.clockSkew = clockSkew;
    }

    void sessionRevoked(UUID sid, Instant at) {
        sessions.put(sid, at);
    }

    /** Events come in feed order: the later fact for a user is its newest stamp. */
    void stampChanged(UUID sub, String stamp, Instant at) {
        users.put(sub, new Stamp(stamp, at));
    }

    /**
     * Whether a token is dead: its session was revoked, or its user's stamp changed to another one and the token
     * was issued before that (or within the clock skew after it, as Gatehouse's own clocks may differ).
     */
    boolean refuses(UUID sid, UUID sub, String stamp, Instant issuedAt) {
        if (sid != null && sessions.containsKey(sid)) {
            return true;
        }
        Stamp newest = sub == null ? null : users.get(sub);
        return newest != null && !newest.stamp().equals(stamp) && !issuedAt.isAfter(newest.at().plus(clockSkew));
    }

    /** Drops the facts older than {@code horizon}. */
    void forgetBefore(Instant horizon) {
        sessions.values().removeIf(at -> at.isBefore(horizon));
        users.values().removeIf(newest -> newest.at().isBefore(horizon));
    }

    int size() {
        return sessions.size() + users.size();
    }
}
