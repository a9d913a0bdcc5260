//! Facebook: the first document's Facebook Lead Ads and Messenger integration,
//! a single provider whose field keys are the configure-body keys of the contract.

use super::META_TOKEN;
use crate::checks::Check;
use crate::model::{Default, Field, IntegrationType, Provider, Source};

const FACEBOOK_PROVIDER: Provider = Provider {
    id: "facebook",
    label: "Facebook Lead Ads & Messenger",
    description: "Import leads from Facebook Lead Ads and answer on Messenger.",
    docs: "https://developers.facebook.com/apps/",
    source: Source::First,
    accepts_extra_keys: false,
    fields: &[
        Field::text("app_id", "App ID")
            .required()
            .check(Check::Digits)
            .help("In Meta for Developers → My Apps → your app, at the top of the dashboard.")
            .placeholder("1234567890123456"),
        Field::secret_input("app_secret", "App secret")
            .required()
            .check(Check::Hex(32))
            .help("In Meta for Developers → your app → App settings → Basic → App secret (click Show)."),
        Field::secret_input("access_token", "Access token")
            .required()
            .check(META_TOKEN)
            .help("A long-lived user or system-user token with leads_retrieval and pages permissions. Create a system-user token in Meta Business Suite → Settings → System users.")
            .placeholder("EAAG..."),
        Field::text("page_id", "Page ID")
            .check(Check::Digits)
            .help("Your Facebook Page's numeric ID: on the Page, open About → Page transparency, or Meta Business Suite → Settings → Pages.")
            .placeholder("102938475610293"),
        Field::secret_input("page_access_token", "Page access token")
            .check(META_TOKEN)
            .help("A token for the Page itself, needed to read leads and send Messenger replies. Generate it in Meta for Developers → your app → Messenger → Settings → Access tokens."),
        Field::boolean("enable_lead_ads", "Import Lead Ads")
            .with_default(Default::Bool(false))
            .help("Bring in leads from your Facebook Lead Ads forms as they arrive."),
        Field::text("lead_form_id", "Lead form ID")
            .check(Check::Digits)
            .help("Optional: import only this form. Find the ID in Meta Business Suite → All tools → Instant forms. Leave empty to import from every form of the Page.")
            .placeholder("1234567890123456"),
        Field::boolean("enable_messenger", "Enable Messenger")
            .with_default(Default::Bool(false))
            .help("Receive and answer messages sent to your Page on Messenger."),
        Field::secret_input("webhook_verify_token", "Webhook verify token")
            .help("A password you make up. Enter the same text in Meta for Developers → your app → Webhooks so Meta can confirm the webhook is yours."),
        Field::url("webhook_url", "Webhook URL")
            .check(Check::HttpsUrl)
            .help("The https address Meta sends new leads and messages to. Paste it in Meta for Developers → your app → Webhooks.")
            .placeholder("https://hooks.yourbrand.com/facebook"),
        Field::boolean("auto_create_contact_from_leads", "Create contacts from leads")
            .with_default(Default::Bool(true))
            .help("Add every new lead to your contacts."),
        Field::text("trigger_campaign_on_lead", "Campaign to start for each lead")
            .check(Check::Identifier)
            .help("Optional ID of the campaign to start when a new lead arrives.")
            .placeholder("lead-nurture"),
    ],
};

pub(crate) const FACEBOOK: IntegrationType = IntegrationType {
    id: "facebook",
    label: "Facebook",
    description: "Connect Facebook Lead Ads and Messenger to capture leads and talk to customers.",
    icon: "facebook",
    source: Source::First,
    fields: &[],
    providers: &[FACEBOOK_PROVIDER],
    default_provider_id: "facebook",
    specific_config_keys: &[
        "page_id",
        "enable_lead_ads",
        "lead_form_id",
        "enable_messenger",
        "webhook_url",
        "auto_create_contact_from_leads",
        "trigger_campaign_on_lead",
    ],
};
