package dev.gatehouse.abuse;

import dev.gatehouse.config.GatehouseConfig.Http.ForwardedHeader;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/api.md "Client address": only the configured forwarding header counts, only from a trusted
 * proxy; the client is the rightmost untrusted hop; only IP literals, never resolved, in canonical form.
 */
class ClientAddressTest {

    private static final List<String> PROXIES = List.of("10.0.0.0/8", "2001:db8::/32", "192.0.2.7", "127.0.0.0/8");

    private final ClientAddress none = new ClientAddress(List.of(), ForwardedHeader.X_FORWARDED_FOR);
    private final ClientAddress xff = new ClientAddress(PROXIES, ForwardedHeader.X_FORWARDED_FOR);
    private final ClientAddress forwarded = new ClientAddress(PROXIES, ForwardedHeader.FORWARDED);

    /** Header name, value, name, value ...; a name given twice is two header lines. */
    private static MultiMap headers(String... namesAndValues) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }

    private static String viaXff(String... values) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (String value : values) {
            headers.add("X-Forwarded-For", value);
        }
        return new ClientAddress(PROXIES, ForwardedHeader.X_FORWARDED_FOR).resolve("10.0.0.2", headers);
    }

    private String viaForwarded(String... values) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (String value : values) {
            headers.add("Forwarded", value);
        }
        return forwarded.resolve("10.0.0.2", headers);
    }

    @Test
    void withoutTrustedProxiesBothHeadersAreIgnored() {
        assertEquals("203.0.113.9", none.resolve("203.0.113.9",
                headers("Forwarded", "for=198.51.100.1", "X-Forwarded-For", "198.51.100.1")));
    }

    @Test
    void aForgedHeaderFromAnUntrustedPeerIsIgnored() {
        MultiMap forged = headers("Forwarded", "for=198.51.100.1", "X-Forwarded-For", "10.1.1.1, 198.51.100.1");
        assertEquals("203.0.113.9", xff.resolve("203.0.113.9", forged));
        assertEquals("203.0.113.9", forwarded.resolve("203.0.113.9", forged));
    }

    @Test
    void theHeaderThatIsNotConfiguredIsIgnored() {
        // the attack: the proxy sets X-Forwarded-For and passes the client's own Forwarded through
        assertEquals("198.51.100.1", xff.resolve("10.0.0.2",
                headers("Forwarded", "for=203.0.113.77", "X-Forwarded-For", "198.51.100.1")));
        assertEquals("10.0.0.2", xff.resolve("10.0.0.2", headers("Forwarded", "for=203.0.113.77")));
        // and the other way round
        assertEquals("198.51.100.2", forwarded.resolve("10.0.0.2",
                headers("X-Forwarded-For", "203.0.113.77", "Forwarded", "for=198.51.100.2")));
        assertEquals("10.0.0.2", forwarded.resolve("10.0.0.2", headers("X-Forwarded-For", "203.0.113.77")));
    }

    @Test
    void theRightmostUntrustedHopIsTheClient() {
        // the client wrote "1.2.3.4" itself; the proxies appended the real hops
        assertEquals("198.51.100.1", viaXff("1.2.3.4, 198.51.100.1, 10.0.0.5"));
        assertEquals("198.51.100.1", xff.resolve("192.0.2.7", headers("X-Forwarded-For", "198.51.100.1")));
        assertEquals("198.51.100.3", xff.resolve("2001:db8::5", headers("X-Forwarded-For", "198.51.100.3")));
        assertEquals("198.51.100.1", viaForwarded("for=1.2.3.4, for=198.51.100.1;proto=https, for=10.0.0.5"));
    }

    @Test
    void spoofedValuesLeftOfTheRealHopChangeNothing() {
        // several header lines are one list, in order (RFC 9110 §5.3)
        assertEquals("198.51.100.1", viaXff("203.0.113.1", "203.0.113.2, 198.51.100.1"));
        assertEquals("198.51.100.1", viaXff("203.0.113.1, 10.0.0.9, 203.0.113.2", "198.51.100.1"));
        assertEquals("198.51.100.1", viaForwarded("for=203.0.113.1", "for=203.0.113.2, for=198.51.100.1"));
        // a client-written trusted address left of the real hop does not make the real hop a proxy
        assertEquals("198.51.100.1", viaXff("10.0.0.8, 198.51.100.1"));
    }

    @Test
    void whenEveryHopIsATrustedProxyTheLeftmostIsTheClient() {
        assertEquals("10.0.0.8", viaXff("10.0.0.8, 10.0.0.9"));
        assertEquals("10.0.0.2", viaXff());
        assertEquals("10.0.0.2", viaXff(" , "));
    }

    @Test
    void forwardedNodesMayBeQuotedCarryAPortAndAnyCase() {
        assertEquals("2001::1", viaForwarded("for=\"[2001::1]:4711\";proto=https, for=10.0.0.9"));
        assertEquals("2001::1", viaForwarded("for=\"[2001::1]\""));
        assertEquals("198.51.100.2", viaForwarded("For=198.51.100.2:80"));
        assertEquals("198.51.100.2", viaForwarded("for=\"198.51.100.2:80\""));
        assertEquals("198.51.100.2", viaForwarded("FOR=\"198.51.100.2:_port-1\""));
        assertEquals("198.51.100.2", viaForwarded("by=10.0.0.9;;for=198.51.100.2;host=\"a,b;c\";proto=https"));
        assertEquals("198.51.100.3", viaForwarded("for=198.51.100.3;by=\"_x,for=203.0.113.5\""));
    }

    @Test
    void unknownAndObfuscatedForwardedNodesFallBackToThePeer() {
        assertEquals("10.0.0.2", viaForwarded("for=unknown"));
        assertEquals("10.0.0.2", viaForwarded("for=_hidden"));
        assertEquals("10.0.0.2", viaForwarded("for=\"_hidden:_port\""));
        // a hidden hop is not skipped: what lies left of it may be the client's own writing
        assertEquals("10.0.0.2", viaForwarded("for=198.51.100.1, for=_hidden"));
        assertEquals("10.0.0.2", viaForwarded("proto=https"));
    }

    @Test
    void malformedForwardedElementsFallBackToThePeer() {
        assertEquals("10.0.0.2", viaForwarded("for=198.51.100.1;for=198.51.100.2"), "for twice in one element");
        assertEquals("10.0.0.2", viaForwarded("for=2001:db8:1::1"), "IPv6 needs brackets");
        assertEquals("10.0.0.2", viaForwarded("for=\"[198.51.100.1]\""), "brackets hold IPv6 only");
        assertEquals("10.0.0.2", viaForwarded("for=\"[2001::1]x\""));
        assertEquals("10.0.0.2", viaForwarded("for=\"[2001::1\""));
        assertEquals("10.0.0.2", viaForwarded("for=198.51.100.1:65536"));
        assertEquals("10.0.0.2", viaForwarded("for=198.51.100.1:"));
        assertEquals("10.0.0.2", viaForwarded("for=\"198.51.100.1"));
        assertEquals("10.0.0.2", viaForwarded("for=\"198.51.100\\.1\""));
        assertEquals("10.0.0.2", viaForwarded("for"));
    }

    @Test
    void junkIsNeverAnAddress() {
        for (String junk : List.of("1.2.3.4.5", "example.com", "_hidden", "unknown", "1.2.3", "256.1.1.1", "01.2.3.4",
                "1..2.3", "0x7f.0.0.1", "2130706433", "2001:db8:1::1%eth0", "2001:db8:1::1::2", "1:2:3:4:5:6:7:8:9",
                "1:2:3:4:5:6:7::8", "12345::1", "g::1", ":1::", "1:::2", "\uFF11.2.3.4", "\u0661.2.3.4",
                "1".repeat(10_000), "2001:db8:1::".repeat(500))) {
            assertEquals("10.0.0.2", viaXff(junk), junk.length() > 60 ? "an overlong value" : junk);
            assertEquals("10.0.0.2", viaForwarded("for=\"" + junk + "\""), junk.length() > 60 ? "an overlong value" : junk);
        }
        // X-Forwarded-For holds bare literals: no port, no brackets
        assertEquals("10.0.0.2", viaXff("198.51.100.1:80"));
        assertEquals("10.0.0.2", viaXff("[2001:db9::1]"));
        // junk stops the walk even with a real-looking address left of it
        assertEquals("10.0.0.2", viaXff("198.51.100.1, not-an-ip"));
    }

    @Test
    void aHostNameIsNeverResolved() {
        // resolved, "localhost" would be 127.0.0.1, a trusted proxy here, and 198.51.100.1 would be the client
        assertEquals("10.0.0.2", viaXff("198.51.100.1, localhost"));
        assertEquals("10.0.0.2", viaForwarded("for=198.51.100.1, for=localhost"));
        assertEquals("10.0.0.2", viaForwarded("for=198.51.100.1, for=\"localhost:80\""));
        // and the trusted ranges themselves are literals only
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new ClientAddress(List.of("localhost/32"), ForwardedHeader.X_FORWARDED_FOR));
        assertTrue(e.getMessage().contains("gatehouse.http.trusted-proxies"), e.getMessage());
    }

    @Test
    void trustedProxyRangesAreCheckedAtConstruction() {
        for (String bad : List.of("10.0.0.0/33", "2001:db8::/129", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/8/8", "proxy.internal")) {
            assertThrows(IllegalStateException.class, () -> new ClientAddress(List.of(bad), ForwardedHeader.X_FORWARDED_FOR), bad);
        }
        ClientAddress oddPrefix = new ClientAddress(List.of("198.51.100.0/25", " ", "::1"), ForwardedHeader.X_FORWARDED_FOR);
        assertEquals("203.0.113.1", oddPrefix.resolve("198.51.100.127", headers("X-Forwarded-For", "203.0.113.1")));
        assertEquals("198.51.100.128", oddPrefix.resolve("198.51.100.128", headers("X-Forwarded-For", "203.0.113.1")));
        assertEquals("203.0.113.1", oddPrefix.resolve("0:0:0:0:0:0:0:1", headers("X-Forwarded-For", "203.0.113.1")));
    }

    @Test
    void addressesComeOutCanonical() {
        assertEquals("2001:db9::1", viaXff("2001:DB9:0:0:0:0:0:1"));
        assertEquals("2001:db9::1", viaXff("2001:0db9::0001"));
        assertEquals("2001:db9::1:0:0:1", viaXff("2001:db9:0:0:1:0:0:1"), "RFC 5952 §4.2.3: the first of two equal runs");
        assertEquals("2001:db9:0:1:1:1:1:1", viaXff("2001:db9:0:1:1:1:1:1"), "RFC 5952 §4.2.2: one zero group stays");
        assertEquals("2001:db9::102:304", viaXff("2001:db9::1.2.3.4"));
        assertEquals("fe80::1", viaXff("fe80::1"));
        assertEquals("::", viaXff("::"));
        assertEquals("198.51.100.7", viaXff("::ffff:198.51.100.7"), "IPv4-mapped IPv6 is the IPv4 address");
        assertEquals("198.51.100.7", viaXff("::FFFF:c633:6407"));
        assertEquals("198.51.100.7", viaForwarded("for=\"[::ffff:198.51.100.7]:443\""));
        // the peer too: Java prints IPv6 long-hand and with a zone, a dual-stack socket maps IPv4
        assertEquals("2001:db9::1", none.resolve("2001:db9:0:0:0:0:0:1%0", headers()));
        assertEquals("203.0.113.9", none.resolve("::ffff:203.0.113.9", headers()));
        assertEquals("198.51.100.1", xff.resolve("::ffff:10.0.0.2", headers("X-Forwarded-For", "198.51.100.1")),
                "a mapped peer is matched against the IPv4 ranges");
    }

    @Test
    void ipv6ClientsShareABucketPerSlash64() {
        String first = viaXff("2001:db9:1:2:aaaa::1");
        String second = viaXff("2001:db9:1:2:ffff:ffff:ffff:ffff");
        String otherNetwork = viaXff("2001:db9:1:3::1");
        assertEquals("2001:db9:1:2:aaaa::1", first, "the session keeps the full address");
        assertEquals("2001:db9:1:2::/64", ClientAddress.bucketKey(first));
        assertEquals(ClientAddress.bucketKey(first), ClientAddress.bucketKey(second));
        assertNotEquals(ClientAddress.bucketKey(first), ClientAddress.bucketKey(otherNetwork));
        assertEquals("198.51.100.1", ClientAddress.bucketKey(viaXff("::ffff:198.51.100.1")), "IPv4 is its own bucket");
        assertEquals("198.51.100.2", ClientAddress.bucketKey("198.51.100.2"));
        assertEquals(null, ClientAddress.bucketKey(null));
    }

    /** A proxy that appends its entry to the client's line: an open quote must not swallow it. */
    @Test
    void anUnclosedQuoteCannotSwallowWhatTheProxyAppended() {
        assertEquals("10.0.0.2", viaForwarded("for=198.51.100.7;x=\"" + ", for=203.0.113.50"));
        assertEquals("10.0.0.2", viaForwarded("for=198.51.100.7;x=\"\\" + ", for=203.0.113.50"));
        // closed quotes are fine
        assertEquals("203.0.113.50", viaForwarded("for=198.51.100.7;x=\"a,b\"" + ", for=203.0.113.50"));
    }
}
