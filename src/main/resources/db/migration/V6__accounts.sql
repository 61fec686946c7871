-- Version 2 accounts (docs/api.md "E-mail verification", "Account deletion"; docs/tokens.md "Claims").

-- Set by a verification, a password reset or a confirmed e-mail change; version 1 accounts start unverified.
alter table users add column email_verified boolean not null default false;

-- The sign-in that started a session: every access token of it carries auth_time and amr.
-- Null on older sessions: their creation time and ["pwd"].
alter table sessions add column auth_time timestamptz;
alter table sessions add column amr text[];

-- Deleting a user deletes its sessions by user_id; the only other user_id index is partial (live sessions).
create index sessions_user on sessions (user_id);

-- Security events outlive the account: after a deletion its account_deleted event stays, with the user id.
alter table security_events drop constraint security_events_user_id_fkey;

-- A password reset clears the account's lockout and a deletion removes it: the per-address rows are found by
-- the account's email hash (the key_hash alone cannot be reversed). Older rows have none and age out in 24 h.
alter table address_failure_counts add column email_hash bytea;
create index address_failure_counts_email on address_failure_counts (email_hash);
