package dev.gatehouse.user;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * At start, tells {@link Passwords} the Argon2id parameters of the stored hashes, so that a failed
 * login costs what the most expensive ones in use cost, known email or not (docs/threat-model.md
 * "Unknown accounts and timing"). One scan of the users' hashes, reading only their parameters.
 */
@Singleton
class PasswordParametersInUse {

    private static final String IN_USE = "select distinct split_part(password_hash, '$', 4) from users";

    private final Passwords passwords;

    PasswordParametersInUse(Passwords passwords) {
        this.passwords = passwords;
    }

    void onStart(@Observes StartupEvent event) {
        @SuppressWarnings("unchecked")
        List<String> inUse = QuarkusTransaction.requiringNew()
                .call(() -> User.getEntityManager().createNativeQuery(IN_USE).getResultList());
        inUse.forEach(passwords::considerInUse);
    }
}
