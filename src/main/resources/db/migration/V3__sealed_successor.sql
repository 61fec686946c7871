-- Random successors (docs/tokens.md "Sealed successor"): a rotated row holds the hash of the token it
-- was exchanged for, and, while the reuse window lasts, that token sealed under a key derived from
-- the rotated token itself (AES-256-GCM: version byte, 96-bit nonce, ciphertext and tag). Only a
-- caller presenting the rotated token can open it; the rotation of the successor erases it, and the
-- purge erases what is left once the window is over. Rows from before this migration have neither:
-- a retry of one inside the window answers 401 and revokes nothing.
alter table refresh_tokens
    add column successor_hash   bytea,
    add column successor_sealed bytea;

-- The purge finds sealed values whose window is over; only rows still holding one are indexed.
create index refresh_tokens_sealed on refresh_tokens (rotated_at) where successor_sealed is not null;
