package dev.gatehouse.dpop;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/dpop.md "The URL a proof names": the comparison of htu, and the start check of gatehouse.http.public-base-url. */
class PublicBaseUrlTest {

    @Test
    void urlsAreComparedAfterSyntaxAndSchemeNormalisation() {
        assertTrue(DpopProofs.sameUrl("HTTPS://Auth.Example.COM:443/api/auth/refresh?x=1#y", "https://auth.example.com/api/auth/refresh"));
        assertTrue(DpopProofs.sameUrl("http://a.test:80", "http://a.test/"));
        assertFalse(DpopProofs.sameUrl("https://auth.example.com/api/auth/Refresh", "https://auth.example.com/api/auth/refresh"));
        assertFalse(DpopProofs.sameUrl("http://auth.example.com/api/auth/refresh", "https://auth.example.com/api/auth/refresh"));
        assertFalse(DpopProofs.sameUrl("https://auth.example.com:8443/api/auth/refresh", "https://auth.example.com/api/auth/refresh"));
        // no scheme or no host matches nothing, not even itself
        assertFalse(DpopProofs.sameUrl("/api/auth/refresh", "/api/auth/refresh"));
        assertFalse(DpopProofs.sameUrl("https:///api/auth/refresh", "https:///api/auth/refresh"));
        assertFalse(DpopProofs.sameUrl("", ""));
        assertFalse(DpopProofs.sameUrl("https://user@auth.example.com/", "https://user@auth.example.com/"));
        assertFalse(DpopProofs.sameUrl("https://auth.example.com/", null));
    }

    @Test
    void theBaseMustBeAnHttpUrlWithAHost() {
        assertEquals("https://auth.example.com/gate", DpopProofs.checkedBase("https://auth.example.com/gate/"));
        assertEquals("http://localhost:8080", DpopProofs.checkedBase("http://localhost:8080"));
        for (String bad : new String[] {"auth.example.com", "/gate", "ftp://auth.example.com", "https://", "https://a.test/?x=1",
                "https://a.test/#f", "https://u:p@a.test", "not a url"}) {
            assertThrows(IllegalArgumentException.class, () -> DpopProofs.checkedBase(bad), bad);
        }
    }
}
