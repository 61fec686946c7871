package dev.gatehouse.abuse;

import io.netty.util.NetUtil;

import java.util.Arrays;
import java.util.Locale;

/**
 * The address part of a lockout count (docs/api.md "Account lockout"): an IPv4 address as itself, an
 * IPv6 address as its /64, because one subscriber is handed a whole /64 and may send from any address in
 * it. Whatever textual form the address arrives in (compressed or not, bracketed, with a zone, IPv4-mapped),
 * one network gives one key.
 */
final class AddressKey {

    /** No client address at all (a request without a TCP peer): all such requests share one count. */
    static final String UNKNOWN = "unknown";

    private AddressKey() {
    }

    static String of(String clientAddress) {
        if (clientAddress == null || clientAddress.isBlank()) {
            return UNKNOWN;
        }
        // Parses IP literals only: never a DNS lookup.
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(clientAddress.strip());
        if (bytes == null) {
            return clientAddress.strip().toLowerCase(Locale.ROOT); // not an IP literal: counted as it came
        }
        if (bytes.length == 16 && ipv4Mapped(bytes)) {
            bytes = Arrays.copyOfRange(bytes, 12, 16);
        }
        if (bytes.length == 4) {
            return NetUtil.bytesToIpAddress(bytes);
        }
        StringBuilder network = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            network.append(Integer.toHexString((bytes[i] & 0xff) << 8 | bytes[i + 1] & 0xff)).append(':');
        }
        return network.append(":/64").toString();
    }

    /** {@code ::ffff:a.b.c.d}: an IPv4 client seen through an IPv6 socket. */
    private static boolean ipv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }
}
