//! Analytics and tracking (Facebook Pixel, Pinterest Tag, TikTok Pixel, Hotjar,
//! Mixpanel, Segment) and customer communication (Intercom, Zendesk, Drift,
//! Crisp) from the second document.

use crate::checks::Check;
use crate::model::{Default, Field, IntegrationType, LegacySlot, Provider, SelectOption, Source};

const FACEBOOK_PIXEL: Provider = Provider {
    id: "facebook_pixel",
    label: "Facebook Pixel",
    description: "Meta Pixel and Conversions API for ad tracking.",
    docs: "https://business.facebook.com/events_manager2",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::text("pixel_id", "Pixel ID")
            .required()
            .check(Check::Digits)
            .help("Meta Events Manager → Data sources → your pixel: the number under its name.")
            .placeholder("1234567890123456"),
        Field::secret_input("access_token", "Conversions API access token")
            .check(Check::Prefix(&["EAA"]))
            .slot(LegacySlot::AccessToken)
            .help("Optional, for sending events from the server. Events Manager → your pixel → Settings → Conversions API → Generate access token.")
            .placeholder("EAAG..."),
        Field::text("test_event_code", "Test event code")
            .check(Check::Identifier)
            .help("Optional: while testing, events show up under Events Manager → Test events. Remove it when you go live.")
            .placeholder("TEST12345"),
    ],
};

const PINTEREST_TAG: Provider = Provider {
    id: "pinterest_tag",
    label: "Pinterest Tag",
    description: "Pinterest conversion tracking.",
    docs: "https://ads.pinterest.com/",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::text("tag_id", "Tag ID")
            .required()
            .check(Check::Digits)
            .help("Pinterest Ads Manager → Ads → Conversions → Tag manager: the tag's ID.")
            .placeholder("2612345678901"),
        Field::text("ad_account_id", "Ad account ID")
            .required()
            .check(Check::Digits)
            .help("Shown in Ads Manager under your account name, and in the address bar (advertiserId=...).")
            .placeholder("549755885175"),
        Field::secret_input("access_token", "Conversion access token")
            .required()
            .slot(LegacySlot::AccessToken)
            .help("Ads Manager → Ads → Conversions → Conversions API → Generate new token."),
    ],
};

const TIKTOK_PIXEL: Provider = Provider {
    id: "tiktok_pixel",
    label: "TikTok Pixel",
    description: "TikTok ad conversion tracking and Events API.",
    docs: "https://ads.tiktok.com/i18n/events_manager",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::text("pixel_code", "Pixel code")
            .required()
            .check(Check::Identifier)
            .help("TikTok Ads Manager → Tools → Events → Web events → your pixel: the pixel ID under its name.")
            .placeholder("C4ABCDEFGHIJKLMNOPQR"),
        Field::text("advertiser_id", "Advertiser ID")
            .required()
            .check(Check::Digits)
            .help("In Ads Manager, under your account name at the top right.")
            .placeholder("7012345678901234567"),
        Field::secret_input("access_token", "Events API access token")
            .required()
            .slot(LegacySlot::AccessToken)
            .help("Events Manager → your pixel → Settings → Events API → Generate access token."),
    ],
};

const HOTJAR: Provider = Provider {
    id: "hotjar",
    label: "Hotjar",
    description: "Heatmaps, recordings and feedback.",
    docs: "https://insights.hotjar.com/settings/sites",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::text("site_id", "Site ID")
            .required()
            .check(Check::Digits)
            .help("Hotjar → Sites & Organizations: the ID next to your site.")
            .placeholder("1234567"),
        Field::text("client_id", "API client ID")
            .check(Check::Token)
            .slot(LegacySlot::ApiKey)
            .requires("client_secret")
            .help("Optional, Scale plan only: Hotjar → Settings → Integrations → API → Create client. API keys expire after one year."),
        Field::secret_input("client_secret", "API client secret")
            .slot(LegacySlot::SecretKey)
            .requires("client_id")
            .help("Shown once, with the client ID."),
    ],
};

const MIXPANEL_REGIONS: &[SelectOption] = &[
    SelectOption::new("us", "United States"),
    SelectOption::new("eu", "European Union"),
    SelectOption::new("in", "India"),
];

const MIXPANEL: Provider = Provider {
    id: "mixpanel",
    label: "Mixpanel",
    description: "Product analytics.",
    docs: "https://mixpanel.com/settings/org#serviceaccounts",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::text("project_id", "Project ID")
            .required()
            .check(Check::Digits)
            .help("Mixpanel → Project settings → Overview → Project ID.")
            .placeholder("2345678"),
        Field::text("service_account_username", "Service account username")
            .required()
            .check(Check::Token)
            .slot(LegacySlot::ApiKey)
            .help("Mixpanel → Organization settings → Service accounts → Add service account, with access to this project.")
            .placeholder("switchboard.1a2b3c.mp-service-account"),
        Field::secret_input("service_account_secret", "Service account secret")
            .required()
            .slot(LegacySlot::SecretKey)
            .help("Shown once, when the service account is created."),
        Field::select("region", "Data residency", MIXPANEL_REGIONS)
            .with_default(Default::Str("us"))
            .help("Where the project stores its data (Project settings → Overview → Data residency)."),
        Field::text("project_token", "Project token")
            .check(Check::Hex(32))
            .help("Optional: the public token your website's tracking code uses, in Project settings → Overview.")
            .placeholder("0123456789abcdef0123456789abcdef"),
    ],
};

const SEGMENT: Provider = Provider {
    id: "segment",
    label: "Segment",
    description: "Customer data platform by Twilio.",
    docs: "https://app.segment.com/",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::secret_input("write_key", "Write key")
            .required()
            .slot(LegacySlot::ApiKey)
            .help("Segment → Connections → Sources → your source → Settings → API Keys → Write Key."),
        Field::secret_input("public_api_token", "Public API token")
            .slot(LegacySlot::AccessToken)
            .help("Optional; needed for Test connection (the write key cannot be checked). Segment → Settings → Workspace settings → Access Management → Tokens → Create token."),
    ],
};

pub(crate) const ANALYTICS: IntegrationType = IntegrationType {
    id: "analytics",
    label: "Analytics & tracking",
    description: "Measure visits and conversions and send events to your ad and analytics tools.",
    icon: "chart",
    source: Source::Second,
    fields: &[],
    providers: &[
        FACEBOOK_PIXEL,
        PINTEREST_TAG,
        TIKTOK_PIXEL,
        HOTJAR,
        MIXPANEL,
        SEGMENT,
    ],
    default_provider_id: "facebook_pixel",
    specific_config_keys: &[],
};

const INTERCOM_REGIONS: &[SelectOption] = &[
    SelectOption::new("us", "United States (api.intercom.io)"),
    SelectOption::new("eu", "Europe (api.eu.intercom.io)"),
    SelectOption::new("au", "Australia (api.au.intercom.io)"),
];

const INTERCOM: Provider = Provider {
    id: "intercom",
    label: "Intercom",
    description: "Customer messaging and support.",
    docs: "https://app.intercom.com/a/apps/_/developer-hub",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::secret_input("access_token", "Access token")
            .required()
            .slot(LegacySlot::AccessToken)
            .help("Intercom → Settings → Integrations → Developer Hub → your app → Configure → Authentication → Access token."),
        Field::select("region", "Workspace region", INTERCOM_REGIONS)
            .with_default(Default::Str("us"))
            .help("Where your Intercom workspace is hosted. Most workspaces are in the United States."),
    ],
};

const ZENDESK: Provider = Provider {
    id: "zendesk",
    label: "Zendesk",
    description: "Customer service and ticketing.",
    docs: "https://support.zendesk.com/hc/en-us/articles/4408889192858",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::text("subdomain", "Zendesk subdomain")
            .required()
            .check(Check::Subdomain)
            .help("The first part of your Zendesk address: for https://acme.zendesk.com enter acme.")
            .placeholder("acme"),
        Field::email("email", "Agent email")
            .required()
            .help("The email address of the Zendesk agent or admin the token belongs to.")
            .placeholder("admin@yourbrand.com"),
        Field::secret_input("api_token", "API token")
            .required()
            .slot(LegacySlot::ApiKey)
            .help("Zendesk Admin Center → Apps and integrations → APIs → Zendesk API → Settings: turn on Token access, then Add API token."),
    ],
};

const DRIFT: Provider = Provider {
    id: "drift",
    label: "Drift",
    description: "Conversational marketing chat by Salesloft.",
    docs: "https://dev.drift.com/",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[Field::secret_input("access_token", "Access token")
        .required()
        .slot(LegacySlot::AccessToken)
        .help("In the Drift developer portal (dev.drift.com) → your app → Auth: install the app to your Drift account and copy the OAuth access token.")],
};

const CRISP_TIERS: &[SelectOption] = &[
    SelectOption::new("plugin", "Plugin token (Marketplace)"),
    SelectOption::new("website", "Website token"),
];

const CRISP: Provider = Provider {
    id: "crisp",
    label: "Crisp",
    description: "Live chat and customer messaging.",
    docs: "https://marketplace.crisp.chat/",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::text("identifier", "Token identifier")
            .required()
            .check(Check::Token)
            .slot(LegacySlot::ApiKey)
            .help(
                "Crisp Marketplace → your plugin → Tokens: the identifier of the production token.",
            )
            .placeholder("1a2b3c4d-1234-5678-9abc-1234567890ab"),
        Field::secret_input("key", "Token key")
            .required()
            .slot(LegacySlot::SecretKey)
            .help("Shown next to the identifier on the same Tokens page."),
        Field::select("tier", "Token type", CRISP_TIERS)
            .with_default(Default::Str("plugin"))
            .help("Plugin for Marketplace plugin tokens (the usual case)."),
        Field::text("website_id", "Website ID")
            .check(Check::Uuid)
            .help(
                "Optional: Crisp → Settings → Website settings → Setup instructions → Website ID.",
            )
            .placeholder("1a2b3c4d-1234-5678-9abc-1234567890ab"),
    ],
};

pub(crate) const COMMUNICATION: IntegrationType = IntegrationType {
    id: "communication",
    label: "Customer communication",
    description: "Connect live chat, messaging and help-desk tools.",
    icon: "support",
    source: Source::Second,
    fields: &[],
    providers: &[INTERCOM, ZENDESK, DRIFT, CRISP],
    default_provider_id: "intercom",
    specific_config_keys: &[],
};
