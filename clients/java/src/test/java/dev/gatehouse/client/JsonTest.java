package dev.gatehouse.client;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonTest {

    @Test
    void readsTheTopLevelStringsAndSkipsEverythingElse() {
        String body = "{\"accessToken\":\"a.b.c\",\"expiresIn\":900,\"nested\":{\"code\":\"no\",\"x\":[1,\"]}\"]},"
                + "\"ok\":true,\"none\":null,\"detail\":\"say \\\"hi\\\" \\u00e9\\n\"}";

        assertEquals(Map.of("accessToken", "a.b.c", "detail", "say \"hi\" é\n"), Json.stringMembers(body));
    }

    @Test
    void anythingButAJsonObjectReadsAsEmpty() {
        assertEquals(Map.of(), Json.stringMembers("<html>502 Bad Gateway</html>"));
        assertEquals(Map.of(), Json.stringMembers("{\"accessToken\":\"cut off"));
        assertEquals(Map.of(), Json.stringMembers("[\"a\"]"));
        assertEquals(Map.of(), Json.stringMembers(""));
        assertEquals(Map.of(), Json.stringMembers("{\"a\":\"b\"} trailing"));
    }

    @Test
    void writesEscapedStringsAndLeavesOutNulls() {
        assertEquals("{\"email\":\"a\\\"b\\\\c\\u0001\",\"password\":\"p\"}",
                Json.object("email", "a\"b\\c\u0001", "password", "p", "deviceName", null));
        assertEquals(Map.of("email", "a\"b\\c\u0001"), Json.stringMembers(Json.object("email", "a\"b\\c\u0001")));
    }
}
