package dev.gatehouse.passkey;

import com.webauthn4j.converter.AttestedCredentialDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecord;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import dev.gatehouse.event.SecurityEventKind;
import dev.gatehouse.event.SecurityEvents;
import dev.gatehouse.problem.ProblemCode;
import dev.gatehouse.problem.ProblemException;
import dev.gatehouse.session.Origin;
import dev.gatehouse.token.AccessTokens;
import dev.gatehouse.token.RefreshTokens;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/**
 * Passwordless sign-in with a discoverable passkey (docs/passkeys.md "Signing in"): options with a fresh
 * challenge and no credential list, then the assertion checked by webauthn4j against the stored public key,
 * and a new session exactly as a password login makes one. Every failure is the one 401
 * {@code invalid_credentials}: an answer never tells whether a credential exists.
 */
@Singleton
public class PasskeySignIn {

    /** Why a sign-in was refused, for the metric; the client sees 401 whatever it is. */
    public enum Refusal { INVALID, CLONE_SUSPECTED }

    /** A refused sign-in. */
    public static final class Refused extends RuntimeException {
        private final Refusal refusal;

        Refused(Refusal refusal) {
            super(null, null, false, false);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    private static final Logger LOG = Logger.getLogger(PasskeySignIn.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    /*
     * The signature counter rule of docs/passkeys.md "Counters", in the statement that stores the new
     * count: two sign-ins with the same count (a cloned authenticator used in parallel, on two instances)
     * both pass the verification, which read the count before either stored it; only one of them moves
     * the row, the other finds the count not above its own and is refused. A count of 0 (authenticators
     * that do not count, such as synced passkeys) never lowers a stored one.
     */
    private static final String ADVANCE_COUNTER = """
            update passkeys set sign_count = greatest(sign_count, ?2), last_used_at = ?3, backed_up = ?4
             where id = ?1 and (?2 = 0 or sign_count = 0 or ?2 > sign_count)""";

    private final RelyingParty rp;
    private final RefreshTokens refreshTokens;
    private final SecurityEvents events;
    private final Clock clock;
    private final AttestedCredentialDataConverter attestedConverter = new AttestedCredentialDataConverter(new ObjectConverter());

    PasskeySignIn(RelyingParty rp, RefreshTokens refreshTokens, SecurityEvents events, Clock clock) {
        this.rp = rp;
        this.refreshTokens = refreshTokens;
        this.events = events;
        this.clock = clock;
    }

    public PasskeyOptions.Flow<PasskeyOptions.Request> options() {
        rp.requireEnabled();
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        PasskeyFlow flow = new PasskeyFlow();
        flow.id = UUID.randomUUID();
        flow.kind = PasskeyFlow.LOGIN;
        flow.challenge = challenge;
        flow.expiresAt = clock.instant().plusMillis(PasskeyOptions.TIMEOUT_MILLIS);
        QuarkusTransaction.requiringNew().run(flow::persist);
        return new PasskeyOptions.Flow<>(flow.id, new PasskeyOptions.Request(BASE64URL.encodeToString(challenge),
                PasskeyOptions.TIMEOUT_MILLIS, rp.id(), "required"));
    }

    /** A new session for the passkey's owner; {@link Refused} or a problem (suspended: 403) otherwise. */
    public RefreshTokens.Issued finish(PasskeyRequests.Login request, Origin origin) {
        rp.requireEnabled();
        byte[] challenge = QuarkusTransaction.requiringNew()
                .call(() -> PasskeyFlow.takeLogin(request.flowId(), clock.instant()))
                .orElseThrow(() -> new Refused(Refusal.INVALID));
        AuthenticationData data;
        try {
            data = rp.manager().parseAuthenticationResponseJSON(request.credential().toString());
        } catch (RuntimeException e) {
            LOG.debugf("passkey sign-in refused: %s", e.getClass().getSimpleName());
            throw new Refused(Refusal.INVALID);
        }
        byte[] credentialId = data.getCredentialId();
        Owned owned = credentialId == null ? null : QuarkusTransaction.requiringNew().call(() -> {
            Passkey passkey = Passkey.find("credentialId", credentialId).firstResult();
            PasskeyUserHandle handle = passkey == null ? null : PasskeyUserHandle.findById(passkey.userId);
            return passkey == null || handle == null ? null : new Owned(passkey, handle.handle);
        });
        // A discoverable sign-in names its user by the handle; it must be the credential owner's (WebAuthn
        // Level 3 §7.2 step 6).
        if (owned == null || data.getUserHandle() == null || !MessageDigest.isEqual(data.getUserHandle(), owned.handle())) {
            throw new Refused(Refusal.INVALID);
        }
        Passkey passkey = owned.passkey();
        try {
            rp.manager().verify(data, new AuthenticationParameters(rp.serverProperty(challenge), record(passkey),
                    null, true, true));
        } catch (RuntimeException e) {
            LOG.debugf("passkey sign-in refused: %s", e.getClass().getSimpleName());
            throw new Refused(Refusal.INVALID);
        }
        long count = data.getAuthenticatorData().getSignCount();
        boolean backedUp = data.getAuthenticatorData().isFlagBS();
        Instant now = clock.instant();
        // The counter moves in the transaction that makes the session, under the user's row lock: it moves
        // exactly when a session is made, and the UPDATE holds the passkey's row until the commit, so a removal
        // of the passkey either commits first (no row to advance: refused) or waits for this sign-in.
        int[] advanced = {0};
        try {
            return refreshTokens.startSession(passkey.userId, user -> {
                advanced[0] = Panache.getEntityManager().createNativeQuery(ADVANCE_COUNTER).setParameter(1, passkey.id)
                        .setParameter(2, count).setParameter(3, now).setParameter(4, backedUp).executeUpdate();
                return advanced[0] == 1;
            }, origin, AccessTokens.Subject.PASSKEY);
        } catch (ProblemException refused) {
            if (refused.code() != ProblemCode.INVALID_CREDENTIALS || advanced[0] == 1) {
                throw refused; // a suspended user: 403 after the passkey verified
            }
        }
        boolean stillThere = QuarkusTransaction.requiringNew().call(() -> Passkey.findById(passkey.id) != null);
        if (!stillThere) {
            throw new Refused(Refusal.INVALID); // removed meanwhile, or its user deleted
        }
        QuarkusTransaction.requiringNew().run(() -> events.record(passkey.userId, null,
                SecurityEventKind.PASSKEY_CLONE_SUSPECTED, now, Map.of("passkeyId", passkey.id.toString())));
        throw new Refused(Refusal.CLONE_SUSPECTED);
    }

    /** What webauthn4j checks an assertion against: the stored key, flags and count. */
    private CredentialRecord record(Passkey passkey) {
        return new CredentialRecordImpl(new NoneAttestationStatement(), passkey.uvInitialized, passkey.backupEligible,
                passkey.backedUp, passkey.signCount, attestedConverter.convert(passkey.attestedData), null, null, null, null);
    }

    private record Owned(Passkey passkey, byte[] handle) {
    }
}
