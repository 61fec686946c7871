package dev.gatehouse.abuse;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** docs/api.md "Account lockout": an IPv4 address counts as itself, an IPv6 address as its /64, whatever its textual form. */
class AddressKeyTest {

    @Test
    void anIpv4AddressIsItsOwnKey() {
        assertEquals("198.51.100.7", AddressKey.of("198.51.100.7"));
        assertNotEquals(AddressKey.of("198.51.100.7"), AddressKey.of("198.51.100.8"));
        assertEquals("198.51.100.7", AddressKey.of("::ffff:198.51.100.7"), "IPv4-mapped IPv6 is the IPv4 client");
    }

    @Test
    void everyIpv6AddressOfOneSlash64SharesAKey() {
        String key = AddressKey.of("2001:db8:1:2::1");
        assertEquals("2001:db8:1:2::/64", key);
        assertEquals(key, AddressKey.of("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        assertEquals(key, AddressKey.of("2001:0DB8:0001:0002:0000:0000:0000:0001"));
        assertEquals(key, AddressKey.of("[2001:db8:1:2::abcd]"));
        assertEquals(key, AddressKey.of("2001:db8:1:2:0:0:0:1%eth0"));
        assertNotEquals(key, AddressKey.of("2001:db8:1:3::1"));
        assertNotEquals(key, AddressKey.of("2001:db8:2:2::1"));
    }

    @Test
    void noAddressAndNonLiteralsAreNeverResolved() {
        assertEquals(AddressKey.UNKNOWN, AddressKey.of(null));
        assertEquals(AddressKey.UNKNOWN, AddressKey.of(" "));
        assertEquals("host.example", AddressKey.of("Host.Example"));
    }
}
