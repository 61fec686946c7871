package dev.gatehouse.account;

import dev.gatehouse.event.SecurityEventView;
import dev.gatehouse.event.SecurityEvents;
import dev.gatehouse.mfa.SecondFactor;
import dev.gatehouse.passkey.PasskeyView;
import dev.gatehouse.passkey.Passkeys;
import dev.gatehouse.session.SessionView;
import dev.gatehouse.session.Sessions;
import dev.gatehouse.user.User;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The data export (docs/api.md "Data export"): the user's data as the API shows it, and nothing the API does
 * not show: no password hash, no security stamp, no token or token hash.
 */
@Singleton
public class DataExport {

    /** The export: the user (with its second factor's state, never the secret), its active sessions, its passkeys, its security events. */
    @RegisterForReflection // serialized from a Response entity: native needs it registered
    public record Export(ExportedUser user, List<SessionView> sessions, List<PasskeyView> passkeys,
                         List<SecurityEventView> events) {
    }

    /** The user as the API shows it, with what only admins otherwise see: status and creation time. */
    @RegisterForReflection
    public record ExportedUser(UUID id, String email, String displayName, List<String> roles, boolean emailVerified,
                               boolean mfaEnabled, SecondFactor.State secondFactor, String status, Instant createdAt) {

        static ExportedUser of(User user, SecondFactor.State secondFactor) {
            return new ExportedUser(user.id, user.email, user.displayName, user.roles, user.emailVerified,
                    secondFactor.enabled(), secondFactor, user.status.value(), user.createdAt);
        }
    }

    private final Sessions sessions;
    private final SecurityEvents events;
    private final Passkeys passkeys;

    private final SecondFactor secondFactor;

    DataExport(Sessions sessions, SecurityEvents events, Passkeys passkeys, SecondFactor secondFactor) {
        this.secondFactor = secondFactor;
        this.sessions = sessions;
        this.events = events;
        this.passkeys = passkeys;
    }

    /** Empty when the user no longer exists (deleted while the request was on its way). */
    public Optional<Export> of(UUID userId, UUID currentSessionId) {
        User user = QuarkusTransaction.requiringNew().call(() -> User.<User>findById(userId));
        if (user == null) {
            return Optional.empty();
        }
        // every event the service still keeps (docs/operations.md "Storage purge": at most the retention's worth)
        return Optional.of(new Export(ExportedUser.of(user, secondFactor.state(userId)), sessions.listActive(userId, currentSessionId), passkeys.of(userId),
                events.forExport(userId)));
    }
}
