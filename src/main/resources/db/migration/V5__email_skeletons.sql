-- Look-alike emails are one account (docs/decisions.md "Look-alike emails"): the Unicode TR 39
-- skeleton of each email, computed by the service (rows from before this column are filled in at
-- start). Not unique: rows that collided before it existed keep working; registration serializes
-- on the skeleton instead (user/Accounts).
alter table users add column email_skeleton text;
create index users_email_skeleton on users (email_skeleton);
