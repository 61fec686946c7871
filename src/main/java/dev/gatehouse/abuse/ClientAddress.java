package dev.gatehouse.abuse;

import dev.gatehouse.config.GatehouseConfig;
import dev.gatehouse.config.GatehouseConfig.Http.ForwardedHeader;
import io.quarkus.runtime.Startup;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The client's IP address (docs/api.md "Client address"). The forwarding header named by
 * {@code gatehouse.http.forwarded-header} is believed only when the TCP peer is a trusted proxy
 * ({@code gatehouse.http.trusted-proxies}), and the other forwarding header never: a proxy overwrites
 * one of them, and a client could pick its address by sending the one the proxy passes through. The
 * client is then the rightmost address that is not a trusted proxy, because every address left of
 * it may have been written by the client. Addresses are IP literals only, never resolved, and come
 * out in one canonical text so that one client cannot appear as several.
 */
@Startup // a range that is no CIDR stops the start, not every request after it
@Singleton
public class ClientAddress {

    private final List<Range> trustedProxies = new ArrayList<>();
    private final ForwardedHeader header;

    @Inject
    ClientAddress(GatehouseConfig config) {
        this(config.http().trustedProxies().orElse(List.of()), config.http().forwardedHeader());
    }

    ClientAddress(List<String> trustedProxyRanges, ForwardedHeader header) {
        this.header = header;
        for (String cidr : trustedProxyRanges) {
            String value = cidr.strip();
            if (!value.isEmpty()) {
                trustedProxies.add(Range.parse(value));
            }
        }
    }

    public String of(HttpServerRequest request) {
        SocketAddress peer = request.remoteAddress();
        if (peer == null) {
            return null;
        }
        return resolve(peer.hostAddress(), request.headers());
    }

    /**
     * The key of the client's rate-limit bucket: an IPv4 address itself, an IPv6 address its /64,
     * since one subscriber usually holds a whole /64 (RFC 6177 §2) and could otherwise take a new
     * bucket for every request.
     */
    public static String bucketKey(String clientAddress) {
        byte[] address = clientAddress == null ? null : IpLiteral.parse(clientAddress);
        if (address == null || address.length == 4) {
            return clientAddress;
        }
        Arrays.fill(address, 8, 16, (byte) 0);
        return IpLiteral.format(address) + "/64";
    }

    /** The client address given the TCP peer and the request's headers as received. */
    String resolve(String peer, MultiMap headers) {
        byte[] peerAddress = peer == null ? null : IpLiteral.parse(withoutZone(peer));
        if (peerAddress == null) {
            return peer; // not an IP socket: nothing to canonicalise or to trust
        }
        String peerText = IpLiteral.format(peerAddress);
        if (!trusted(peerAddress)) {
            return peerText;
        }
        List<String> values = headers.getAll(header.headerName());
        List<String> hops = header == ForwardedHeader.FORWARDED ? forwardedFor(values) : xForwardedFor(values);
        byte[] leftmost = null;
        for (int i = hops.size() - 1; i >= 0; i--) {
            byte[] hop = hops.get(i) == null ? null : IpLiteral.parse(hops.get(i));
            if (hop == null) {
                return peerText; // not an address ("unknown", an obfuscated node, junk): do not guess past it
            }
            if (!trusted(hop)) {
                return IpLiteral.format(hop);
            }
            leftmost = hop;
        }
        // every hop is a trusted proxy: the first of them sent the request itself
        return leftmost == null ? peerText : IpLiteral.format(leftmost);
    }

    private boolean trusted(byte[] address) {
        for (Range range : trustedProxies) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** {@code X-Forwarded-For: client, proxy1, proxy2}: bare IP literals, left to right. */
    private static List<String> xForwardedFor(List<String> values) {
        List<String> hops = new ArrayList<>();
        for (String value : values) {
            for (String hop : value.split(",", -1)) {
                if (!hop.isBlank()) {
                    hops.add(hop.strip());
                }
            }
        }
        return hops;
    }

    /**
     * RFC 7239 §4: {@code Forwarded: for=192.0.2.60;proto=http, for="[2001:db8:cafe::17]:4711"}, one
     * element per hop, left to right; each element's {@code for} node, or null where it has none
     * that names an address.
     */
    private static List<String> forwardedFor(List<String> values) {
        List<String> hops = new ArrayList<>();
        for (String value : values) {
            if (!quotesClosed(value)) {
                // An open quote would swallow what a proxy appended after the client's text: with the
                // proxy's own entry unreadable, nothing in the header can be trusted, so the peer is used.
                hops.add(null);
                return hops;
            }
            for (String element : splitOutsideQuotes(value, ',')) {
                if (!element.isBlank()) {
                    hops.add(forNode(element));
                }
            }
        }
        return hops;
    }

    /** The address text of the element's single {@code for} parameter (RFC 7239 §4: each parameter at most once). */
    private static String forNode(String element) {
        String node = null;
        for (String pair : splitOutsideQuotes(element, ';')) {
            if (pair.isEmpty()) {
                continue; // forwarded-element = [ pair ] *( ";" [ pair ] )
            }
            int equals = pair.indexOf('=');
            if (equals < 0) {
                return null;
            }
            if (pair.substring(0, equals).strip().equalsIgnoreCase("for")) {
                if (node != null) {
                    return null;
                }
                node = pair.substring(equals + 1).strip();
            }
        }
        return node == null ? null : nodeName(node);
    }

    /**
     * RFC 7239 §6: node = nodename [":" node-port], an IPv6 nodename in brackets, the whole value
     * quoted when it holds a colon or brackets. The name comes back without quotes, brackets and
     * port; it is {@code unknown} or an obfuscated {@code _name} where the proxy hid the address,
     * which the caller rejects as not an IP literal.
     */
    private static String nodeName(String node) {
        String value = node;
        if (value.startsWith("\"")) {
            if (value.length() < 2 || !value.endsWith("\"")) {
                return null;
            }
            value = value.substring(1, value.length() - 1);
            if (value.indexOf('"') >= 0 || value.indexOf('\\') >= 0) {
                return null; // a quoted-pair has no place in an address
            }
        }
        String name;
        String port = null;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                return null;
            }
            name = value.substring(1, close);
            if (name.indexOf(':') < 0) {
                return null; // brackets hold IPv6 only
            }
            String rest = value.substring(close + 1);
            if (!rest.isEmpty()) {
                if (rest.charAt(0) != ':') {
                    return null;
                }
                port = rest.substring(1);
            }
        } else {
            // an unbracketed IPv6 address splits here and fails as a port: RFC 7239 §6 requires the brackets
            int colon = value.indexOf(':');
            name = colon < 0 ? value : value.substring(0, colon);
            port = colon < 0 ? null : value.substring(colon + 1);
        }
        return port == null || isNodePort(port) ? name : null;
    }

    /** RFC 7239 §6: node-port = port (1-5 digits) / obfport ("_" 1*(ALPHA / DIGIT / "." / "_" / "-")). */
    private static boolean isNodePort(String port) {
        if (port.matches("[0-9]{1,5}")) {
            return Integer.parseInt(port) <= 65535;
        }
        return port.matches("_[A-Za-z0-9._-]+");
    }

    /** Whether every quoted string is closed and no escape is left dangling. */
    private static boolean quotesClosed(String value) {
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted && c == '\\') {
                if (++i == value.length()) {
                    return false;
                }
            } else if (c == '"') {
                quoted = !quoted;
            }
        }
        return !quoted;
    }

    /** Splits at {@code separator} outside RFC 9110 §5.6.4 quoted strings (with their backslash escapes). */
    private static List<String> splitOutsideQuotes(String value, char separator) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == separator) {
                parts.add(value.substring(start, i).strip());
                start = i + 1;
            }
        }
        parts.add(value.substring(start).strip());
        return parts;
    }

    /** A socket's IPv6 text may carry its interface ({@code fe80::1%eth0}); the address is what counts. */
    private static String withoutZone(String peer) {
        int percent = peer.indexOf('%');
        return percent < 0 ? peer : peer.substring(0, percent);
    }

    /** One CIDR range of {@code gatehouse.http.trusted-proxies}; a bare address is a range of one. */
    private record Range(byte[] network, int prefixLength) {

        static Range parse(String cidr) {
            int slash = cidr.indexOf('/');
            byte[] network = IpLiteral.parse(slash < 0 ? cidr : cidr.substring(0, slash));
            String prefix = slash < 0 ? null : cidr.substring(slash + 1);
            if (network == null || (prefix != null && !prefix.matches("[0-9]{1,3}"))) {
                throw notARange(cidr);
            }
            int length = prefix == null ? network.length * 8 : Integer.parseInt(prefix);
            if (length > network.length * 8) {
                throw notARange(cidr);
            }
            return new Range(network, length);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefixLength / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixLength % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (address[whole] & mask) == (network[whole] & mask);
        }

        private static IllegalStateException notARange(String cidr) {
            return new IllegalStateException("gatehouse.http.trusted-proxies: '" + cidr
                    + "' is not a CIDR range of IP literals (such as 10.0.0.0/8 or 2001:db8::/32)");
        }
    }
}
