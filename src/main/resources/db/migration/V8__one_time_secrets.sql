-- One-time secrets sent by mail: e-mail verification, password reset, e-mail change (docs/mail.md "No secret at rest").
create table one_time_secrets (
    id            uuid primary key,
    user_id       uuid        not null references users (id) on delete cascade,
    purpose       text        not null check (purpose in ('verify_email', 'reset_password', 'confirm_email_change')),
    -- 32 random bytes. The link token and the code are HMACs of it under gatehouse.secret: without that
    -- secret the row yields neither, and the code cannot be found by trying its 10^6 values offline.
    seed          bytea       not null,
    -- SHA-256 of the link token: a link is looked up by it
    token_hash    bytea       not null,
    -- the address the secret was sent to (for an e-mail change, the new address)
    email         text        not null,
    -- the user's security stamp when it was issued: a stamp change kills every pending secret
    stamp         text        not null,
    created_at    timestamptz not null,
    expires_at    timestamptz not null,
    used_at       timestamptz,
    -- a newer secret of the same purpose was issued
    superseded_at timestamptz,
    constraint one_time_secrets_token_unique unique (token_hash)
);
-- the live secret of a purpose, and the mails of the last hour (the per-account cap)
create index one_time_secrets_user on one_time_secrets (user_id, purpose, created_at desc);
create index one_time_secrets_expires on one_time_secrets (expires_at);

-- Wrong codes per (account, purpose) in a 24 h window: the 6th try burns the code path for the day.
create table code_failures (
    user_id      uuid        not null references users (id) on delete cascade,
    purpose      text        not null,
    failures     int         not null,
    window_start timestamptz not null,
    primary key (user_id, purpose)
);
create index code_failures_window_start on code_failures (window_start);

-- Calls that ask for a mail to an address (forgot password, verification without sign-in), per hour, counted
-- for known and unknown addresses alike: both answers then do the same write, and take about as long
-- (docs/api.md "POST /api/auth/password/forgot"). SHA-256 of the normalized address, never the address.
create table mail_requests (
    address_hash bytea       not null,
    purpose      text        not null,
    requests     int         not null,
    window_start timestamptz not null,
    primary key (address_hash, purpose)
);
create index mail_requests_window_start on mail_requests (window_start);
