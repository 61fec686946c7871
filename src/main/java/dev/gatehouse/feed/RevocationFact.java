package dev.gatehouse.feed;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/**
 * One revocation fact of the feed (table {@code revocation_facts}, docs/revocation-feed.md "Events"): a session
 * revoked ({@code kind} session, {@code sid}), or a user's tokens of other stamps dead ({@code kind} user,
 * {@code sub}, {@code stamp}). Written by {@link RevocationFacts} in the revoking transaction; {@code seq} is given by
 * {@link RevocationFeed#sequence()} once it has committed.
 */
@Entity
@Table(name = "revocation_facts")
public class RevocationFact extends PanacheEntityBase {

    @Id
    public long id;

    public Long seq;

    public String kind;

    public UUID sid;

    public UUID sub;

    public String stamp;

    @Column(name = "at")
    public Instant at;
}
