-- The bootstrap admin is created once (docs/operations.md "The first admin"): deleting it later must not bring
-- it back, with the configured password, at the next start. SHA-256 of its normalized e-mail.
create table bootstrap_admins (
    email_hash bytea primary key,
    created_at timestamptz not null
);
