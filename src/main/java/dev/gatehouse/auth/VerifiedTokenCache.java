package dev.gatehouse.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.gatehouse.config.GatehouseConfig;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.concurrent.TimeUnit;

/**
 * Remembers the access tokens SmallRye JWT has verified, keyed by their exact text, until they
 * expire. An app sends the same token for its whole life (15 minutes by default), and after the
 * session check moved to memory, parsing and the signature check were the largest part of a Bearer
 * request. Only a token that passed the full check is cached: a tampered or forged token has other
 * bytes, so it is another key and goes through the full check (and is never cached when it fails).
 * Expiry is checked on every hit against the system clock, as jose4j does, with the same skew. The
 * Gatehouse checks (stamp, live session) still run on every request, in {@link BearerTokenGuard}.
 */
@Decorator
@Priority(10)
abstract class VerifiedTokenCache implements JWTParser {

    /** Bounded: about 3 KB an entry (token and parsed claims), so at most ~12 MB. */
    private static final int MAX_ENTRIES = 4096;

    private final JWTParser delegate;
    private final long skewMillis;
    private final Cache<String, JsonWebToken> verified;

    @Inject
    VerifiedTokenCache(@Delegate @Any JWTParser delegate, GatehouseConfig config) {
        this.delegate = delegate;
        this.skewMillis = config.jwt().clockSkew().toMillis();
        this.verified = Caffeine.newBuilder()
                .maximumSize(MAX_ENTRIES)
                .expireAfter(new Expiry<String, JsonWebToken>() {
                    @Override
                    public long expireAfterCreate(String token, JsonWebToken jwt, long currentTime) {
                        return TimeUnit.MILLISECONDS.toNanos(Math.max(0, validUntil(jwt) - System.currentTimeMillis()));
                    }

                    @Override
                    public long expireAfterUpdate(String token, JsonWebToken jwt, long currentTime, long currentDuration) {
                        return currentDuration;
                    }

                    @Override
                    public long expireAfterRead(String token, JsonWebToken jwt, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        JsonWebToken hit = verified.getIfPresent(token);
        if (hit != null && System.currentTimeMillis() < validUntil(hit)) {
            return hit;
        }
        JsonWebToken jwt = delegate.parse(token); // throws for anything that does not verify
        verified.put(token, jwt);
        return jwt;
    }

    private long validUntil(JsonWebToken jwt) {
        return jwt.getExpirationTime() * 1000 + skewMillis;
    }
}
