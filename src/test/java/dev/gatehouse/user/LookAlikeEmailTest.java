package dev.gatehouse.user;

import dev.gatehouse.support.Api;
import dev.gatehouse.support.Db;
import dev.gatehouse.support.Parallel;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Emails that differ only by Unicode look-alikes are one account (docs/decisions.md "Look-alike
 * emails"): each of the review's variants of a registered {@code kate@...} is refused.
 */
@QuarkusTest
class LookAlikeEmailTest {

    @Inject
    Db db;

    @Inject
    EmailSkeletons skeletons;

    @Test
    void lookAlikesOfARegisteredEmailAreNotNewAccounts() {
        String domain = "@" + UUID.randomUUID() + ".example";
        register("kate" + domain).then().statusCode(201);
        register("eff" + domain).then().statusCode(201);
        for (String lookAlike : List.of("\u043Aate" + domain,        // Cyrillic ka
                "\uFF4Bate" + domain,                                // fullwidth k
                "KATE" + domain, "\u041AATE" + domain,               // upper case, Latin and Cyrillic
                "kate" + domain + "\u2028",                          // a trailing line separator
                "e\uFB00" + domain)) {                               // the ff ligature
            int status = register(lookAlike).statusCode();
            assertEquals(409, status, () -> "registered as a new account: " + lookAlike.codePoints()
                    .mapToObj(c -> String.format("U+%04X", c)).toList());
        }
        // the domain counts too, and lower-case look-alikes that TR 39 maps only in lower case
        register("dave" + domain).then().statusCode(201);
        String[] at = domain.substring(1).split("\\.", 2);
        for (String lookAlike : List.of("kate@" + at[0] + ".ex\u0430mple",   // Cyrillic a in the domain
                "kate@" + at[0] + ".exa\u00ADmple",                           // a soft hyphen in the domain
                "kate@" + at[0] + ".exa\u200Bmple",                           // a zero-width space in the domain
                "da\u03BDe" + domain)) {                                       // Greek nu
            int status = register(lookAlike).statusCode();
            assertTrue(status == 409 || status == 400, () -> "registered as a new account: " + lookAlike.codePoints()
                    .mapToObj(c -> String.format("U+%04X", c)).toList() + " got " + status);
        }
        register("kite" + domain).then().statusCode(201);
        int dotted = register("ki\u0307te" + domain).statusCode();
        assertTrue(dotted == 409 || dotted == 400, "i with a dot above: " + dotted);
        // a zero-width space, or a trailing no-break space, is refused one way or the other, never a new account
        int zeroWidth = register("kate\u200B" + domain).statusCode();
        assertTrue(zeroWidth == 409 || zeroWidth == 400, "zero-width space: " + zeroWidth);
        int noBreak = register("kate" + domain + "\u00A0").statusCode();
        assertTrue(noBreak == 409 || noBreak == 400, "no-break space: " + noBreak);
    }

    @Test
    void aLongRunOfCombiningMarksIsRefusedQuickly() {
        // normalizing this would take about a second per request, before any rate limit
        String marks = "\u0301".repeat(15_000) + "\u0316".repeat(15_000);
        given().contentType(ContentType.JSON).body(Map.of("email", "a" + marks + "@x.example", "password", Api.PASSWORD))
                .post("/api/auth/register").then().statusCode(400).time(org.hamcrest.Matchers.lessThan(1500L));
        given().contentType(ContentType.JSON).body(Map.of("email", "a" + marks + "@x.example", "password", Api.PASSWORD))
                .post("/api/auth/login").then().statusCode(400).time(org.hamcrest.Matchers.lessThan(1500L));
    }

    @Test
    void emailsAreStoredNfkcAndLowerCasedInTheRootLocale() {
        String domain = "@" + UUID.randomUUID() + ".example";
        register("\uFF33TRA\u00DFE" + domain).then().statusCode(201).body("email", equalTo("stra\u00DFe" + domain));
        // "ß" stays "ß": "strasse" is another account
        register("strasse" + domain).then().statusCode(201);
    }

    @Test
    void parallelRegistrationsOfLookAlikesCreateOneAccount() throws Exception {
        String domain = "@" + UUID.randomUUID() + ".example";
        String[] variants = {"kate", "\u043Aate", "\uFF4Bate", "KATE"};
        List<Integer> statuses = Parallel.run(8, i -> register(variants[i % variants.length] + domain).statusCode());
        assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
        assertEquals(7, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
    }

    @Test
    void accountsFromBeforeSkeletonsAreFilledInAndKeptApart() {
        String domain = "@" + UUID.randomUUID() + ".example";
        UUID latin = insertOldRow("kate" + domain);
        UUID fullwidth = insertOldRow("\uFF4Bate" + domain);       // a look-alike that version 1 accepted
        UUID cyrillic = insertOldRow("\u043Aate" + domain);
        skeletons.onStart(null);
        String skeleton = (String) db.single("select email_skeleton from users where id = ?", latin);
        assertEquals(Emails.skeleton("kate" + domain), skeleton);
        assertEquals(skeleton, db.single("select email_skeleton from users where id = ?", cyrillic));
        // no account is merged: the fullwidth one keeps its email, the NFKC form being taken
        assertEquals("\uFF4Bate" + domain, db.single("select email from users where id = ?", fullwidth));
        assertEquals(3L, db.count("select count(*) from users where email_skeleton = ?", skeleton));
    }

    private UUID insertOldRow(String email) {
        UUID id = UUID.randomUUID();
        db.update("""
                insert into users (id, email, password_hash, roles, security_stamp, status, created_at, updated_at)
                values (?, ?, 'not a hash', array['user'], 'stamp', 'active', ?, ?)""",
                id, email, OffsetDateTime.now(), OffsetDateTime.now());
        return id;
    }

    private static Response register(String email) {
        return given().contentType(ContentType.JSON).body(Map.of("email", email, "password", Api.PASSWORD))
                .post("/api/auth/register");
    }
}
