//! Analytics and tracking (Facebook Pixel, Pinterest Tag, TikTok Pixel, Hotjar,
//! Mixpanel, Segment) and customer communication (Intercom, Zendesk, Drift,
//! Crisp) from the second document.

use super::shared::{
    access_token, checked, choice, column_secret, digits, hex32, key_id, meta_token, uuid,
    UUID_EXAMPLE,
};
use crate::checks::Check;
use crate::model::{Field, IntegrationType, LegacySlot, Provider, SelectOption, Source};

const FACEBOOK_PIXEL: Provider = Provider::new("facebook_pixel", "Facebook Pixel", Source::Second)
    .about("Meta Pixel and Conversions API for ad tracking.")
    .docs_at("https://business.facebook.com/events_manager2")
    .with_fields(&[
        digits("pixel_id", "Pixel ID")
            .required()
            .help("Meta Events Manager → Data sources → your pixel: the number under its name.")
            .placeholder("1234567890123456"),
        meta_token("access_token", "Conversions API access token")
            .slot(LegacySlot::AccessToken)
            .help("Optional, for sending events from the server. Events Manager → your pixel → Settings → Conversions API → Generate access token.")
            .placeholder("EAAG..."),
        checked("test_event_code", "Test event code", Check::Identifier)
            .help("Optional: while testing, events show up under Events Manager → Test events. Remove it when you go live.")
            .placeholder("TEST12345"),
    ]);

const PINTEREST_TAG: Provider = Provider::new("pinterest_tag", "Pinterest Tag", Source::Second)
    .about("Pinterest conversion tracking.")
    .docs_at("https://ads.pinterest.com/")
    .with_fields(&[
        digits("tag_id", "Tag ID")
            .required()
            .help("Pinterest Ads Manager → Ads → Conversions → Tag manager: the tag's ID.")
            .placeholder("2612345678901"),
        digits("ad_account_id", "Ad account ID")
            .required()
            .help("Shown in Ads Manager under your account name, and in the address bar (advertiserId=...).")
            .placeholder("549755885175"),
        access_token("Conversion access token")
            .help("Ads Manager → Ads → Conversions → Conversions API → Generate new token."),
    ]);

const TIKTOK_PIXEL: Provider = Provider::new("tiktok_pixel", "TikTok Pixel", Source::Second)
    .about("TikTok ad conversion tracking and Events API.")
    .docs_at("https://ads.tiktok.com/i18n/events_manager")
    .with_fields(&[
        checked("pixel_code", "Pixel code", Check::Identifier)
            .required()
            .help("TikTok Ads Manager → Tools → Events → Web events → your pixel: the pixel ID under its name.")
            .placeholder("C4ABCDEFGHIJKLMNOPQR"),
        digits("advertiser_id", "Advertiser ID")
            .required()
            .help("In Ads Manager, under your account name at the top right.")
            .placeholder("7012345678901234567"),
        access_token("Events API access token")
            .help("Events Manager → your pixel → Settings → Events API → Generate access token."),
    ]);

const HOTJAR: Provider = Provider::new("hotjar", "Hotjar", Source::Second)
    .about("Heatmaps, recordings and feedback.")
    .docs_at("https://insights.hotjar.com/settings/sites")
    .with_fields(&[
        digits("site_id", "Site ID")
            .required()
            .help("Hotjar → Sites & Organizations: the ID next to your site.")
            .placeholder("1234567"),
        checked("client_id", "API client ID", Check::Token)
            .slot(LegacySlot::ApiKey)
            .requires("client_secret")
            .help("Optional, Scale plan only: Hotjar → Settings → Integrations → API → Create client. API keys expire after one year."),
        Field::secret_input("client_secret", "API client secret")
            .slot(LegacySlot::SecretKey)
            .requires("client_id")
            .help("Shown once, with the client ID."),
    ]);

const MIXPANEL_REGIONS: &[SelectOption] = &[
    SelectOption::new("us", "United States"),
    SelectOption::new("eu", "European Union"),
    SelectOption::new("in", "India"),
];

const MIXPANEL: Provider = Provider::new("mixpanel", "Mixpanel", Source::Second)
    .about("Product analytics.")
    .docs_at("https://mixpanel.com/settings/org#serviceaccounts")
    .with_fields(&[
        digits("project_id", "Project ID")
            .required()
            .help("Mixpanel → Project settings → Overview → Project ID.")
            .placeholder("2345678"),
        key_id("service_account_username", "Service account username", Check::Token)
            .help("Mixpanel → Organization settings → Service accounts → Add service account, with access to this project.")
            .placeholder("switchboard.1a2b3c.mp-service-account"),
        column_secret("service_account_secret", "Service account secret", LegacySlot::SecretKey)
            .help("Shown once, when the service account is created."),
        choice("region", "Data residency", MIXPANEL_REGIONS, "us")
            .help("Where the project stores its data (Project settings → Overview → Data residency)."),
        hex32("project_token", "Project token")
            .help("Optional: the public token your website's tracking code uses, in Project settings → Overview."),
    ]);

const SEGMENT: Provider = Provider::new("segment", "Segment", Source::Second)
    .about("Customer data platform by Twilio.")
    .docs_at("https://app.segment.com/")
    .with_fields(&[
        column_secret("write_key", "Write key", LegacySlot::ApiKey)
            .help("Segment → Connections → Sources → your source → Settings → API Keys → Write Key."),
        Field::secret_input("public_api_token", "Public API token")
            .slot(LegacySlot::AccessToken)
            .help("Optional; needed for Test connection (the write key cannot be checked). Segment → Settings → Workspace settings → Access Management → Tokens → Create token."),
    ]);

pub(crate) const ANALYTICS: IntegrationType =
    IntegrationType::new("analytics", "Analytics & tracking", "chart", Source::Second)
        .about("Measure visits and conversions and send events to your ad and analytics tools.")
        .with_providers(&[
            FACEBOOK_PIXEL,
            PINTEREST_TAG,
            TIKTOK_PIXEL,
            HOTJAR,
            MIXPANEL,
            SEGMENT,
        ]);

const INTERCOM_REGIONS: &[SelectOption] = &[
    SelectOption::new("us", "United States (api.intercom.io)"),
    SelectOption::new("eu", "Europe (api.eu.intercom.io)"),
    SelectOption::new("au", "Australia (api.au.intercom.io)"),
];

const INTERCOM: Provider = Provider::new("intercom", "Intercom", Source::Second)
    .about("Customer messaging and support.")
    .docs_at("https://app.intercom.com/a/apps/_/developer-hub")
    .with_fields(&[
        access_token("Access token")
            .help("Intercom → Settings → Integrations → Developer Hub → your app → Configure → Authentication → Access token."),
        choice("region", "Workspace region", INTERCOM_REGIONS, "us")
            .help("Where your Intercom workspace is hosted. Most workspaces are in the United States."),
    ]);

const ZENDESK: Provider = Provider::new("zendesk", "Zendesk", Source::Second)
    .about("Customer service and ticketing.")
    .docs_at("https://support.zendesk.com/hc/en-us/articles/4408889192858")
    .with_fields(&[
        checked("subdomain", "Zendesk subdomain", Check::Subdomain)
            .required()
            .help("The first part of your Zendesk address: for https://acme.zendesk.com enter acme.")
            .placeholder("acme"),
        Field::email("email", "Agent email")
            .required()
            .help("The email address of the Zendesk agent or admin the token belongs to.")
            .placeholder("admin@yourbrand.com"),
        column_secret("api_token", "API token", LegacySlot::ApiKey)
            .help("Zendesk Admin Center → Apps and integrations → APIs → Zendesk API → Settings: turn on Token access, then Add API token."),
    ]);

const DRIFT: Provider = Provider::new("drift", "Drift", Source::Second)
    .about("Conversational marketing chat by Salesloft.")
    .docs_at("https://dev.drift.com/")
    .with_fields(&[access_token("Access token")
        .help("In the Drift developer portal (dev.drift.com) → your app → Auth: install the app to your Drift account and copy the OAuth access token.")]);

const CRISP_TIERS: &[SelectOption] = &[
    SelectOption::new("plugin", "Plugin token (Marketplace)"),
    SelectOption::new("website", "Website token"),
];

const CRISP: Provider = Provider::new("crisp", "Crisp", Source::Second)
    .about("Live chat and customer messaging.")
    .docs_at("https://marketplace.crisp.chat/")
    .with_fields(&[
        key_id("identifier", "Token identifier", Check::Token)
            .help(
                "Crisp Marketplace → your plugin → Tokens: the identifier of the production token.",
            )
            .placeholder(UUID_EXAMPLE),
        column_secret("key", "Token key", LegacySlot::SecretKey)
            .help("Shown next to the identifier on the same Tokens page."),
        choice("tier", "Token type", CRISP_TIERS, "plugin")
            .help("Plugin for Marketplace plugin tokens (the usual case)."),
        uuid("website_id", "Website ID").help(
            "Optional: Crisp → Settings → Website settings → Setup instructions → Website ID.",
        ),
    ]);

pub(crate) const COMMUNICATION: IntegrationType = IntegrationType::new(
    "communication",
    "Customer communication",
    "support",
    Source::Second,
)
.about("Connect live chat, messaging and help-desk tools.")
.with_providers(&[INTERCOM, ZENDESK, DRIFT, CRISP]);
