package dev.gatehouse.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import io.quarkus.runtime.configuration.MemorySize;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Every {@code gatehouse.*} key. Defaults live here; docs/operations.md "Gatehouse keys" has the same table. */
@ConfigMapping(prefix = "gatehouse")
public interface GatehouseConfig {

    /**
     * The server secret (docs/operations.md "The server secret"): base64, at least 32 bytes, checked
     * at start by keys.ServerSecret. Required in prod; dev mode keeps a generated one beside its
     * database and tests generate one (devdb.DevSecretConfigSourceFactory). Never signs a token, never
     * derived from a signing key, and not used by refresh tokens.
     */
    String secret();

    /** Earlier values of {@link #secret()}, still accepted for reading stored data after a rotation. */
    Optional<List<String>> previousSecrets();

    Jwt jwt();

    AccessToken accessToken();

    RefreshToken refreshToken();

    Session session();

    Password password();

    Http http();

    Jwks jwks();

    SessionCache sessionCache();

    Cache cache();

    Lockout lockout();

    RateLimit rateLimit();

    Purge purge();

    Cookie cookie();

    BootstrapAdmin bootstrapAdmin();

    Mail mail();

    EmailVerification emailVerification();

    PasswordReset passwordReset();

    EmailChange emailChange();

    Account account();

    Passkeys passkeys();

    Mfa mfa();

    Dpop dpop();

    RevocationFeed revocationFeed();

    DevDb devDb();

    interface Jwt {
        /** PEM (PKCS#8) private keys; the first signs, all are published. Required in prod. */
        Optional<List<String>> signingKeyFiles();

        /** Required in prod: no default there, dev and test profiles set one. */
        String issuer();

        /** Required in prod: no default there, dev and test profiles set one. */
        String audience();

        @WithDefault("PT30S")
        Duration clockSkew();
    }

    interface AccessToken {
        @WithDefault("PT15M")
        Duration ttl();
    }

    interface RefreshToken {
        @WithDefault("P14D")
        Duration ttl();

        @WithDefault("PT30S")
        Duration reuseGrace();

        /** How many token hashes a session keeps (docs/tokens.md "History pruning"). */
        @WithDefault("32")
        @Min(2) // a retry inside the grace window needs the rotated token's hash to still be there
        int history();
    }

    interface Session {
        @WithDefault("P90D")
        Duration maxLifetime();

        @WithDefault("50")
        int maxPerUser();
    }

    interface Password {
        Argon2 argon2();

        /** Checked at start; memory-kib must also be at least 8 x parallelism (RFC 9106 §3.1, checked by Passwords). */
        interface Argon2 {
            @WithDefault("19456")
            @Min(8)
            @Max(4194304) // 4 GiB
            int memoryKib();

            @WithDefault("2")
            @Min(1)
            @Max(1000)
            int iterations();

            @WithDefault("1")
            @Min(1)
            @Max(64)
            int parallelism();

            /**
             * Whose Argon2id fills the memory: Gatehouse's own (the default; 15-27 % less CPU) or Bouncy
             * Castle's generator. Both give the same hashes (docs/threat-model.md "Password hashing").
             */
            @WithDefault("gatehouse")
            Implementation implementation();

            enum Implementation { GATEHOUSE, BOUNCY_CASTLE }
        }
    }

    /** The lockout per (account, client address) and per account (docs/api.md "Account lockout"): always on. */
    interface Lockout {
        /** Failures in a row from one address before the account is locked for that address. */
        @WithDefault("5")
        @Min(1)
        int maxFailures();

        /** Failures from every address within 24 hours before the account is locked from everywhere for max-delay. */
        @WithDefault("50")
        @Min(1)
        int accountMaxFailures();

        @WithDefault("PT30S")
        Duration baseDelay();

        @WithDefault("PT15M")
        Duration maxDelay();
    }

    /** Per-client-IP token buckets, per instance (docs/api.md "Per-IP rate limits"). */
    interface RateLimit {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("20")
        @Min(1)
        int loginPerMinute();

        @WithDefault("20")
        @Min(1)
        int loginBurst();

        @WithDefault("10")
        @Min(1)
        int registerPerMinute();

        @WithDefault("10")
        @Min(1)
        int registerBurst();

        @WithDefault("300")
        @Min(1)
        int refreshPerMinute();

        @WithDefault("100")
        @Min(1)
        int refreshBurst();
    }

    /** Dead rows are deleted in small batches so that storage stays bounded (docs/operations.md "Storage purge"). */
    interface Purge {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("PT10M")
        Duration interval();

        /** How long a revoked or ended session (and its token hashes) is kept. */
        @WithDefault("P7D")
        Duration sessionRetention();

        @WithDefault("P90D")
        Duration eventRetention();

        @WithDefault("500")
        @Min(1)
        int batchSize();
    }

    /** docs/api.md "Web (cookie) mode". */
    interface Cookie {
        /** Origins allowed to use the refresh cookie (and answered by CORS). Empty: none. */
        Optional<List<String>> allowedOrigins();

        /** false drops {@code Secure}: for local plain-HTTP development only (warned at start). */
        @WithDefault("true")
        boolean secure();
    }

    interface Http {
        /** Mirrored into quarkus.http.limits.max-body-size by application.properties. */
        @WithDefault("64K")
        MemorySize maxBodySize();

        /**
         * CIDR ranges of reverse proxies whose forwarding header is believed
         * (docs/api.md "Client address"). Empty: the TCP peer is the client.
         */
        Optional<List<String>> trustedProxies();

        /** The one forwarding header read from a trusted proxy; the other one is ignored. */
        @WithDefault("x-forwarded-for")
        ForwardedHeader forwardedHeader();

        /** Written {@code x-forwarded-for} or {@code forwarded} (RFC 7239) in the configuration. */
        enum ForwardedHeader {
            X_FORWARDED_FOR("X-Forwarded-For"),
            FORWARDED("Forwarded");

            private final String headerName;

            ForwardedHeader(String headerName) {
                this.headerName = headerName;
            }

            public String headerName() {
                return headerName;
            }
        }

        /**
         * Longest time a connection may take to deliver one request's headers and body, from its
         * opening or the request's first byte; slower connections are closed (abuse/SlowClients).
         */
        @WithDefault("PT30S")
        Duration requestReadTimeout();

        /**
         * The URL clients call Gatehouse at, when a proxy stands in front ({@code https://auth.example.com}, or
         * with a path prefix the proxy strips). A DPoP proof's {@code htu} is checked against it plus the
         * request's path (docs/dpop.md "The URL a proof names"); unset, against the URL the request reached.
         */
        Optional<String> publicBaseUrl();
    }

    /**
     * The per-instance cache of session state behind Bearer validation, kept fresh by PostgreSQL
     * LISTEN/NOTIFY. Turn it off where LISTEN cannot work (a pooler in transaction mode between
     * Gatehouse and PostgreSQL): every Bearer request then reads the database.
     */
    interface SessionCache {
        @WithDefault("true")
        boolean enabled();
    }

    /**
     * How many entries the per-instance caches of the Bearer path hold (docs/tokens.md "Cache sizes"): each
     * evicts one entry at a time, the least valuable, when full. Set each to the active sessions one
     * instance serves within an access token's lifetime, with headroom.
     */
    interface Cache {
        /** Session states, and as many users' states (a user with several sessions counts once). */
        @WithDefault("150000")
        @Min(0)
        @Max(50_000_000)
        int sessions();

        /** Access tokens whose signature and claims were verified, remembered until they expire. */
        @WithDefault("150000")
        @Min(0)
        @Max(50_000_000)
        int accessTokens();
    }

    interface Jwks {
        @WithDefault("PT300S")
        Duration maxAge();
    }

    /** Dev mode only: where the embedded PostgreSQL keeps its data (read by devdb.DevDatabaseConfigSourceFactory). */
    interface DevDb {
        @WithDefault("target/dev-postgres")
        String dir();

        /** Start from an empty database. */
        @WithDefault("false")
        boolean clean();
    }

    interface BootstrapAdmin {
        Optional<String> email();

        Optional<String> password();
    }

    /** The outbox and its sender (docs/mail.md). */
    interface Mail {
        /**
         * Where links in mails point: {@code <link-base-url>/<action>?token=...}. Required in prod when
         * mail is used (with {@code quarkus.mailer.host}).
         */
        Optional<String> linkBaseUrl();

        /** How long the sender keeps retrying a mail the SMTP server does not take; then it is dropped. */
        @WithDefault("P1D")
        Duration retryFor();

        /**
         * {@code false} turns mail off; {@code true} insists on it (a missing {@code quarkus.mailer.host} or
         * link-base-url then stops the start). Unset: mail is on when link-base-url or {@code quarkus.mailer.host}
         * is set (docs/mail.md "Configuration"). Off, the sender sends nothing and queued mails age out.
         */
        Optional<Boolean> enabled();

        /** How often each instance's sender looks for due mails; a committed enqueue wakes it at once. */
        @WithDefault("PT10S")
        Duration pollInterval();

        /** How long a claimed mail is this instance's to send; after it another instance may send it. */
        @WithDefault("PT5M")
        Duration lease();

        /** Longest wait for the SMTP server to take one mail; then the attempt counts as failed. Shorter than lease. */
        @WithDefault("PT30S")
        Duration sendTimeout();

        /** The wait after the first failed attempt; doubled after each further one, up to retry-max-delay. */
        @WithDefault("PT30S")
        Duration retryDelay();

        @WithDefault("PT30M")
        Duration retryMaxDelay();

        /** Mails claimed and sent at once by one instance (at most {@code quarkus.mailer.max-pool-size} connections). */
        @WithDefault("10")
        @Min(1)
        @Max(1000)
        int batchSize();
    }

    /** docs/api.md "E-mail verification". */
    interface EmailVerification {
        @WithDefault("P1D")
        Duration ttl();

        /** When true, the right password of an unverified user gets 403 {@code email_not_verified}. */
        @WithDefault("false")
        boolean required();
    }

    /** docs/api.md "Password reset". */
    interface PasswordReset {
        @WithDefault("PT15M")
        Duration ttl();

        /** Reset mails an hour per account; beyond it the same 202, and no mail. */
        @WithDefault("3")
        @Min(1)
        int maxPerHour();
    }

    /** docs/api.md "E-mail change". */
    interface EmailChange {
        @WithDefault("P1D")
        Duration ttl();
    }

    /** Rules shared by the account's sensitive changes. */
    interface Account {
        /**
         * How old a session's sign-in may be for adding a passkey or a second factor (docs/passkeys.md
         * "Adding a passkey"): a stolen session must sign in again, which it cannot without the password.
         */
        @WithDefault("PT5M")
        Duration recentSignIn();
    }

    /** docs/passkeys.md "Configuration". */
    interface Passkeys {
        /** The WebAuthn relying party id, a registrable domain; passkeys are off while it is unset. */
        Optional<String> rpId();

        @WithDefault("Gatehouse")
        String rpName();

        /** Web origins and {@code android:apk-key-hash:} origins; {@code https://<rp-id>} when unset. */
        Optional<List<String>> origins();

        /** {@code package.name=SHA-256 fingerprint} entries for /.well-known/assetlinks.json. */
        Optional<List<String>> androidApps();

        /** {@code TEAMID.bundle.id} entries for /.well-known/apple-app-site-association. */
        Optional<List<String>> appleAppIds();
    }

    /** docs/revocation-feed.md "Configuration". */
    interface RevocationFeed {
        /**
         * The secrets resource servers present as {@code Authorization: Bearer <secret>}, each at least 32
         * bytes; several during a rotation. Empty: the feed is off (404) and no facts are written.
         */
        Optional<List<String>> secrets();
    }

    /** docs/dpop.md "Configuration". */
    interface Dpop {
        /** When true, a sign-in without a DPoP proof gets 401 {@code invalid_dpop_proof}. */
        @WithDefault("false")
        boolean required();

        /** How far a proof's {@code iat} may lie behind now; its {@code jti} is kept this long (and the clock skew). */
        @WithDefault("PT60S")
        Duration maxAge();
    }

    /** docs/mfa.md "Configuration". */
    interface Mfa {
        /** The {@code issuer} of the {@code otpauth://} URI: the name an authenticator app shows beside the code. */
        @WithDefault("Gatehouse")
        String issuer();
    }
}
