//! The page's function components, one per file.

mod catalog_summary;
mod empty_state;
mod footer;
mod header;

pub use catalog_summary::CatalogSummary;
pub use empty_state::EmptyState;
pub use footer::Footer;
pub use header::Header;
