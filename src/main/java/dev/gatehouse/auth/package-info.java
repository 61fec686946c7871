/**
 * The HTTP face of signing in: register, login, refresh, logout (with the web cookie mode), and the
 * check of every Bearer request.
 *
 * <h2>How a Bearer request is verified</h2>
 * <ol>
 *   <li>SmallRye JWT reads the {@code Authorization} header and parses the token through
 *       {@code JWTParser}. {@link dev.gatehouse.auth.VerifiedTokenCache} is a CDI <em>decorator</em> of
 *       that parser: nothing calls it by name. It remembers a token whose signature, algorithm,
 *       issuer, audience and expiry were verified (by the SHA-256 of its exact text, until
 *       {@code exp}), so a client's repeated requests skip the signature check, and it turns every
 *       verified token into a compact {@link dev.gatehouse.auth.VerifiedToken}, the principal the
 *       rest of the request sees. The verification rules are set up in
 *       {@code dev.gatehouse.keys.JwtVerification}.</li>
 *   <li>{@link dev.gatehouse.auth.BearerTokenGuard}, a {@code SecurityIdentityAugmentor}, then checks
 *       what only Gatehouse knows: the token's session is live and the user's security stamp is
 *       still the token's ({@code dev.gatehouse.session.SessionState#accepts}). The state comes from
 *       {@code SessionStates}, a per-instance cache that PostgreSQL notifications keep current, so
 *       the common case costs no database round trip (docs/tokens.md "Session-state cache").</li>
 *   <li>The guard leaves a {@link dev.gatehouse.user.Caller} on the identity; resources read it with
 *       {@code Caller.of(identity)}. A failure anywhere answers 401 {@code invalid_token} through
 *       {@code dev.gatehouse.problem.ProblemMappers}.</li>
 * </ol>
 *
 * <h2>Where a refresh goes</h2>
 * {@link dev.gatehouse.auth.AuthResource#refresh} takes the token from the body or the cookie
 * ({@link dev.gatehouse.auth.WebMode}), waits for a turn in {@link dev.gatehouse.auth.RefreshQueue},
 * and calls {@code dev.gatehouse.token.RefreshTokens#rotate}, which holds the whole rotation, reuse
 * window and replay logic.
 */
package dev.gatehouse.auth;
