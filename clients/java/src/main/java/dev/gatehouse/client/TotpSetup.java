package dev.gatehouse.client;

/**
 * A pending TOTP set-up (docs/mfa.md "Turning it on"): the secret in base32, for typing into an authenticator
 * app, and the {@code otpauth://} URI, for showing as a QR code (or opening the app on the same phone).
 */
public record TotpSetup(String secret, String otpauthUri) {

    @Override
    public String toString() {
        return "TotpSetup[redacted]"; // a secret: never in a log line
    }
}
