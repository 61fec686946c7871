package dev.gatehouse.clients;

import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mailbox the client suites read the service's mails from: each mail handed out once, newest first. */
class ClientMailboxTest {

    @Test
    void handsOutTheNewestMatchingMailOnceThroughItsEndpoint() throws Exception {
        try (ClientMailbox mailbox = ClientMailbox.start()) {
            ServerSetup smtp = new ServerSetup(mailbox.smtpPort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
            GreenMailUtil.sendTextEmail("Ann@Example.com", "gatehouse@client.test", "Verify", "verify-email\r\nCode: 111111", smtp);
            GreenMailUtil.sendTextEmail("ann@example.com", "gatehouse@client.test", "Reset", "reset-password\r\nCode: 222222", smtp);
            GreenMailUtil.sendTextEmail("ann@example.com", "gatehouse@client.test", "Reset", "reset-password\r\nCode: 333333", smtp);
            GreenMailUtil.sendTextEmail("bob@example.com", "gatehouse@client.test", "Reset", "reset-password\r\nCode: 444444", smtp);

            HttpResponse<String> newest = get(mailbox, "ann@example.com", "reset-password");
            assertEquals(200, newest.statusCode(), newest.body());
            assertEquals("reset-password\nCode: 333333", newest.body().strip());
            assertEquals("verify-email\nCode: 111111", get(mailbox, "ann@example.com", "verify-email").body().strip());
            // The older reset mail was superseded when the newer one was handed out.
            assertNull(mailbox.take("ann@example.com", "reset-password", Duration.ofMillis(200)));
            assertTrue(mailbox.take("bob@example.com", "reset-password", Duration.ofMillis(200)).contains("444444"));

            GreenMailUtil.sendTextEmail("ann@example.com", "gatehouse@client.test", "Reset", "reset-password\r\nCode: 555555", smtp);
            assertTrue(get(mailbox, "ann@example.com", "reset-password").body().contains("555555"), "a later mail is handed out");
        }
    }

    private static HttpResponse<String> get(ClientMailbox mailbox, String to, String contains) throws Exception {
        URI uri = URI.create(mailbox.url() + "?to=" + URLEncoder.encode(to, StandardCharsets.UTF_8)
                + "&contains=" + URLEncoder.encode(contains, StandardCharsets.UTF_8));
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(40)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
