package dev.gatehouse.feed;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.problem.Problems;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The feed's credentials (docs/revocation-feed.md "Access"): {@code Authorization: Bearer <secret>}, one of
 * {@code gatehouse.revocation-feed.secrets}. Every listed secret is compared, in constant time, whatever matched
 * first. Checked at start: each secret has at least 32 bytes.
 */
@Singleton
@Startup // a short secret stops the start, not the first request
class FeedSecrets {

    static final int MIN_BYTES = 32;
    private static final String BEARER = "Bearer ";

    /** SHA-256 of each secret: compared digest to digest, so neither content nor length shows in the time taken. */
    private final List<byte[]> digests;

    FeedSecrets(GatehouseConfig config) {
        List<String> secrets = config.revocationFeed().secrets().orElse(List.of());
        for (String secret : secrets) {
            if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_BYTES) {
                throw new IllegalArgumentException("gatehouse.revocation-feed.secrets: every secret needs at least "
                        + MIN_BYTES + " bytes");
            }
        }
        this.digests = secrets.stream().map(FeedSecrets::digest).toList();
    }

    static boolean configured(GatehouseConfig config) {
        return config.revocationFeed().secrets().map(list -> !list.isEmpty()).orElse(false);
    }

    /** 404 while the feed is off, 401 {@code invalid_token} without a listed secret. */
    void check(String authorization) {
        if (digests.isEmpty()) {
            throw Problems.notFound();
        }
        byte[] presented = digest(authorization != null && authorization.startsWith(BEARER)
                ? authorization.substring(BEARER.length()) : "");
        boolean match = false;
        for (byte[] secret : digests) {
            match |= MessageDigest.isEqual(secret, presented);
        }
        if (!match) {
            throw new UnauthorizedException(); // 401 invalid_token with the Bearer challenge, as any Bearer endpoint
        }
    }

    private static byte[] digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
