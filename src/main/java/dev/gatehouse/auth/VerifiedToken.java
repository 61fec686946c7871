package dev.gatehouse.auth;

import jakarta.json.JsonString;
import org.eclipse.microprofile.jwt.Claims;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An access token after SmallRye JWT verified it, reduced to what the rest of a request reads: the
 * subject, session and stamp for {@link BearerTokenGuard}, the groups that become the identity's roles,
 * and the times. This is the principal of every Bearer request, and what {@link VerifiedTokenCache}
 * keeps, so a cached token costs about 200 bytes rather than its text and parsed claims (docs/tokens.md
 * "Cache sizes"). A claim this does not hold reads as absent. A field is null when the token lacks
 * the claim or it is malformed; the guard then refuses the token.
 */
final class VerifiedToken implements JsonWebToken {

    /** Group sets are few ({@code [user]}, {@code [user, admin]}): one copy of each. */
    private static final Map<Set<String>, Set<String>> GROUP_SETS = new ConcurrentHashMap<>();
    private static final int MAX_GROUP_SETS = 256;
    private static final Set<String> NAMES = Set.of(Claims.sub.name(), Claims.groups.name(), Claims.iat.name(),
            Claims.exp.name(), "sid", "stamp");

    private final UUID subject;
    private final UUID sessionId;
    private final String stamp;
    private final Set<String> groups;
    private final long issuedAt;
    private final long expiresAt;

    private VerifiedToken(UUID subject, UUID sessionId, String stamp, Set<String> groups, long issuedAt, long expiresAt) {
        this.subject = subject;
        this.sessionId = sessionId;
        this.stamp = stamp;
        this.groups = groups;
        this.issuedAt = issuedAt;
        this.expiresAt = expiresAt;
    }

    /** The part of a token SmallRye JWT has just verified that Gatehouse reads. */
    static VerifiedToken of(JsonWebToken verified) {
        return new VerifiedToken(uuid(text(verified.getClaim(Claims.sub.name()))), uuid(text(verified.getClaim("sid"))),
                text(verified.getClaim("stamp")), shared(verified.getGroups()), verified.getIssuedAtTime(),
                verified.getExpirationTime());
    }

    UUID subjectId() {
        return subject;
    }

    UUID sessionId() {
        return sessionId;
    }

    String stamp() {
        return stamp;
    }

    @Override
    public String getName() {
        return subject == null ? null : subject.toString();
    }

    @Override
    public Set<String> getClaimNames() {
        return NAMES;
    }

    @Override
    public Set<String> getGroups() {
        return groups;
    }

    @Override
    public long getExpirationTime() {
        return expiresAt;
    }

    @Override
    public long getIssuedAtTime() {
        return issuedAt;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getClaim(String claimName) {
        Object value = switch (claimName) {
            case "sub" -> getName();
            case "sid" -> sessionId == null ? null : sessionId.toString();
            case "stamp" -> stamp;
            case "groups" -> groups;
            case "iat" -> issuedAt;
            case "exp" -> expiresAt;
            default -> null;
        };
        return (T) value;
    }

    private static String text(Object claim) {
        if (claim instanceof JsonString json) {
            return json.getString();
        }
        return claim instanceof String string ? string : null;
    }

    private static UUID uuid(String value) {
        if (value == null) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Set<String> shared(Set<String> groups) {
        Set<String> copy = groups == null ? Set.of() : Set.copyOf(new LinkedHashSet<>(groups));
        Set<String> known = GROUP_SETS.get(copy);
        if (known != null) {
            return known;
        }
        // bounded: unusual group combinations beyond it keep their own copies
        return GROUP_SETS.size() < MAX_GROUP_SETS ? GROUP_SETS.computeIfAbsent(copy, key -> key) : copy;
    }
}
