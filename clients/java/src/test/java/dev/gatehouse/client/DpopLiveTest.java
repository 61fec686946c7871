package dev.gatehouse.client;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Device-bound refresh tokens (docs/dpop.md) with the client against a real Gatehouse ({@code GATEHOUSE_URL}; skipped
 * without it), called directly; an interceptor records the refresh calls and can lose one answer.
 */
class DpopLiveTest {

    @BeforeAll
    static void live() {
        assumeTrue(LiveGatehouse.url() != null, "GATEHOUSE_URL is not set: no live Gatehouse to test against");
    }

    /** Records each refresh call's token and proof; loses the answer of the next one when told to. */
    static final class Refreshes implements Interceptor {
        final List<String> proofs = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean loseNext = new AtomicBoolean();

        @Override
        public Response intercept(Chain chain) throws IOException {
            Request request = chain.request();
            if (!request.url().encodedPath().equals("/api/auth/refresh")) {
                return chain.proceed(request);
            }
            proofs.add(request.header("DPoP"));
            Response response = chain.proceed(request);
            if (loseNext.compareAndSet(true, false)) {
                response.body().string(); // the server has answered: it rotated
                response.close();
                throw new IOException("answer lost on the way");
            }
            return response;
        }
    }

    private record SignedIn(GatehouseAuth auth, MemoryTokenStore store, Tokens tokens, Refreshes refreshes, DpopKeys keys) {
    }

    private static SignedIn signedIn() throws Exception {
        MemoryTokenStore store = new MemoryTokenStore();
        Refreshes refreshes = new Refreshes();
        DpopKeys keys = DpopKeys.inMemory();
        GatehouseAuth auth = GatehouseAuth.builder(LiveGatehouse.url()).tokenStore(store).dpop(keys)
                .httpClient(new OkHttpClient.Builder().addInterceptor(refreshes).build()).build();
        auth.login(LiveGatehouse.registerUser(), LiveGatehouse.PASSWORD, "junit dpop");
        return new SignedIn(auth, store, store.load(), refreshes, keys);
    }

    @Test
    void twentyParallelRequestsAcrossAnExpiryShareOneRefreshWithAProofAndTheTokenIsUselessWithoutTheKey() throws Exception {
        SignedIn signedIn = signedIn();
        LiveGatehouse.waitUntilRefused(signedIn.tokens().accessToken());

        List<Integer> statuses = Parallel.run(20, () -> me(signedIn.auth().authenticatedClient()));

        assertEquals(Collections.nCopies(20, 200), statuses);
        assertEquals(1, signedIn.refreshes().proofs.size(), "one refresh");
        SignedJWT proof = SignedJWT.parse(signedIn.refreshes().proofs.get(0));
        assertEquals("dpop+jwt", proof.getHeader().getType().getType());
        assertTrue(proof.verify(new ECDSAVerifier((ECKey) proof.getHeader().getJWK())));
        assertEquals(LiveGatehouse.url() + "/api/auth/refresh", proof.getJWTClaimsSet().getStringClaim("htu"));
        assertEquals(null, proof.getHeader().getJWK().toJSONObject().get("d"), "the public key only");
        Tokens saved = signedIn.store().load();
        assertNotEquals(signedIn.tokens().refreshToken(), saved.refreshToken());
        // a copy of the saved token, used without the device's key: refused, and the client refreshes on
        LiveGatehouse.Answer stolen = LiveGatehouse.refreshDirectly(saved.refreshToken());
        assertEquals(401, stolen.status());
        assertEquals("invalid_dpop_proof", AuthApi.string(stolen.body(), "code"));
        LiveGatehouse.waitUntilRefused(saved.accessToken());
        assertEquals(200, me(signedIn.auth().authenticatedClient()));
        assertEquals(2, signedIn.refreshes().proofs.size());
    }

    @Test
    void aRefreshWhoseAnswerIsLostIsRetriedWithAFreshProofAndGetsTheSameSuccessor() throws Exception {
        SignedIn signedIn = signedIn();
        LiveGatehouse.waitUntilRefused(signedIn.tokens().accessToken());
        signedIn.refreshes().loseNext.set(true);

        assertEquals(200, me(signedIn.auth().authenticatedClient()));

        List<String> proofs = signedIn.refreshes().proofs;
        assertEquals(2, proofs.size(), "the lost answer and its retry");
        assertNotEquals(proofs.get(0), proofs.get(1), "each attempt signs its own proof");
        assertEquals(SignedJWT.parse(proofs.get(0)).getHeader().getJWK(), SignedJWT.parse(proofs.get(1)).getHeader().getJWK());
        Tokens saved = signedIn.store().load();
        LiveGatehouse.waitUntilRefused(saved.accessToken());
        assertEquals(200, me(signedIn.auth().authenticatedClient()), "the saved successor is the live one");
    }

    @Test
    void logoutWithTheKeyEndsTheBoundSessionAndTheNextSignInGetsANewKey() throws Exception {
        SignedIn signedIn = signedIn();
        KeyPair first = signedIn.keys().keyPair();

        signedIn.auth().logout();

        LiveGatehouse.Answer after = LiveGatehouse.refreshDirectly(signedIn.tokens().refreshToken());
        assertEquals(401, after.status());
        assertEquals("invalid_refresh_token", AuthApi.string(after.body(), "code"), "revoked: refused before any proof");
        signedIn.auth().login(LiveGatehouse.registerUser(), LiveGatehouse.PASSWORD, "junit dpop");
        assertNotNull(signedIn.store().load());
        assertNotSame(first, signedIn.keys().keyPair());
        assertNotEquals(first.getPublic(), signedIn.keys().keyPair().getPublic());
    }

    private static int me(OkHttpClient client) throws Exception {
        try (Response response = client.newCall(new Request.Builder().url(LiveGatehouse.url() + "/api/users/me").build()).execute()) {
            return response.code();
        }
    }
}
