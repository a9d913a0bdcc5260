//! Every desktop command, declared once: its name, what it takes and what it
//! answers. The Tauri handlers (`src-tauri/src/commands/`) take
//! [`Request<C>`] and answer [`Answer<C>`], the UI calls them through
//! `ui/src/ipc.rs`'s `call::<C>`, `src-tauri/build.rs` registers
//! [`ALL`] with Tauri's permission system, and the build checks the main
//! window's capability file against the same list; a test checks the
//! handler list of `generate_handler!`.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{
    ActivityExport, ActivityExported, ActivityPage, ActivityQuery, AppInfo, AttentionNotice,
    AuditPage, AuditQuery, BackupRequest, BackupWritten, Boot, ConnectRequest, CreateRequest,
    EventsPage, EventsRequest, HealthEvent, IdRequest, IntegrationDetail, ListPage, ListQuery,
    LogEntry, NewPerson, NewWebsite, PassphraseChange, PassphraseProof, PersonRef, PersonUpdate,
    Receiver, RecoveryAnswer, ResolveRequest, RestoreApply, RestoreOpen, RestorePreview,
    RestoreReport, RevealRequest, RevokeRequest, SendTestRequest, SetActiveRequest, Settings,
    SetupAnswer, SetupRequest, Stats, SyncConflict, SyncStatus, Team, TeamSession, TeamUser,
    TestAllProgress, TestAllRequest, TestAnswer, TrashedIntegration, TroubleshootAnswer,
    TypeOverview, UnlockRequest, UpdateRequest, UpdateStatus, VaultState, WebhookAnswer,
    WebhookEvent, WebhookRequest, Website, WebsiteUpdate,
};

/// One command of the app.
pub trait Command {
    /// The name the bridge calls it by.
    const NAME: &'static str;
    /// What the UI sends as the `request` argument (`()`: no argument).
    type Request: Serialize + DeserializeOwned;
    /// What the command answers on success.
    type Answer: Serialize + DeserializeOwned;
}

/// What command `C` takes.
pub type Request<C> = <C as Command>::Request;
/// What command `C` answers.
pub type Answer<C> = <C as Command>::Answer;

/// The declaration table: `Type = "name": Request -> Answer;` for each
/// command; it makes the type, its [`Command`] impl and the entry in [`ALL`].
/// (A table rather than code, so a macro: one line a command.)
macro_rules! commands {
    ($($(#[$doc:meta])* $ty:ident = $name:literal : $req:ty => $ans:ty;)*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, Copy)]
            pub struct $ty;
            impl Command for $ty {
                const NAME: &'static str = $name;
                type Request = $req;
                type Answer = $ans;
            }
        )*
        /// The names of all commands, in declaration order.
        pub const ALL: &[&str] = &[$($name),*];
    };
}

commands! {
    /// The app's name and version (footer).
    GetAppInfo = "app_info": () => AppInfo;
    /// Whether the vault exists and is unlocked.
    VaultStatus = "vault_status": () => VaultState;
    /// Creates the vault (first run).
    SetupVault = "setup_vault": SetupRequest => SetupAnswer;
    /// Unlocks the vault.
    Unlock = "unlock": UnlockRequest => ();
    /// Locks the vault.
    Lock = "lock": () => ();
    /// Changes, adds or removes the passphrase (the current one required).
    ChangePassphrase = "change_passphrase": PassphraseChange => ();
    /// Replaces the recovery key; the old one stops working.
    ReissueRecoveryKey = "reissue_recovery_key": PassphraseProof => RecoveryAnswer;
    /// Replaces the master key and re-seals every secret, while the app runs.
    RotateMasterKey = "rotate_master_key": PassphraseProof => RecoveryAnswer;
    /// Writes an encrypted backup file.
    WriteBackup = "write_backup": BackupRequest => BackupWritten;
    /// Opens a backup and says what restoring it would do.
    PreviewRestore = "preview_restore": RestoreOpen => RestorePreview;
    /// Restores a backup with the person's choices, all or nothing.
    ApplyRestore = "apply_restore": RestoreApply => RestoreReport;
    /// A page of the integration list.
    ListIntegrations = "list_integrations": ListQuery => ListPage;
    /// Per-type counts for the type cards.
    GetTypeOverview = "type_overview": () => Vec<TypeOverview>;
    /// One integration with its masked secrets.
    GetIntegration = "get_integration": IdRequest => IntegrationDetail;
    /// Creates an integration.
    CreateIntegration = "create_integration": CreateRequest => IntegrationDetail;
    /// Saves an integration.
    UpdateIntegration = "update_integration": UpdateRequest => IntegrationDetail;
    /// Turns an integration on or off.
    SetActive = "set_active": SetActiveRequest => ();
    /// Moves an integration to the Trash (restorable for 30 days).
    DeleteIntegration = "delete_integration": IdRequest => ();
    /// The Trash, most recently deleted first, with the days left.
    ListTrash = "list_trash": () => Vec<TrashedIntegration>;
    /// Takes an integration out of the Trash.
    RestoreFromTrash = "restore_from_trash": IdRequest => ();
    /// Deletes an integration for good (the UI asks first).
    DeleteForever = "delete_forever": IdRequest => ();
    /// Deletes everything in the Trash for good (the UI asks first); how many.
    EmptyTrash = "empty_trash": () => u64;
    /// One secret in clear, for the reveal button.
    RevealSecret = "reveal_secret": RevealRequest => String;
    /// Copies a secret to the clipboard; the seconds until it is cleared.
    CopySecret = "copy_secret": RevealRequest => u64;
    /// Tests one integration against its provider.
    TestIntegration = "test_integration": IdRequest => TestAnswer;
    /// Runs the troubleshooting checks that apply to one integration (DNS
    /// records, sender identity, templates, subscriptions, webhook
    /// handshake, SMS sender) and logs the run; its findings.
    Troubleshoot = "troubleshoot": IdRequest => TroubleshootAnswer;
    /// Where the team server receives the integration's webhooks (its
    /// address, made there on first ask, and what it takes).
    GetReceiver = "receiver": IdRequest => Receiver;
    /// A page of the events the team server's receiver stored for the
    /// integration, newest first (payload secrets masked by the server).
    WebhookEvents = "webhook_events": EventsRequest => EventsPage;
    /// Makes the team server deliver a signed sample event to its own
    /// receiver for the integration; the event(s) it stored.
    SendTestEvent = "send_test_event": IdRequest => Vec<WebhookEvent>;
    /// An integration's log lines.
    IntegrationLogs = "integration_logs": IdRequest => Vec<LogEntry>;
    /// One page of every integration's log lines, newest first, filtered.
    Activity = "activity": ActivityQuery => ActivityPage;
    /// Writes every log line a filter matches to a CSV file.
    ExportActivity = "export_activity": ActivityExport => ActivityExported;
    /// The dashboard's figures.
    GetStats = "stats": () => Stats;
    /// The websites.
    ListWebsites = "websites": () => Vec<Website>;
    /// Adds a website.
    CreateWebsite = "create_website": NewWebsite => Website;
    /// Renames a website.
    UpdateWebsite = "update_website": WebsiteUpdate => Website;
    /// Deletes a website.
    DeleteWebsite = "delete_website": IdRequest => ();
    /// Starts testing many integrations.
    StartTestAll = "start_test_all": TestAllRequest => TestAllProgress;
    /// How far "test all" is.
    TestAllProgressOf = "test_all_progress": () => TestAllProgress;
    /// Stops "test all".
    CancelTestAll = "cancel_test_all": () => ();
    /// Health changes found by the scheduled checks since the last call.
    HealthEvents = "health_events": () => Vec<HealthEvent>;
    /// Integrations that crossed an expiry or rotation threshold (30, 7, 1
    /// days, expired, older than the rotation period) since the last call:
    /// each crossing once (remembered in the store).
    AttentionNotices = "attention_notices": () => Vec<AttentionNotice>;
    /// The settings.
    GetSettings = "get_settings": () => Settings;
    /// The first screen's data in one call.
    GetBoot = "boot": () => Boot;
    /// Saves the settings.
    SaveSettings = "save_settings": Settings => Settings;
    /// Whether and how this laptop syncs.
    GetSyncStatus = "sync_status": () => SyncStatus;
    /// Connects to a team server.
    SyncConnect = "sync_connect": ConnectRequest => SyncStatus;
    /// Disconnects from the team server.
    SyncDisconnect = "sync_disconnect": () => SyncStatus;
    /// Syncs now.
    SyncNow = "sync_now": () => SyncStatus;
    /// The open sync conflicts.
    SyncConflicts = "sync_conflicts": () => Vec<SyncConflict>;
    /// Resolves a sync conflict.
    SyncResolve = "sync_resolve": ResolveRequest => Vec<SyncConflict>;
    /// Sends a test message through an integration.
    SendTestMessage = "send_test_message": SendTestRequest => TestAnswer;
    /// Checks a webhook signature.
    VerifyWebhook = "verify_webhook": WebhookRequest => WebhookAnswer;
    /// The team server's people and websites (admins).
    GetTeam = "team": () => Team;
    /// Adds a person to the team server.
    CreatePerson = "create_person": NewPerson => TeamUser;
    /// Changes a person's role, websites, password or sign-in.
    UpdatePerson = "update_person": PersonUpdate => TeamUser;
    /// Deletes a person from the team server.
    DeletePerson = "delete_person": PersonRef => ();
    /// A person's sign-ins by device and API tokens.
    PersonSessions = "person_sessions": PersonRef => Vec<TeamSession>;
    /// Ends one or all of a person's sign-ins; the ones left.
    RevokeSessions = "revoke_sessions": RevokeRequest => Vec<TeamSession>;
    /// A page of the team server's audit log.
    GetAuditLog = "audit_log": AuditQuery => AuditPage;
    /// Asks the team server for a newer version of the app.
    CheckUpdate = "check_update": () => UpdateStatus;
    /// Downloads the offered update, checks its signature, installs it and
    /// restarts the app (no answer on success: the app restarts).
    InstallUpdate = "install_update": () => ();
}

/// The permission Tauri generates for a command (`allow-` and the name with
/// dashes), as the capability file lists it.
pub fn permission(name: &str) -> String {
    format!("allow-{}", name.replace('_', "-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_snake_case() {
        let mut seen = std::collections::BTreeSet::new();
        for name in ALL {
            assert!(seen.insert(*name), "{name} is declared twice");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{name}"
            );
        }
        assert_eq!(ALL.len(), 62);
        assert_eq!(GetAppInfo::NAME, "app_info");
        assert_eq!(permission("sync_now"), "allow-sync-now");
    }
}
