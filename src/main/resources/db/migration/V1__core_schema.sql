-- Gatehouse core schema (docs/tokens.md "Terms", "Refresh rotation and replay detection"). Times are timestamptz; secrets are stored only as hashes.

create table users (
    id             uuid primary key,
    email          text        not null,
    display_name   text,
    -- Argon2id PHC string: the algorithm parameters travel with the hash (docs/threat-model.md "Password hashing")
    password_hash  text        not null,
    roles          text[]      not null,
    security_stamp text        not null,
    status         text        not null default 'active' check (status in ('active', 'suspended')),
    created_at     timestamptz not null,
    updated_at     timestamptz not null
);
-- Emails are stored trimmed and lower-cased; the index on lower() keeps them unique case-insensitively
-- even if a row is ever written by hand.
create unique index users_email_unique on users (lower(email));
create index users_created_at on users (created_at, id);

create table sessions (
    id                 uuid primary key,
    user_id            uuid        not null references users (id) on delete cascade,
    device_name        text,
    user_agent         text,
    ip_address         text,
    created_at         timestamptz not null,
    last_used_at       timestamptz not null,
    absolute_end       timestamptz not null,
    -- expiry of the session's newest refresh token: "active" and "expiresAt" without a join
    refresh_expires_at timestamptz not null,
    revoked_at         timestamptz,
    revoke_reason      text
);
-- Listing a user's live sessions and picking the least recently used one.
create index sessions_user_live on sessions (user_id, created_at desc) where revoked_at is null;

create table refresh_tokens (
    id         bigint generated always as identity primary key,
    session_id uuid        not null references sessions (id) on delete cascade,
    -- SHA-256 of the token: the refresh path looks tokens up by it
    token_hash bytea       not null,
    issued_at  timestamptz not null,
    expires_at timestamptz not null,
    rotated_at timestamptz,
    constraint refresh_tokens_hash_unique unique (token_hash)
);
-- Pruning a session's history to its newest tokens (docs/tokens.md "History pruning") and revoking a session.
create index refresh_tokens_session on refresh_tokens (session_id, id);

create table security_events (
    id         bigint generated always as identity primary key,
    user_id    uuid        not null references users (id) on delete cascade,
    session_id uuid,
    kind       text        not null,
    at         timestamptz not null,
    details    jsonb       not null default '{}'::jsonb
);
create index security_events_user_at on security_events (user_id, at desc);
create index security_events_at on security_events (at);
