//! The page's function components, one per file.

mod auto_lock;
mod confirm_dialog;
mod field_input;
mod footer;
mod header;
mod integration_editor;
mod integration_form;
mod integration_list;
mod integration_row;
mod integrations_page;
mod lock_screen;
mod logs_page;
mod notice;
mod secret_tools;
mod setup_screen;
mod stats_page;
mod type_card;
mod websites_page;

pub use auto_lock::AutoLock;
pub use confirm_dialog::ConfirmDialog;
pub use field_input::FieldInput;
pub use footer::Footer;
pub use header::Header;
pub use integration_editor::IntegrationEditor;
pub use integration_form::IntegrationForm;
pub use integration_list::IntegrationList;
pub use integration_row::IntegrationRowView;
pub use integrations_page::IntegrationsPage;
pub use lock_screen::LockScreen;
pub use logs_page::LogsPage;
pub use notice::Notice;
pub use secret_tools::SecretTools;
pub use setup_screen::SetupScreen;
pub use stats_page::StatsPage;
pub use type_card::TypeCard;
pub use websites_page::WebsitesPage;
