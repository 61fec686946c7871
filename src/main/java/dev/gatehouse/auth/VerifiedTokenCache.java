package dev.gatehouse.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.gatehouse.config.GatehouseConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeUnit;

/**
 * Remembers the access tokens SmallRye JWT has verified until they expire, so that a client's repeated
 * requests skip parsing and the signature check, the largest part of a Bearer request once the session
 * check moved to memory. An app sends the same token for its whole life (15 minutes by default).
 * <p>
 * Only a token that passed the full check is cached, keyed by the SHA-256 of its exact text: a tampered
 * or forged token has other bytes, so another key (finding a second text with a cached token's digest
 * is a SHA-256 second preimage; a text with a character a compact JWS cannot hold is refused first), and goes through the full check (and is never cached when it fails).
 * The entry is a {@link VerifiedToken}, the few claims Gatehouse reads, not the text and its parsed
 * claims: a cache for 100,000 sessions stays small (docs/tokens.md "Cache sizes"). It is bounded by
 * {@code gatehouse.cache.access-tokens} and evicts one entry at a time. Expiry is checked on every hit
 * against the system clock, as jose4j does, with the same skew. The Gatehouse checks (stamp, live
 * session) still run on every request, in {@link BearerTokenGuard}.
 */
@Decorator
@Priority(10)
abstract class VerifiedTokenCache implements JWTParser {

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private final JWTParser delegate;
    private final long skewMillis;
    private final Cache<Digest, VerifiedToken> verified;

    @Inject
    VerifiedTokenCache(@Delegate @Any JWTParser delegate, GatehouseConfig config, MeterRegistry registry) {
        this.delegate = delegate;
        this.skewMillis = config.jwt().clockSkew().toMillis();
        this.verified = Caffeine.newBuilder()
                .maximumSize(config.cache().accessTokens())
                .executor(Runnable::run) // eviction on the calling thread: the bound holds under any load
                .recordStats()
                .expireAfter(new Expiry<Digest, VerifiedToken>() {
                    @Override
                    public long expireAfterCreate(Digest key, VerifiedToken jwt, long currentTime) {
                        return TimeUnit.MILLISECONDS.toNanos(Math.max(0, validUntil(jwt) - System.currentTimeMillis()));
                    }

                    @Override
                    public long expireAfterUpdate(Digest key, VerifiedToken jwt, long currentTime, long currentDuration) {
                        return currentDuration;
                    }

                    @Override
                    public long expireAfterRead(Digest key, VerifiedToken jwt, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
        CaffeineCacheMetrics.monitor(registry, verified, "gatehouse_access_tokens");
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        Digest key = Digest.of(token);
        VerifiedToken hit = verified.getIfPresent(key);
        if (hit != null && System.currentTimeMillis() < validUntil(hit)) {
            return hit;
        }
        // throws for anything that does not verify
        VerifiedToken jwt = VerifiedToken.of(delegate.parse(token));
        verified.put(key, jwt);
        return jwt;
    }

    private long validUntil(JsonWebToken jwt) {
        return jwt.getExpirationTime() * 1000 + skewMillis;
    }

    /**
     * The SHA-256 of a token's text, as four longs: 48 bytes a key instead of the ~800 of the text. A
     * compact JWS is base64url and dots only; any other character refuses the token here, before jose4j,
     * whose base64url decoding skips such characters (so {@code token + "\u0080"} would verify as the
     * token). Then a text and its bytes determine each other, and one token has one key.
     */
    private record Digest(long a, long b, long c, long d) {
        static Digest of(String token) throws ParseException {
            byte[] bytes = new byte[token.length()];
            for (int i = 0; i < bytes.length; i++) {
                char c = token.charAt(i);
                if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.')) {
                    throw new ParseException("not a compact JWS");
                }
                bytes[i] = (byte) c;
            }
            ByteBuffer hash = ByteBuffer.wrap(SHA_256.get().digest(bytes));
            return new Digest(hash.getLong(), hash.getLong(), hash.getLong(), hash.getLong());
        }
    }
}
