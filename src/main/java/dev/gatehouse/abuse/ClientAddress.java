package dev.gatehouse.abuse;

import dev.gatehouse.config.GatehouseConfig;
import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The client's IP address (docs/api.md "Client address"). Forwarding headers are believed only when the TCP peer is a
 * trusted proxy ({@code gatehouse.http.trusted-proxies}); the client is then the rightmost address
 * that is not a trusted proxy, because every address left of it may have been written by the client.
 */
@Singleton
public class ClientAddress {

    private final List<IpSubnetFilterRule> trustedProxies = new ArrayList<>();

    @Inject
    ClientAddress(GatehouseConfig config) {
        this(config.http().trustedProxies().orElse(List.of()));
    }

    ClientAddress(List<String> trustedProxyRanges) {
        for (String cidr : trustedProxyRanges) {
            String value = cidr.strip();
            if (value.isEmpty()) {
                continue;
            }
            try {
                String[] parts = value.split("/", 2);
                InetAddress address = InetAddress.getByName(literal(parts[0]));
                int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : address.getAddress().length * 8;
                trustedProxies.add(new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT));
            } catch (Exception e) {
                throw new IllegalStateException("gatehouse.http.trusted-proxies: '" + value + "' is not a CIDR range");
            }
        }
    }

    public String of(HttpServerRequest request) {
        if (request.remoteAddress() == null) {
            return null;
        }
        return resolve(request.remoteAddress().hostAddress(), request.headers().getAll("Forwarded"),
                request.headers().getAll("X-Forwarded-For"));
    }

    /** The client address given the TCP peer and the forwarding headers as received. */
    String resolve(String peer, List<String> forwardedHeaders, List<String> xForwardedForHeaders) {
        if (trustedProxies.isEmpty() || !trusted(peer)) {
            return peer;
        }
        List<String> chain = forwardedChain(forwardedHeaders, xForwardedForHeaders);
        for (int i = chain.size() - 1; i >= 0; i--) {
            String hop = chain.get(i);
            if (!isIp(hop)) {
                return peer; // a malformed entry: do not guess past it
            }
            if (!trusted(hop)) {
                return hop;
            }
        }
        return chain.isEmpty() ? peer : chain.get(0);
    }

    private boolean trusted(String ip) {
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(literal(ip)), 0);
            return trustedProxies.stream().anyMatch(rule -> rule.matches(address));
        } catch (Exception e) {
            return false;
        }
    }

    /** RFC 7239 {@code Forwarded: for=...} when present, else {@code X-Forwarded-For}; left to right. */
    private static List<String> forwardedChain(List<String> forwarded, List<String> xForwardedFor) {
        List<String> chain = new ArrayList<>();
        if (!forwarded.isEmpty()) {
            for (String header : forwarded) {
                for (String element : header.split(",")) {
                    for (String pair : element.split(";")) {
                        String[] kv = pair.strip().split("=", 2);
                        if (kv.length == 2 && kv[0].strip().toLowerCase(Locale.ROOT).equals("for")) {
                            chain.add(forwardedNode(kv[1].strip()));
                        }
                    }
                }
            }
            return chain;
        }
        for (String header : xForwardedFor) {
            for (String hop : header.split(",")) {
                if (!hop.isBlank()) {
                    chain.add(hop.strip());
                }
            }
        }
        return chain;
    }

    /** {@code "[2001:db8::1]:4711"} or {@code 192.0.2.1:80} or {@code 192.0.2.1} to the bare address. */
    private static String forwardedNode(String node) {
        String value = node.startsWith("\"") && node.endsWith("\"") && node.length() > 1
                ? node.substring(1, node.length() - 1) : node;
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            return end > 0 ? value.substring(1, end) : value;
        }
        int colon = value.indexOf(':');
        return colon > 0 && value.indexOf(':', colon + 1) < 0 ? value.substring(0, colon) : value;
    }

    private static String literal(String ip) {
        return ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
    }

    /** Only IP literals count: a host name here would make InetAddress do a DNS lookup. */
    private static boolean isIp(String value) {
        return !value.isEmpty() && (value.indexOf(':') >= 0 ? value.matches("[0-9A-Fa-f:.]+") : value.matches("[0-9.]+"));
    }
}
