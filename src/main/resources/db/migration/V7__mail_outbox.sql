-- The mail outbox (docs/mail.md "Outbox"): a mail is queued in the transaction of the change that causes it and
-- deleted once the SMTP server has taken it, so no body and no address stays behind after sending. A row never
-- holds a usable secret: a mail for a one-time secret names it by id (docs/mail.md "No secret at rest").
create table mail_outbox (
    id                uuid primary key,
    kind              text        not null,
    recipient         text        not null,
    -- Whose mail it is, so that an account deletion removes it. No foreign key: the deletion notice outlives the user.
    user_id           uuid,
    secret_id         uuid,
    secret_expires_at timestamptz,
    notice            text,
    -- Plain values the text shows (the new address of an e-mail change); never a secret.
    details           jsonb       not null default '{}',
    created_at        timestamptz not null,
    next_attempt_at   timestamptz not null,
    attempts          int         not null default 0,
    -- A sender's claim (docs/mail.md "Sender"): one instance sends a mail until lease_until; after it another may.
    lease_owner       uuid,
    lease_until       timestamptz,
    constraint mail_outbox_secret_or_notice check ((secret_id is null) = (notice is not null))
);

-- The claim reads due mails in the order of next_attempt_at.
create index mail_outbox_due on mail_outbox (next_attempt_at);
-- Ageing out: mails older than gatehouse.mail.retry-for, and secret mails whose secret has expired.
create index mail_outbox_created on mail_outbox (created_at);
create index mail_outbox_secret_expiry on mail_outbox (secret_expires_at) where secret_expires_at is not null;
-- An account deletion removes the user's pending mails.
create index mail_outbox_user on mail_outbox (user_id) where user_id is not null;
