-- Per-account login lockout (docs/api.md "Account lockout"). Keyed by the SHA-256 of the normalized email, so failed
-- attempts on unknown emails leave no attacker-chosen text behind; rows expire and are purged.
create table login_attempts (
    email_hash      bytea primary key,
    failures        int         not null,
    last_failure_at timestamptz not null,
    locked_until    timestamptz
);
create index login_attempts_last_failure on login_attempts (last_failure_at);

-- The purge (docs/operations.md "Storage purge") finds dead sessions by when they died: revoked, or past their end.
create index sessions_dead_since on sessions ((coalesce(revoked_at, least(absolute_end, refresh_expires_at))));
