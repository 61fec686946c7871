-- The second factor: TOTP with recovery codes (docs/mfa.md).

-- A user's TOTP secret (RFC 6238), sealed with AES-256-GCM under a key derived from gatehouse.secret
-- (docs/mfa.md "The secret at rest"): a reader of the database alone cannot compute the user's codes. The
-- row is a pending set-up until its first code confirms it (enabled_at set); a pending set-up dies with the
-- security stamp it was made under, after 15 minutes, or at its 5th wrong confirming code.
create table totp_factors (
    user_id        uuid primary key references users (id) on delete cascade,
    -- 12-byte nonce, then the ciphertext and its tag; the user id is the associated data
    sealed_secret  bytea       not null,
    -- which server secret sealed it: lets a rotation find what still needs resealing
    key_id         bytea       not null,
    setup_stamp    text,
    enabled_at     timestamptz,
    -- the newest RFC 6238 time step accepted for this user: each step is accepted once, then never again
    last_used_step bigint,
    -- wrong codes sent to confirm this pending set-up
    wrong_codes    int         not null default 0,
    created_at     timestamptz not null
);
create index totp_factors_key on totp_factors (key_id);

-- Single-use recovery codes, only as keyed hashes (HMAC-SHA256 under a key derived from gatehouse.secret).
create table recovery_codes (
    id        uuid primary key,
    user_id   uuid        not null references users (id) on delete cascade,
    code_hash bytea       not null,
    used_at   timestamptz
);
create index recovery_codes_user on recovery_codes (user_id);

-- The second step of a password login (docs/mfa.md "Signing in"): the mfaToken's SHA-256, single use,
-- 5 min, dead with the stamp it was issued under and after its 5th wrong code.
create table mfa_challenges (
    token_hash  bytea primary key,
    user_id     uuid        not null references users (id) on delete cascade,
    stamp       text        not null,
    device_name text,
    -- codes sent with it so far, right or wrong: it allows 5
    attempts    int         not null default 0,
    expires_at  timestamptz not null
);
create index mfa_challenges_expires on mfa_challenges (expires_at);
create index mfa_challenges_user on mfa_challenges (user_id);

-- docs/api.md "Account lockout": wrong TOTP and recovery codes count like wrong passwords, but a password reset
-- clears only the password failures, so the second factor's are counted apart as well.
alter table address_failure_counts add column second_factor_failures int not null default 0;
alter table account_failure_counts add column second_factor_failures int not null default 0;

-- Whether TOTP is on, beside the stamp: a login and the Bearer check's user state read it with the user row.
-- Changed only in the transaction that enables or removes the totp_factors row.
alter table users add column mfa_enabled boolean not null default false;
