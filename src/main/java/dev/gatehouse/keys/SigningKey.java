package dev.gatehouse.keys;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;

import java.security.PrivateKey;
import java.security.PublicKey;

/** One key pair with its JWS algorithm (follows the key type, docs/tokens.md "Signing algorithm and kid") and RFC 7638 thumbprint kid. */
public record SigningKey(String kid, SignatureAlgorithm algorithm, PrivateKey privateKey, PublicKey publicKey) {
}
