package dev.gatehouse.dpop;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An accepted DPoP proof (table {@code dpop_proofs}, docs/dpop.md "Each proof once"), by its hash. */
@Entity
@Table(name = "dpop_proofs")
public class UsedDpopProof extends PanacheEntityBase {

    /*
     * The check and the record are one statement: of two requests carrying the same proof, on one instance
     * or on two, the primary key lets exactly one insert (the other gets 0 rows, without an error that would
     * abort its transaction). Parameters: the proof's hash, then until when it is kept.
     */
    public static final String RECORD = """
            insert into dpop_proofs (proof_hash, expires_at) values (?, ?) on conflict (proof_hash) do nothing""";

    @Id
    @Column(name = "proof_hash")
    public byte[] proofHash;

    @Column(name = "expires_at")
    public Instant expiresAt;
}
