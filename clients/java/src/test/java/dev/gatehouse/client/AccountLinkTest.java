package dev.gatehouse.client;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link AccountLink#parse}: the mail links Gatehouse sends, and everything else refused. */
class AccountLinkTest {

    private static final String BASE = "https://shop.example/app";

    @Test
    void readsTheActionAndTokenOfEachMailLink() {
        String token = AccountCallsTest.oneTimeToken();
        for (AccountLink.Action action : AccountLink.Action.values()) {
            AccountLink expected = new AccountLink(action, token);
            assertEquals(Optional.of(expected), AccountLink.parse(BASE + "/" + action.path() + "?token=" + token));
            assertEquals(Optional.of(expected), AccountLink.parse("https://shop.example/" + action.path() + "?utm_source=mail&token=" + token + "#top"));
            assertEquals(Optional.of(expected), AccountLink.parse("shop://open/" + action.path() + "?token=" + token), "a custom scheme");
            assertEquals(Optional.of(expected), AccountLink.parse(BASE + "/" + action.path() + "?token=" + token, BASE));
            assertEquals(Optional.of(expected), AccountLink.parse("HTTPS://Shop.Example/app/" + action.path() + "?token=" + token, BASE + "/"));
        }
        assertEquals("reset-password", AccountLink.Action.RESET_PASSWORD.path());
    }

    @Test
    void refusesHostileAndMalformedLinks() {
        String token = AccountCallsTest.oneTimeToken();
        String body = token.substring("gatehouse_ot_".length());
        List<String> refused = List.of(
                BASE + "/delete-account?token=" + token,
                BASE + "/reset-password/?token=" + token,
                BASE + "/RESET-PASSWORD?token=" + token,
                BASE + "/reset%2Dpassword?token=" + token,
                BASE + "/reset-password.html?token=" + token,
                BASE + "?action=reset-password&token=" + token,
                BASE + "/reset-password",
                BASE + "/reset-password?token=",
                BASE + "/reset-password?token",
                BASE + "/reset-password?Token=" + token,
                BASE + "/reset-password?token=" + token + "&token=" + AccountCallsTest.oneTimeToken(),
                BASE + "/reset-password?token=" + token + "&token=" + token,
                BASE + "/reset-password#token=" + token,
                BASE + "/reset-password?token=" + token.substring(0, token.length() - 1),
                BASE + "/reset-password?token=" + token + "A",
                BASE + "/reset-password?token=" + token + "=",
                BASE + "/reset-password?token=gatehouse_ot_" + body.substring(0, 42) + "+",
                BASE + "/reset-password?token=gatehouse_ot_" + body.substring(0, 42) + "/",
                BASE + "/reset-password?token=gatehouse_ot_" + body.substring(0, 42) + "%41",
                BASE + "/reset-password?token=gatehouse_ot_" + body.substring(0, 42) + "\u0410",
                BASE + "/reset-password?token=gatehouse_rt_" + body,
                BASE + "/reset-password?token=GATEHOUSE_OT_" + body,
                BASE + "/reset-password?token=%20" + token,
                BASE + "/reset-password?token=<script>" + body,
                BASE + "/reset-password?token=" + token + "\n",
                "/app/reset-password?token=" + token,
                "reset-password?token=" + token,
                "mailto:reset-password?token=" + token,
                BASE + "/reset-password?token=" + token + "&x=" + "y".repeat(3000),
                "",
                "not a url",
                "https://shop.example/app/reset password?token=" + token);
        for (String link : refused) {
            assertEquals(Optional.empty(), AccountLink.parse(link), link.length() > 120 ? link.substring(0, 120) : link);
        }
        assertEquals(Optional.empty(), AccountLink.parse(null));
    }

    @Test
    void withTheLinkBaseUrlLookAlikeHostsAndPathsAreRefused() {
        String token = AccountCallsTest.oneTimeToken();
        for (String link : List.of(
                "https://shop.example.evil.test/app/reset-password?token=" + token,
                "https://evil.test/app/reset-password?token=" + token,
                "https://shop.example@evil.test/app/reset-password?token=" + token,
                "http://shop.example/app/reset-password?token=" + token,
                "https://shop.example:8443/app/reset-password?token=" + token,
                "https://shop.example/app-evil/reset-password?token=" + token,
                "https://shop.example/reset-password?token=" + token,
                "https://shop.example/app/x/reset-password?token=" + token,
                "https://shop.example/evil/../app/x/reset-password?token=" + token)) {
            assertEquals(Optional.empty(), AccountLink.parse(link, BASE), link);
        }
        assertEquals(Optional.empty(), AccountLink.parse(BASE + "/reset-password?token=" + token, "not a url"));
        // Dot segments are resolved first, so this is the real path /app/reset-password.
        assertTrue(AccountLink.parse("https://shop.example/evil/../app/reset-password?token=" + token, BASE).isPresent());
    }

    @Test
    void theTokenStaysOutOfToString() {
        String token = AccountCallsTest.oneTimeToken();
        AccountLink link = AccountLink.parse(BASE + "/verify-email?token=" + token).orElseThrow();
        assertEquals("AccountLink[action=VERIFY_EMAIL]", link.toString());
        assertFalse(String.valueOf(Optional.of(link)).contains(token));
    }
}
