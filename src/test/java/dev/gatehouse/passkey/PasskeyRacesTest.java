package dev.gatehouse.passkey;

import dev.gatehouse.support.Db;
import dev.gatehouse.support.Parallel;
import dev.gatehouse.support.SoftwareAuthenticator;
import io.restassured.response.Response;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.gatehouse.passkey.Ceremonies.finishRegistration;
import static dev.gatehouse.passkey.Ceremonies.registrationOptions;
import static dev.gatehouse.passkey.Ceremonies.verifiedUser;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/passkeys.md "Flows" and "Counters" under races: one registration flow finished many times at once, one
 * credential offered to several users at once, copies of one authenticator signing in with one count at once.
 */
@QuarkusTest
class PasskeyRacesTest {

    @Inject
    Db db;

    @Test
    void parallelFinishesOfOneRegistrationFlowAddOnePasskey() throws Exception {
        Ceremonies.SignedIn user = verifiedUser(db);
        Ceremonies.Options options = registrationOptions(user.tokens().accessToken());
        Map<String, Object> credential = SoftwareAuthenticator.es256().create(options.publicKey(), SoftwareAuthenticator.WEB_ORIGIN);
        List<Response> responses = Parallel.run(8, i -> finishRegistration(user.tokens().accessToken(), options.flowId(),
                credential, null));
        assertEquals(1, responses.stream().filter(r -> r.statusCode() == 201).count(), statuses(responses));
        assertTrue(responses.stream().allMatch(r -> r.statusCode() == 201
                || (r.statusCode() == 400 && "invalid_passkey".equals(r.path("code")))), statuses(responses));
        assertEquals(1L, db.count("select count(*) from passkeys where user_id = ?", user.userId()));
        assertEquals(1L, db.count("select count(*) from security_events where user_id = ? and kind = 'passkey_added'",
                user.userId()));
    }

    @Test
    void oneCredentialOfferedToTwoUsersAtOnceGoesToOne() throws Exception {
        for (int round = 0; round < 5; round++) {
            SoftwareAuthenticator authenticator = SoftwareAuthenticator.es256();
            List<Ceremonies.SignedIn> users = List.of(verifiedUser(db), verifiedUser(db), verifiedUser(db), verifiedUser(db));
            List<Ceremonies.Options> options = users.stream().map(u -> registrationOptions(u.tokens().accessToken())).toList();
            List<Map<String, Object>> credentials = options.stream()
                    .map(o -> authenticator.create(o.publicKey(), SoftwareAuthenticator.WEB_ORIGIN)).toList();
            List<Response> responses = Parallel.run(users.size(), i -> finishRegistration(users.get(i).tokens().accessToken(),
                    options.get(i).flowId(), credentials.get(i), null));
            assertEquals(1, responses.stream().filter(r -> r.statusCode() == 201).count(), statuses(responses));
            assertTrue(responses.stream().allMatch(r -> r.statusCode() == 201
                    || (r.statusCode() == 400 && "invalid_passkey".equals(r.path("code")))), statuses(responses));
        }
    }

    @Test
    void twoCopiesOfOneAuthenticatorSigningInAtOnceWithOneCountPassOnce() throws Exception {
        Ceremonies.SignedIn user = verifiedUser(db);
        SoftwareAuthenticator authenticator = SoftwareAuthenticator.es256();
        Ceremonies.register(user, authenticator, SoftwareAuthenticator.WEB_ORIGIN);
        int copies = 6;
        List<Ceremonies.Options> flows = new java.util.ArrayList<>();
        for (int i = 0; i < copies; i++) {
            flows.add(Ceremonies.loginOptions());
        }
        List<Map<String, Object>> assertions = flows.stream().map(o -> authenticator.get(o.publicKey(),
                SoftwareAuthenticator.WEB_ORIGIN, SoftwareAuthenticator.Tamper.counter(5))).toList();
        List<Response> responses = Parallel.run(copies, i -> Ceremonies.finishLogin(flows.get(i).flowId(), assertions.get(i)));
        assertEquals(1, responses.stream().filter(r -> r.statusCode() == 200).count(), statuses(responses));
        assertTrue(responses.stream().allMatch(r -> r.statusCode() == 200
                || (r.statusCode() == 401 && "invalid_credentials".equals(r.path("code")))), statuses(responses));
        assertEquals(copies - 1L, db.count("select count(*) from security_events where user_id = ? and kind = 'passkey_clone_suspected'",
                user.userId()));
    }

    private static String statuses(List<Response> responses) {
        return responses.stream().map(r -> r.statusCode() + " " + r.asString()).toList().toString();
    }
}
