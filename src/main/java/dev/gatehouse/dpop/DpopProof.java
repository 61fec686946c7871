package dev.gatehouse.dpop;

import java.time.Instant;

/**
 * A verified DPoP proof (RFC 9449 §4.3): its key's RFC 7638 thumbprint, and what makes it single-use: the
 * SHA-256 of the thumbprint and the {@code jti}, kept until {@code keepUntil}, after which no instance would
 * accept the proof anyway.
 */
public record DpopProof(String thumbprint, byte[] hash, Instant keepUntil) {
}
