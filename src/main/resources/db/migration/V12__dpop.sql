-- Device-bound refresh tokens (DPoP, RFC 9449; docs/dpop.md).

-- The RFC 7638 SHA-256 thumbprint (base64url) of the key a session's refresh tokens are bound to;
-- null for a session signed in without a DPoP proof.
alter table sessions add column dpop_jkt text;

-- Every accepted proof's jti (hashed with its key's thumbprint), kept until the proof could no longer
-- pass the iat check on any instance: the primary key makes each proof usable once across all instances.
create table dpop_proofs (
    proof_hash bytea primary key,
    expires_at timestamptz not null
);
create index dpop_proofs_expiry on dpop_proofs (expires_at);
