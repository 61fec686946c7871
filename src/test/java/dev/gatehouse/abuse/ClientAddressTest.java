package dev.gatehouse.abuse;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** docs/api.md "Client address": forwarding headers count only from trusted proxies; the client is the rightmost untrusted hop. */
class ClientAddressTest {

    private final ClientAddress none = new ClientAddress(List.of());
    private final ClientAddress behindProxies = new ClientAddress(List.of("10.0.0.0/8", "2001:db8::/32", "192.0.2.7"));

    @Test
    void withoutTrustedProxiesTheHeadersAreIgnored() {
        assertEquals("203.0.113.9", none.resolve("203.0.113.9", List.of("for=198.51.100.1"), List.of("198.51.100.1")));
    }

    @Test
    void anUntrustedPeerCannotSpoofItsAddress() {
        assertEquals("203.0.113.9", behindProxies.resolve("203.0.113.9", List.of(), List.of("10.1.1.1, 198.51.100.1")));
    }

    @Test
    void theRightmostUntrustedHopIsTheClient() {
        // the client wrote "1.2.3.4" itself; the proxies appended the real hops
        assertEquals("198.51.100.1",
                behindProxies.resolve("10.0.0.2", List.of(), List.of("1.2.3.4, 198.51.100.1, 10.0.0.5")));
        assertEquals("198.51.100.1", behindProxies.resolve("10.0.0.2", List.of(), List.of("1.2.3.4", "198.51.100.1")));
        assertEquals("198.51.100.1", behindProxies.resolve("192.0.2.7", List.of(), List.of("198.51.100.1")));
    }

    @Test
    void forwardedWinsOverXForwardedForAndItsNodesAreParsed() {
        assertEquals("2001::1",
                behindProxies.resolve("10.0.0.2", List.of("for=\"[2001::1]:4711\";proto=https, for=10.0.0.9"),
                        List.of("198.51.100.1")));
        assertEquals("198.51.100.2", behindProxies.resolve("10.0.0.2", List.of("For=198.51.100.2:80"), List.of()));
        assertEquals("198.51.100.3", behindProxies.resolve("2001:db8::5", List.of(), List.of("198.51.100.3")));
    }

    @Test
    void onlyProxiesInTheChainMeansTheLeftmostAndGarbageStopsTheWalk() {
        assertEquals("10.0.0.8", behindProxies.resolve("10.0.0.2", List.of(), List.of("10.0.0.8, 10.0.0.9")));
        assertEquals("10.0.0.2", behindProxies.resolve("10.0.0.2", List.of(), List.of("198.51.100.1, not-an-ip")));
        assertEquals("10.0.0.2", behindProxies.resolve("10.0.0.2", List.of(), List.of()));
    }
}
