package dev.gatehouse.keys;

import dev.gatehouse.config.GatehouseConfig;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;

import java.util.List;
import java.util.Set;

/**
 * Tells SmallRye JWT how to verify Bearer tokens (docs/tokens.md "Validation"): only with the published keys, only
 * with their asymmetric algorithms, with our issuer, audience and a bounded clock skew. Replaces
 * the {@code mp.jwt.verify.*} configuration because the keys are loaded (or generated) at start.
 */
public class JwtVerification {

    /** Claims every Gatehouse access token carries; a token without one of them is refused. */
    static final Set<String> REQUIRED_CLAIMS = Set.of("iss", "aud", "sub", "upn", "iat", "exp", "jti", "sid", "stamp");

    @Produces
    @Alternative
    @Priority(1)
    @ApplicationScoped
    JWTAuthContextInfo verification(SigningKeys keys, GatehouseConfig config) {
        JWTAuthContextInfo info = new JWTAuthContextInfo();
        info.setPublicKeyContent(keys.jwksJson());
        info.setSignatureAlgorithm(keys.algorithms());
        info.setIssuedBy(config.jwt().issuer());
        info.setExpectedAudience(Set.of(config.jwt().audience()));
        int skew = (int) config.jwt().clockSkew().toSeconds();
        info.setExpGracePeriodSecs(skew);
        info.setClockSkew(skew);
        info.setRequiredClaims(REQUIRED_CLAIMS);
        info.setTokenSchemes(List.of("Bearer"));
        return info;
    }
}
