package dev.gatehouse.session;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.problem.Problems;
import dev.gatehouse.user.Caller;
import dev.gatehouse.user.User;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;

/**
 * The guard of the changes that add a way to sign in (docs/passkeys.md "Adding a passkey", docs/mfa.md
 * "Turning it on"): a verified e-mail and a live session signed in less than {@code gatehouse.account.recent-sign-in}
 * ago. A stolen session must sign in again, which it cannot do without the password (and the code, with TOTP on).
 */
@Singleton
public class RecentSignIn {

    private final GatehouseConfig config;
    private final Clock clock;

    RecentSignIn(GatehouseConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** 403 {@code reauthentication_required} unless the caller's session and account qualify. */
    public void require(Caller caller) {
        // read now, not from the token: an address verified since the token was issued counts
        boolean recent = QuarkusTransaction.requiringNew().call(() -> {
            User user = User.findById(caller.userId());
            Session session = Session.findById(caller.sessionId());
            Instant now = clock.instant();
            if (user == null || session == null || !session.isActive(now) || !user.emailVerified) {
                return false;
            }
            Instant authTime = session.authTime != null ? session.authTime : session.createdAt;
            return authTime.isAfter(now.minus(config.account().recentSignIn()));
        });
        if (!recent) {
            throw Problems.reauthenticationRequired();
        }
    }
}
