-- The lockout counts failures per (account, client address) and, separately, per account across every
-- address (docs/api.md "Account lockout"), so that a stranger's failures lock only the stranger's address.
-- This replaces V2's per-account login_attempts. There are no deployments to stay compatible with, so the
-- old table is dropped with its rows instead of migrated (its counts cannot be split by address anyway);
-- at worst a lock running during the upgrade is forgotten once.
-- Both tables are keyed by SHA-256 hashes only: neither an email nor an address is stored, and failures on
-- unknown emails leave no attacker-chosen text behind. Rows expire and are purged (docs/operations.md
-- "Storage purge").
drop table login_attempts;

-- One row per (account, address) with a failure in the last 24 hours; an IPv6 address counts as its /64.
create table address_failure_counts (
    -- SHA-256 of the normalized email and the address's rate-limit bucket (abuse/ClientAddress.bucketKey: IPv6 as its /64)
    key_hash        bytea primary key,
    -- failures in a row from this address; a success issuing tokens from it deletes the row
    failures        int         not null,
    last_failure_at timestamptz not null,
    locked_until    timestamptz
);
create index address_failure_counts_last_failure on address_failure_counts (last_failure_at);

-- One row per account (known or not): failures from every address within 24 hours of the first of them.
create table account_failure_counts (
    -- SHA-256 of the normalized email
    email_hash   bytea primary key,
    failures     int         not null,
    window_start timestamptz not null,
    locked_until timestamptz
);
create index account_failure_counts_window_start on account_failure_counts (window_start);
