-- Passkeys (docs/passkeys.md).

-- The WebAuthn user handle of an account: 32 random bytes, never the e-mail or the user id, so a
-- passkey reveals nothing about the account it opens (WebAuthn Level 3 §14.6.1). Made on first use.
create table passkey_user_handles (
    user_id uuid  primary key references users (id) on delete cascade,
    handle  bytea not null,
    constraint passkey_user_handles_handle_unique unique (handle)
);

create table passkeys (
    id              uuid primary key,
    user_id         uuid        not null references users (id) on delete cascade,
    credential_id   bytea       not null,
    -- webauthn4j's encoding of the attested credential data: AAGUID, credential id and COSE public key
    attested_data   bytea       not null,
    sign_count      bigint      not null,
    uv_initialized  boolean     not null,
    backup_eligible boolean     not null,
    backed_up       boolean     not null,
    transports      text[],
    name            text        not null,
    created_at      timestamptz not null,
    last_used_at    timestamptz,
    constraint passkeys_credential_unique unique (credential_id)
);
create index passkeys_user on passkeys (user_id, created_at desc);

-- Open registration and login ceremonies: single use (the finish deletes the row), 5 min, readable by
-- every instance. A registration flow belongs to the user who asked for it; a login flow to nobody yet.
create table passkey_flows (
    id         uuid primary key,
    kind       text        not null check (kind in ('register', 'login')),
    user_id    uuid references users (id) on delete cascade,
    challenge  bytea       not null,
    expires_at timestamptz not null,
    constraint passkey_flows_owner check ((kind = 'register') = (user_id is not null))
);
create index passkey_flows_expires on passkey_flows (expires_at);
-- a user's open registrations (capped per user), and the cascade when the user is deleted
create index passkey_flows_user on passkey_flows (user_id) where user_id is not null;
