package dev.gatehouse.clients;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Starts {@link ServiceForClients} once for a client suite and stops it after. */
abstract class AgainstPackagedService {

    static ServiceForClients service;

    @BeforeAll
    static void startService() throws Exception {
        service = ServiceForClients.start();
    }

    @AfterAll
    static void stopService() throws Exception {
        if (service != null) {
            service.close();
        }
    }
}
