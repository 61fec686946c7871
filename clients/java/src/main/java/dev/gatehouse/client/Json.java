package dev.gatehouse.client;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Just enough JSON for Gatehouse's flat answers, so the client needs no JSON library: the
 * top-level string members of an object, and writing an object of strings.
 */
final class Json {

    private final String text;
    private int at;

    private Json(String text) {
        this.text = text;
    }

    /**
     * The string-valued top-level members of a JSON object; other values (numbers, arrays, nested
     * objects) are skipped. Empty when the text is not a JSON object, e.g. a proxy's HTML error page.
     */
    static Map<String, String> stringMembers(String text) {
        if (text == null) {
            return Collections.emptyMap();
        }
        try {
            Json json = new Json(text);
            Map<String, String> members = json.object();
            json.space();
            return json.at == text.length() ? members : Collections.<String, String>emptyMap();
        } catch (IllegalArgumentException | IndexOutOfBoundsException notJson) {
            return Collections.emptyMap();
        }
    }

    /** {@code {"k1":"v1",...}} from alternating names and values; a {@code null} value leaves the member out. */
    static String object(String... namesAndValues) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] == null) {
                continue;
            }
            if (out.length() > 1) {
                out.append(',');
            }
            quote(namesAndValues[i], out);
            out.append(':');
            quote(namesAndValues[i + 1], out);
        }
        return out.append('}').toString();
    }

    private static void quote(String value, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private Map<String, String> object() {
        Map<String, String> members = new HashMap<>();
        space();
        expect('{');
        space();
        if (peek() == '}') {
            at++;
            return members;
        }
        while (true) {
            space();
            String name = string();
            space();
            expect(':');
            space();
            if (peek() == '"') {
                members.put(name, string());
            } else {
                skipValue();
            }
            space();
            if (peek() == ',') {
                at++;
                continue;
            }
            expect('}');
            return members;
        }
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw new IllegalArgumentException("control character in a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char escaped = text.charAt(at++);
            switch (escaped) {
                case '"', '\\', '/' -> out.append(escaped);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    at += 4;
                }
                default -> throw new IllegalArgumentException("bad escape");
            }
        }
    }

    /** Skips a number, literal, array or object, minding strings that contain brackets. */
    private void skipValue() {
        char first = peek();
        if (first == '{' || first == '[') {
            int depth = 0;
            do {
                char c = peek();
                if (c == '"') {
                    string();
                    continue;
                }
                if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    depth--;
                }
                at++;
            } while (depth > 0);
            return;
        }
        int start = at;
        while (at < text.length() && ",}] \t\r\n".indexOf(text.charAt(at)) < 0) {
            at++;
        }
        if (at == start) {
            throw new IllegalArgumentException("value expected");
        }
    }

    private void space() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }

    private char peek() {
        return text.charAt(at);
    }

    private void expect(char c) {
        if (text.charAt(at) != c) {
            throw new IllegalArgumentException("'" + c + "' expected");
        }
        at++;
    }
}
