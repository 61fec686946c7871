package dev.gatehouse.support;

import java.util.UUID;

/**
 * Makes one admin the only active admin (docs/api.md "Last admin"): the tests share one database, where other
 * tests leave admins behind, so a test of the last-admin rule first takes the role from every other account.
 */
public final class OnlyAdmin {

    private OnlyAdmin() {
    }

    public static void demoteEveryAdminBut(Db db, String... keep) {
        String ids = String.join(",", java.util.Arrays.stream(keep).map(id -> UUID.fromString(id).toString()).toList());
        db.update("update users set roles = array_remove(roles, 'admin') where 'admin' = any(roles)"
                + " and not (id::text = any(string_to_array(?, ',')))", ids);
    }
}
