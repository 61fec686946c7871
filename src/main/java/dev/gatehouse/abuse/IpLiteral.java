package dev.gatehouse.abuse;

import java.util.Arrays;

/**
 * IP address literals, parsed and printed without {@link java.net.InetAddress}: a forwarding header is
 * written by the client, and anything that is not an address literal must never become a DNS lookup
 * (docs/api.md "Client address"). Parsing yields 4 bytes for IPv4 (IPv4-mapped IPv6 included) and
 * 16 for IPv6; printing gives the one canonical text of each.
 */
final class IpLiteral {

    /** The longest IPv6 text, {@code ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255}; longer is rejected unread. */
    private static final int MAX_LENGTH = 45;

    private IpLiteral() {
    }

    /** The address's bytes, or null when {@code text} is not exactly an IPv4 or IPv6 literal. */
    static byte[] parse(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
            return null;
        }
        byte[] address = text.indexOf(':') >= 0 ? parseIpv6(text) : parseIpv4(text);
        return address == null ? null : unmapped(address);
    }

    /** The canonical text: dotted quad, or RFC 5952 §4 (lower case, no leading zeros, the longest zero run as "::"). */
    static String format(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (address[2 * i] & 0xff) << 8 | (address[2 * i + 1] & 0xff);
        }
        // RFC 5952 §4.2: the longest run of two or more zero groups, the first one on a tie
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int end = i;
            while (end < 8 && groups[end] == 0) {
                end++;
            }
            if (end - i > bestLength) {
                bestStart = i;
                bestLength = end - i;
            }
            i = end == i ? i + 1 : end;
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    /** Four decimal octets 0-255 without leading zeros: {@code 010.1.1.1} is octal to some parsers, so it is no address here. */
    private static byte[] parseIpv4(String text) {
        byte[] address = new byte[4];
        int octet = 0;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i < text.length() && text.charAt(i) != '.') {
                continue;
            }
            if (octet == 4 || i == start || i - start > 3 || (i - start > 1 && text.charAt(start) == '0')) {
                return null;
            }
            int value = 0;
            for (int j = start; j < i; j++) {
                char c = text.charAt(j);
                if (c < '0' || c > '9') {
                    return null;
                }
                value = value * 10 + (c - '0');
            }
            if (value > 255) {
                return null;
            }
            address[octet++] = (byte) value;
            start = i + 1;
        }
        return octet == 4 ? address : null;
    }

    /**
     * RFC 4291 §2.2: eight groups of 1-4 hex digits, one "::" for one or more zero groups, and an
     * IPv4 dotted quad for the last 32 bits. No zone ({@code %eth0}): it means nothing off the host.
     */
    private static byte[] parseIpv6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        int[] head = gap < 0 ? groups(text, true) : groups(text.substring(0, gap), false);
        int[] tail = gap < 0 ? new int[0] : groups(text.substring(gap + 2), true);
        if (head == null || tail == null) {
            return null;
        }
        int count = head.length + tail.length;
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        byte[] address = new byte[16];
        for (int i = 0; i < head.length; i++) {
            address[2 * i] = (byte) (head[i] >> 8);
            address[2 * i + 1] = (byte) head[i];
        }
        for (int i = 0; i < tail.length; i++) {
            int at = 8 - tail.length + i;
            address[2 * at] = (byte) (tail[i] >> 8);
            address[2 * at + 1] = (byte) tail[i];
        }
        return address;
    }

    /** Colon-separated 16-bit groups (an empty text is none); the last may be a dotted quad, two groups. */
    private static int[] groups(String text, boolean ipv4Last) {
        if (text.isEmpty()) {
            return new int[0];
        }
        String[] parts = text.split(":", -1);
        if (parts.length > 8) {
            return null;
        }
        int[] groups = new int[parts.length + 1];
        int count = 0;
        for (int p = 0; p < parts.length; p++) {
            String part = parts[p];
            if (ipv4Last && p == parts.length - 1 && part.indexOf('.') >= 0) {
                byte[] ipv4 = parseIpv4(part);
                if (ipv4 == null) {
                    return null;
                }
                groups[count++] = (ipv4[0] & 0xff) << 8 | (ipv4[1] & 0xff);
                groups[count++] = (ipv4[2] & 0xff) << 8 | (ipv4[3] & 0xff);
                continue;
            }
            if (part.isEmpty() || part.length() > 4) {
                return null;
            }
            int value = 0;
            for (int i = 0; i < part.length(); i++) {
                int digit = Character.digit(part.charAt(i), 16);
                if (digit < 0 || part.charAt(i) > 'f') { // Character.digit also takes non-ASCII digits
                    return null;
                }
                value = value << 4 | digit;
            }
            groups[count++] = value;
        }
        return Arrays.copyOf(groups, count);
    }

    /** RFC 4291 §2.5.5.2: {@code ::ffff:a.b.c.d} is the IPv4 host a.b.c.d and counts as it. */
    private static byte[] unmapped(byte[] address) {
        if (address.length != 16) {
            return address;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return address;
            }
        }
        if ((address[10] & 0xff) != 0xff || (address[11] & 0xff) != 0xff) {
            return address;
        }
        return new byte[] {address[12], address[13], address[14], address[15]};
    }
}
