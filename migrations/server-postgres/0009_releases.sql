-- Desktop app releases, served to the app's updater by every server on the
-- database (GET /api/v1/updates/{platform}/{current_version} and the
-- download): one signed artifact per version and platform, uploaded by an
-- admin. The signature is the Tauri signer's .sig text, checked by the app
-- against its pinned public key; the server only checks its format.
CREATE TABLE releases (
    version     TEXT    NOT NULL,
    platform    TEXT    NOT NULL,
    size        BIGINT  NOT NULL,
    sha256      TEXT    NOT NULL,
    signature   TEXT    NOT NULL,
    notes       TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    -- The uploading admin's e-mail, as the audit log names them.
    created_by  TEXT    NOT NULL,
    artifact    BYTEA   NOT NULL,
    PRIMARY KEY (version, platform)
);
