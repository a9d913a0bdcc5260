//! The catalog's data: one module per family of integration types, and in
//! [`shared`] the fields and field makers several providers share (AWS
//! credentials and regions, OAuth client pairs, API keys in the second
//! document's columns, ...). Adding a provider is adding one `Provider` entry
//! to the right module.

mod cloud;
mod commerce;
mod email;
mod engagement;
mod facebook;
mod identity;
mod services;
mod shared;
mod signup_pages;
mod sms;
mod whatsapp;

use crate::model::IntegrationType;

/// Every type in display order: the first document's five, then the second
/// document's categories, `custom` last.
pub(crate) static TYPES: &[IntegrationType] = &[
    email::EMAIL,
    whatsapp::WHATSAPP,
    sms::SMS,
    signup_pages::SIGNUP_PAGE,
    facebook::FACEBOOK,
    commerce::PAYMENTS,
    cloud::STORAGE,
    cloud::CDN,
    identity::SOCIAL_AUTH,
    engagement::ANALYTICS,
    engagement::COMMUNICATION,
    services::DOCUMENTS,
    services::AI,
    services::AUTOMATION,
    services::CUSTOM,
];
