package dev.gatehouse.abuse;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.problem.RateLimitedException;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Per-client-IP token buckets on login, register and refresh (docs/api.md "Per-IP rate limits"), per
 * instance; the password change takes its tokens from the login bucket. Buckets live in a bounded, expiring map so that an attacker with many addresses cannot
 * exhaust memory.
 */
@Singleton
public class RateLimits {

    /** {@code MAIL}: calls that queue a mail to an address (forgot password, verification): register's rates. */
    public enum Endpoint { LOGIN, REGISTER, REFRESH, MAIL }

    private static final int MAX_TRACKED_CLIENTS = 100_000;

    private final boolean enabled;
    private final Map<Endpoint, Bandwidth> limits = new EnumMap<>(Endpoint.class);
    private final Map<Endpoint, Cache<String, Bucket>> buckets = new EnumMap<>(Endpoint.class);

    RateLimits(GatehouseConfig config) {
        GatehouseConfig.RateLimit rate = config.rateLimit();
        this.enabled = rate.enabled();
        limits.put(Endpoint.LOGIN, bandwidth(rate.loginPerMinute(), rate.loginBurst()));
        limits.put(Endpoint.REGISTER, bandwidth(rate.registerPerMinute(), rate.registerBurst()));
        limits.put(Endpoint.MAIL, bandwidth(rate.registerPerMinute(), rate.registerBurst()));
        limits.put(Endpoint.REFRESH, bandwidth(rate.refreshPerMinute(), rate.refreshBurst()));
        for (Endpoint endpoint : Endpoint.values()) {
            buckets.put(endpoint, Caffeine.newBuilder().maximumSize(MAX_TRACKED_CLIENTS)
                    .expireAfterAccess(Duration.ofMinutes(10)).build());
        }
    }

    /** Takes one token for the client (an IPv6 client's whole /64), or answers 429 with the seconds until the next one. */
    public void check(Endpoint endpoint, String clientIp) {
        if (!enabled || clientIp == null) {
            return;
        }
        Bucket bucket = buckets.get(endpoint).get(ClientAddress.bucketKey(clientIp),
                key -> Bucket.builder().addLimit(limits.get(endpoint)).build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
            throw new RateLimitedException(seconds);
        }
    }

    /** A bucket of {@code burst} tokens refilled smoothly at {@code perMinute}. */
    private static Bandwidth bandwidth(int perMinute, int burst) {
        return Bandwidth.builder().capacity(burst).refillGreedy(perMinute, Duration.ofMinutes(1)).build();
    }
}
