package dev.gatehouse.token;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.keys.SigningKey;
import dev.gatehouse.keys.SigningKeys;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;

/** Builds and signs access tokens with the claims of docs/tokens.md "Claims". */
@Singleton
public class AccessTokens {

    private final SigningKeys keys;
    private final GatehouseConfig config;
    private final Clock clock;

    AccessTokens(SigningKeys keys, GatehouseConfig config, Clock clock) {
        this.keys = keys;
        this.config = config;
        this.clock = clock;
    }

    /**
     * What an access token says about its holder. {@code authTime} and {@code amr} describe the sign-in
     * that started the session and do not change when it is refreshed (docs/tokens.md "Claims").
     */
    public record Subject(UUID userId, String email, List<String> roles, UUID sessionId, String stamp,
                          boolean emailVerified, Instant authTime, List<String> amr) {

        /** A session from before {@code auth_time} and {@code amr} were stored: its creation, and a password. */
        public static final List<String> PASSWORD = List.of("pwd");
        /**
         * A passkey with user verification: something held (hwk) and something known or been (user), two
         * factors in one gesture (RFC 8176 §2; docs/tokens.md "Claims").
         */
        public static final List<String> PASSKEY = List.of("hwk", "user", "mfa");

        public Subject {
            amr = amr == null || amr.isEmpty() ? PASSWORD : List.copyOf(amr);
        }
    }

    public record Issued(String token, long expiresIn) {
    }

    public Issued issue(Subject subject) {
        Instant now = clock.instant();
        long ttl = config.accessToken().ttl().toSeconds();
        SigningKey key = keys.current();
        String token = Jwt.issuer(config.jwt().issuer())
                .audience(config.jwt().audience())
                .subject(subject.userId().toString())
                .upn(subject.email())
                .groups(new LinkedHashSet<>(subject.roles()))
                .issuedAt(now.getEpochSecond())
                .expiresAt(now.getEpochSecond() + ttl)
                .claim("jti", UUID.randomUUID().toString())
                .claim("sid", subject.sessionId().toString())
                .claim("stamp", subject.stamp())
                .claim("email_verified", subject.emailVerified())
                .claim("auth_time", subject.authTime().getEpochSecond())
                .claim("amr", subject.amr())
                .jws()
                .keyId(key.kid())
                .algorithm(key.algorithm())
                .sign(key.privateKey());
        return new Issued(token, ttl);
    }
}
