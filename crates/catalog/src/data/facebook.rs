//! Facebook: the first document's Facebook Lead Ads and Messenger integration,
//! a single provider whose field keys are the configure-body keys of the contract.

use super::shared::{
    checked, digits, flag, https_url, meta_app_id, meta_app_secret, meta_token,
    webhook_verify_token,
};
use crate::checks::Check;
use crate::model::{IntegrationType, Provider, Source};

const FACEBOOK_PROVIDER: Provider = Provider::new("facebook", "Facebook Lead Ads & Messenger", Source::First)
    .about("Import leads from Facebook Lead Ads and answer on Messenger.")
    .docs_at("https://developers.facebook.com/apps/")
    .with_fields(&[
        meta_app_id("app_id")
            .help("In Meta for Developers → My Apps → your app, at the top of the dashboard."),
        meta_app_secret("app_secret")
            .required()
            .help("In Meta for Developers → your app → App settings → Basic → App secret (click Show)."),
        meta_token("access_token", "Access token")
            .required()
            .help("A long-lived user or system-user token with leads_retrieval and pages permissions. Create a system-user token in Meta Business Suite → Settings → System users.")
            .placeholder("EAAG..."),
        digits("page_id", "Page ID")
            .help("Your Facebook Page's numeric ID: on the Page, open About → Page transparency, or Meta Business Suite → Settings → Pages.")
            .placeholder("102938475610293"),
        meta_token("page_access_token", "Page access token")
            .help("A token for the Page itself, needed to read leads and send Messenger replies. Generate it in Meta for Developers → your app → Messenger → Settings → Access tokens."),
        flag("enable_lead_ads", "Import Lead Ads", false)
            .help("Bring in leads from your Facebook Lead Ads forms as they arrive."),
        digits("lead_form_id", "Lead form ID")
            .help("Optional: import only this form. Find the ID in Meta Business Suite → All tools → Instant forms. Leave empty to import from every form of the Page.")
            .placeholder("1234567890123456"),
        flag("enable_messenger", "Enable Messenger", false)
            .help("Receive and answer messages sent to your Page on Messenger."),
        webhook_verify_token()
            .help("A password you make up. Enter the same text in Meta for Developers → your app → Webhooks so Meta can confirm the webhook is yours."),
        https_url("webhook_url", "Webhook URL")
            .help("The https address Meta sends new leads and messages to. Paste it in Meta for Developers → your app → Webhooks.")
            .placeholder("https://hooks.yourbrand.com/facebook"),
        flag("auto_create_contact_from_leads", "Create contacts from leads", true)
            .help("Add every new lead to your contacts."),
        checked("trigger_campaign_on_lead", "Campaign to start for each lead", Check::Identifier)
            .help("Optional ID of the campaign to start when a new lead arrives.")
            .placeholder("lead-nurture"),
    ]);

pub(crate) const FACEBOOK: IntegrationType =
    IntegrationType::new("facebook", "Facebook", "facebook", Source::First)
        .about("Connect Facebook Lead Ads and Messenger to capture leads and talk to customers.")
        .with_providers(&[FACEBOOK_PROVIDER])
        .with_specific_config(&[
            "page_id",
            "enable_lead_ads",
            "lead_form_id",
            "enable_messenger",
            "webhook_url",
            "auto_create_contact_from_leads",
            "trigger_campaign_on_lead",
        ]);
