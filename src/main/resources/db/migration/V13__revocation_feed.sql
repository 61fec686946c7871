-- The revocation feed for resource servers (docs/revocation-feed.md).

-- One fact per revocation, written in the transaction that revokes. seq stays null until the feed's sequencer
-- numbers the committed facts, one sequencer at a time, so that seq order is commit order: a reader that has seen
-- seq n has seen every fact below it.
create sequence revocation_seq;
create table revocation_facts (
    id    bigint generated always as identity primary key,
    seq   bigint unique,
    -- 'session': tokens with this sid are dead; 'user': tokens of sub with another stamp are dead
    kind  text        not null check (kind in ('session', 'user')),
    sid   uuid,
    sub   uuid,
    stamp text,
    at    timestamptz not null
);
create index revocation_facts_unsequenced on revocation_facts (id) where seq is null;
create index revocation_facts_at on revocation_facts (at);
