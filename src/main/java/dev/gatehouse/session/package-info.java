/**
 * Sessions (token families): the {@link dev.gatehouse.session.Session} entity with the one
 * definition of "live" and "active", listing and revoking them, and how a revocation reaches every
 * instance: {@link dev.gatehouse.session.Revocations} sends a PostgreSQL NOTIFY in the revoking
 * transaction, {@link dev.gatehouse.session.RevocationListener} (one dedicated connection) applies
 * every instance's notifications to the {@link dev.gatehouse.session.SessionStates} cache that the
 * Bearer check reads (docs/tokens.md "Revocation reaches every instance within 1 s").
 */
package dev.gatehouse.session;
