package dev.gatehouse.passkey;

import dev.gatehouse.event.SecurityEventKind;
import dev.gatehouse.event.SecurityEvents;
import dev.gatehouse.problem.Problems;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A user's own passkeys: list, rename, remove (docs/api.md "Passkeys"). Another user's passkey is not found. */
@Singleton
public class Passkeys {

    private final RelyingParty rp;
    private final SecurityEvents events;
    private final Clock clock;

    Passkeys(RelyingParty rp, SecurityEvents events, Clock clock) {
        this.rp = rp;
        this.events = events;
        this.clock = clock;
    }

    /** Newest first. Answers even while passkeys are off, for the export. */
    public List<PasskeyView> of(UUID userId) {
        return QuarkusTransaction.requiringNew().call(() -> Passkey.ofUser(userId).stream().map(PasskeyView::of).toList());
    }

    public List<PasskeyView> list(UUID userId) {
        rp.requireEnabled();
        return of(userId);
    }

    public void rename(UUID userId, UUID passkeyId, String name) {
        rp.requireEnabled();
        QuarkusTransaction.requiringNew().run(() -> {
            long renamed = Passkey.update("name = ?1 where id = ?2 and userId = ?3", name, passkeyId, userId);
            if (renamed == 0) {
                throw Problems.noSuchPasskey();
            }
        });
    }

    /** Removed at once: its next sign-in is refused, even one already past verification (PasskeySignIn). */
    public void remove(UUID userId, UUID sessionId, UUID passkeyId) {
        rp.requireEnabled();
        QuarkusTransaction.requiringNew().run(() -> {
            long removed = Passkey.delete("id = ?1 and userId = ?2", passkeyId, userId);
            if (removed == 0) {
                throw Problems.noSuchPasskey();
            }
            events.record(userId, sessionId, SecurityEventKind.PASSKEY_REMOVED, clock.instant(),
                    Map.of("passkeyId", passkeyId.toString()));
        });
    }
}
