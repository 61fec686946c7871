package dev.gatehouse.auth;

import dev.gatehouse.session.SessionState;
import dev.gatehouse.session.SessionStates;
import dev.gatehouse.user.Caller;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Clock;

/**
 * The Gatehouse-specific half of Bearer validation (docs/tokens.md "Validation").
 * SmallRye JWT has already checked the signature, algorithm, issuer, audience and expiry; this checks
 * that the user's current security stamp equals the token's and that its session is live — from
 * {@link SessionStates}, so that the common case costs no database round trip — and leaves the
 * {@link Caller} on the identity for the resources.
 */
@Singleton
public class BearerTokenGuard implements SecurityIdentityAugmentor {

    private final SessionStates states;
    private final Clock clock;

    BearerTokenGuard(SessionStates states, Clock clock) {
        this.states = states;
        this.clock = clock;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return Uni.createFrom().item(identity);
        }
        // every verified token reaches here as a VerifiedToken (VerifiedTokenCache); anything else is refused
        if (!(jwt instanceof VerifiedToken token)
                || token.sessionId() == null || token.subjectId() == null || token.stamp() == null) {
            return Uni.createFrom().failure(new AuthenticationFailedException("token lacks sid, sub or stamp"));
        }
        SessionState cached = states.cached(token.sessionId());
        if (cached != null) {
            try {
                return Uni.createFrom().item(check(identity, cached, token));
            } catch (AuthenticationFailedException e) {
                return Uni.createFrom().failure(e);
            }
        }
        return context.runBlocking(() -> check(identity, states.load(token.sessionId()), token));
    }

    private SecurityIdentity check(SecurityIdentity identity, SessionState state, VerifiedToken token) {
        if (state == null || !state.accepts(token.subjectId(), token.stamp(), clock.instant())) {
            throw new AuthenticationFailedException("session revoked or stamp changed");
        }
        return QuarkusSecurityIdentity.builder(identity).addAttribute(Caller.ATTRIBUTE, state.caller()).build();
    }
}
