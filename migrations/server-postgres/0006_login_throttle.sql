-- Failed sign-ins, counted per scope so that the back-off holds across every
-- server on the database: "account:<sha256 of the e-mail typed>" (an unknown
-- address is counted like a known one, and what was typed is not kept) and
-- "address:<client IP>". After a few failures a scope is locked until
-- locked_until (unix milliseconds, like updated_at), longer with each further failure; a failure a
-- day after the last starts the count again, and a sign-in clears it.
CREATE TABLE login_failures (
    scope         TEXT PRIMARY KEY,
    failures      BIGINT NOT NULL,
    locked_until  BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
