package dev.gatehouse.passkey;

import com.webauthn4j.converter.AttestedCredentialDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.AuthenticatorTransport;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import dev.gatehouse.event.SecurityEventKind;
import dev.gatehouse.event.SecurityEvents;
import dev.gatehouse.mail.Mail;
import dev.gatehouse.mail.Notice;
import dev.gatehouse.mail.Outbox;
import dev.gatehouse.problem.Problems;
import dev.gatehouse.session.RecentSignIn;
import dev.gatehouse.session.Session;
import dev.gatehouse.user.Caller;
import dev.gatehouse.user.User;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.AuthenticationFailedException;
import jakarta.inject.Singleton;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceException;
import org.hibernate.exception.ConstraintViolationException;
import org.jboss.logging.Logger;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Adding a passkey to a signed-in account (docs/passkeys.md "Adding a passkey"): options with a fresh
 * challenge, then the authenticator's answer checked by webauthn4j against that challenge, our origins and
 * our RP ID. Only a recent sign-in with a verified e-mail may add one, so a stolen session cannot plant a
 * passkey that outlives a password reset.
 */
@Singleton
public class PasskeyRegistration {

    private static final Logger LOG = Logger.getLogger(PasskeyRegistration.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    static final String DEFAULT_NAME = "Passkey";
    /** Open registration ceremonies a user may have at once; options beyond it end the oldest. */
    static final int OPEN_REGISTRATIONS = 5;
    /** Passkeys one account may hold (docs/passkeys.md "Adding a passkey"): the lists and the export stay small. */
    static final int MAX_PASSKEYS = 20;
    /*
     * The transports WebAuthn Level 3 defines (§5.8.4). A client must ignore others, so they are dropped rather
     * than stored: the value is only a hint handed back in excludeCredentials.
     */
    private static final Set<String> KNOWN_TRANSPORTS = Set.of("usb", "nfc", "ble", "smart-card", "hybrid", "internal");

    private final RelyingParty rp;
    private final Outbox outbox;
    private final SecurityEvents events;
    private final RecentSignIn recentSignIn;
    private final Clock clock;
    private final AttestedCredentialDataConverter attestedConverter = new AttestedCredentialDataConverter(new ObjectConverter());

    PasskeyRegistration(RelyingParty rp, Outbox outbox, SecurityEvents events, RecentSignIn recentSignIn, Clock clock) {
        this.rp = rp;
        this.recentSignIn = recentSignIn;
        this.outbox = outbox;
        this.events = events;
        this.clock = clock;
    }

    public PasskeyOptions.Flow<PasskeyOptions.Creation> options(Caller caller) {
        rp.requireEnabled();
        recentSignIn.require(caller);
        byte[] challenge = challenge();
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = clock.instant();
            User user = User.findById(caller.userId());
            if (user == null) {
                throw new AuthenticationFailedException("the caller's account is gone");
            }
            byte[] handle = PasskeyUserHandle.of(user.id);
            List<PasskeyOptions.Descriptor> exclude = Passkey.ofUser(user.id).stream()
                    .map(p -> new PasskeyOptions.Descriptor("public-key", BASE64URL.encodeToString(p.credentialId),
                            p.transports == null ? List.of() : p.transports))
                    .toList();
            PasskeyFlow flow = new PasskeyFlow();
            flow.id = UUID.randomUUID();
            flow.kind = PasskeyFlow.REGISTER;
            flow.userId = user.id;
            flow.challenge = challenge;
            flow.expiresAt = now.plusMillis(PasskeyOptions.TIMEOUT_MILLIS);
            flow.persist();
            PasskeyFlow.keepNewestRegistrations(user.id, OPEN_REGISTRATIONS);
            String displayName = user.displayName == null || user.displayName.isBlank() ? user.email : user.displayName;
            return new PasskeyOptions.Flow<>(flow.id, new PasskeyOptions.Creation(
                    BASE64URL.encodeToString(challenge),
                    new PasskeyOptions.RelyingPartyEntity(rp.id(), rp.name()),
                    new PasskeyOptions.UserEntity(BASE64URL.encodeToString(handle), user.email, displayName),
                    RelyingParty.ALGORITHMS.stream()
                            .map(a -> new PasskeyOptions.Parameter("public-key", a.getAlg().getValue())).toList(),
                    PasskeyOptions.TIMEOUT_MILLIS, exclude,
                    new PasskeyOptions.Selection("required", true, "required"), "none"));
        });
    }

    public PasskeyView finish(Caller caller, PasskeyRequests.Register request) {
        rp.requireEnabled();
        recentSignIn.require(caller);
        byte[] challenge = QuarkusTransaction.requiringNew()
                .call(() -> PasskeyFlow.takeRegistration(request.flowId(), caller.userId(), clock.instant()))
                .orElseThrow(Problems::invalidPasskey);
        RegistrationData data = verify(request.credential().toString(), challenge);
        AuthenticatorData<?> authenticatorData = data.getAttestationObject().getAuthenticatorData();
        AttestedCredentialData attested = authenticatorData.getAttestedCredentialData();
        List<String> transports = knownTransports(data.getTransports());
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                Instant now = clock.instant();
                User user = User.findById(caller.userId(), LockModeType.PESSIMISTIC_WRITE);
                // A password reset, logout-all or suspension that committed meanwhile changed the stamp: the
                // passkey asked for under the old one must not survive it.
                if (user == null || !user.isActive() || !user.securityStamp.equals(caller.stamp())) {
                    throw new AuthenticationFailedException("the caller's stamp changed during the request");
                }
                // A single session revoked meanwhile (the owner ending a stolen one) does not change the stamp.
                Session session = Session.findById(caller.sessionId());
                if (session == null || !session.isActive(now)) {
                    throw new AuthenticationFailedException("the caller's session ended during the request");
                }
                if (!user.emailVerified) {
                    throw Problems.reauthenticationRequired();
                }
                // under the user's row lock: two parallel registrations cannot both pass the cap
                if (Passkey.count("userId", user.id) >= MAX_PASSKEYS) {
                    throw Problems.invalidPasskey();
                }
                Passkey passkey = new Passkey();
                passkey.id = UUID.randomUUID();
                passkey.userId = user.id;
                passkey.credentialId = attested.getCredentialId();
                passkey.attestedData = attestedConverter.convert(attested);
                passkey.signCount = authenticatorData.getSignCount();
                passkey.uvInitialized = authenticatorData.isFlagUV();
                passkey.backupEligible = authenticatorData.isFlagBE();
                passkey.backedUp = authenticatorData.isFlagBS();
                passkey.transports = transports;
                passkey.name = request.name() == null ? DEFAULT_NAME : request.name();
                passkey.createdAt = now;
                passkey.persist();
                Passkey.flush(); // a credential id registered before fails here, inside the try
                events.record(user.id, caller.sessionId(), SecurityEventKind.PASSKEY_ADDED, now,
                        Map.of("passkeyId", passkey.id.toString()));
                outbox.enqueue(Mail.notice(Notice.PASSKEY_ADDED, user.email, user.id, Map.of()));
                return PasskeyView.of(passkey);
            });
        } catch (PersistenceException e) {
            if (e instanceof ConstraintViolationException || e.getCause() instanceof ConstraintViolationException) {
                throw Problems.invalidPasskey(); // the credential id is registered already, to this user or another
            }
            throw e;
        }
    }

    /** The known transports, once each, sorted; null when the client named none. */
    static List<String> knownTransports(Set<AuthenticatorTransport> transports) {
        if (transports == null) {
            return null;
        }
        return transports.stream().filter(Objects::nonNull).map(AuthenticatorTransport::getValue)
                .filter(KNOWN_TRANSPORTS::contains).distinct().sorted().toList();
    }

    /** webauthn4j's registration checks; every refusal is the one {@code invalid_passkey}. */
    private RegistrationData verify(String json, byte[] challenge) {
        try {
            RegistrationData data = rp.manager().parseRegistrationResponseJSON(json);
            return rp.manager().verify(data, new RegistrationParameters(rp.serverProperty(challenge),
                    RelyingParty.ALGORITHMS, true, true));
        } catch (RuntimeException e) {
            // hostile input may fail anywhere in parsing: never a 500, and the reason only at debug (no key material)
            LOG.debugf("passkey registration refused: %s", e.getClass().getSimpleName());
            throw Problems.invalidPasskey();
        }
    }

    private static byte[] challenge() {
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        return challenge;
    }
}
