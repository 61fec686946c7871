package dev.gatehouse.auth;

import dev.gatehouse.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link VerifiedTokenCache}: a verified token is remembered compactly, by its exact text, and only when it verified. */
@QuarkusTest
class VerifiedTokenCacheTest {

    @Inject
    JWTParser parser; // the decorated parser SmallRye JWT uses

    @Test
    void aVerifiedTokenIsRememberedAsItsFewClaims() throws ParseException {
        Api.Account account = Api.register();
        Api.Tokens tokens = Api.login(account);
        JsonWebToken first = parser.parse(tokens.accessToken());
        VerifiedToken token = assertInstanceOf(VerifiedToken.class, first);
        assertSame(first, parser.parse(tokens.accessToken()), "the second parse is a hit");
        assertEquals(UUID.fromString(account.id()), token.subjectId());
        assertEquals(UUID.fromString(tokens.sessionId()), token.sessionId());
        assertEquals(account.id(), token.getName());
        assertEquals(Set.of("user"), token.getGroups());
        assertEquals(tokens.sessionId(), token.<String>getClaim("sid"));
        assertEquals(token.getExpirationTime() - 900, token.getIssuedAtTime());
        assertNull(token.<Object>getClaim("upn"), "a claim it does not keep reads as absent");
    }

    @Test
    void anAlteredTokenIsCheckedInFullAndRefused() throws ParseException {
        Api.Tokens tokens = Api.login(Api.register());
        parser.parse(tokens.accessToken()); // cached
        String text = tokens.accessToken();
        int signature = text.lastIndexOf('.') + 5;
        String altered = text.substring(0, signature) + (text.charAt(signature) == 'A' ? 'B' : 'A') + text.substring(signature + 1);
        assertThrows(ParseException.class, () -> parser.parse(altered));
        assertThrows(ParseException.class, () -> parser.parse(text + "\u0080"));
        assertThrows(ParseException.class, () -> parser.parse(text.substring(0, text.length() - 1) + "\u0080"));
    }
}
