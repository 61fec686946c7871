/**
 * Tokens: access tokens ({@link dev.gatehouse.token.AccessTokens}, signed JWTs) and refresh tokens
 * ({@link dev.gatehouse.token.RefreshTokens}: issue at login, rotation, reuse window, replay
 * detection, logout). A refresh token is stored only as its SHA-256 hash
 * ({@link dev.gatehouse.token.RefreshToken}); the common rotation is one named SQL statement
 * ({@link dev.gatehouse.token.RotationStatement}). docs/tokens.md tells the whole story.
 */
package dev.gatehouse.token;
