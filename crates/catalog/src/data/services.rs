//! Documents and e-signature (PDF generation API, DocuSign, Dropbox Sign), AI
//! (OpenAI, Anthropic, Cohere), automation (Zapier, Make, custom webhook) and
//! the catch-all `custom` integration, all from the second document. The
//! custom integration's credentials are not shape-checked: they can be anything.

use super::shared::{api_key, checked, column_secret, hex32, https_url, uuid};
use crate::checks::Check;
use crate::model::{Default, Field, IntegrationType, LegacySlot, Provider, SelectOption, Source};

const PDF_GENERATION_API: Provider = Provider::new(
    "pdf_generation_api",
    "PDF generation API",
    Source::Second,
)
.about("Any HTTP service that turns templates or HTML into PDFs.")
.with_fields(&[
    Field::url("base_url", "Base URL")
        .required()
        .help("The service's API address from its documentation, without the endpoint path.")
        .placeholder("https://api.pdfservice.example/v1"),
    api_key("API key").help("From the PDF service's account or API settings page."),
    checked("auth_header", "Header for the key", Check::HeaderName)
        .with_default(Default::Str("Authorization"))
        .help("The HTTP header the service expects the key in, e.g. Authorization or X-API-Key."),
    checked("auth_scheme", "Key prefix", Check::Identifier)
        .with_default(Default::Str("Bearer"))
        .help("The word sent before the key in that header, e.g. Bearer or Token."),
    checked("health_path", "Health-check path", Check::Path)
        .help("Optional: a path that answers without side effects, used by Test connection.")
        .placeholder("/health"),
]);

const DOCUSIGN_ENVIRONMENTS: &[SelectOption] = &[
    SelectOption::new("demo", "Developer (demo) account"),
    SelectOption::new("production", "Production"),
];

const DOCUSIGN: Provider = Provider::new("docusign", "DocuSign", Source::Second)
    .about("Electronic signatures and agreements.")
    .docs_at("https://admindemo.docusign.com/apps-and-keys")
    .with_fields(&[
        uuid("integration_key", "Integration key")
            .required()
            .slot(LegacySlot::ApiKey)
            .help("DocuSign → Settings → Apps and Keys → your app → Integration Key."),
        uuid("user_id", "User ID")
            .required()
            .help("The user the integration acts as: Settings → Apps and Keys → My Account Information → User ID. That user must grant consent to the app once."),
        Field::multiline("rsa_private_key", "RSA private key")
            .required()
            .secret()
            .check(Check::PemPrivateKey)
            .slot(LegacySlot::SecretKey)
            .help("Settings → Apps and Keys → your app → Service Integration → Generate RSA. Paste the whole private key, including the BEGIN and END lines; it is shown only once.")
            .placeholder("-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----"),
        Field::select("environment", "Environment", DOCUSIGN_ENVIRONMENTS)
            .required()
            .help("Developer accounts sign in at account-d.docusign.com; production ones at account.docusign.com."),
        uuid("account_id", "API account ID")
            .help("Optional: which account to use when the user belongs to several. Settings → Apps and Keys → API Account ID."),
    ]);

const HELLOSIGN: Provider = Provider::new("hellosign", "Dropbox Sign (HelloSign)", Source::Second)
    .about("Electronic signatures by Dropbox, formerly HelloSign.")
    .docs_at("https://app.hellosign.com/home/myAccount#api")
    .with_fields(&[
        api_key("API key")
            .help("Dropbox Sign → Settings → API → API key (Reveal key, or Generate key)."),
        hex32("client_id", "API app client ID").help(
            "Optional, for signing embedded in your website: Settings → API → API apps → your app.",
        ),
    ]);

pub(crate) const DOCUMENTS: IntegrationType = IntegrationType::new(
    "documents",
    "Documents & e-signature",
    "document",
    Source::Second,
)
.about("Generate PDFs and send documents for electronic signature.")
.with_providers(&[PDF_GENERATION_API, DOCUSIGN, HELLOSIGN]);

const OPENAI: Provider = Provider::new("openai", "OpenAI", Source::Second)
    .about("GPT models for writing and summarizing.")
    .docs_at("https://platform.openai.com/api-keys")
    .with_fields(&[
        api_key("API key")
            .check(Check::Prefix(&["sk-"]))
            .help("OpenAI platform → API keys → Create new secret key. It is shown only once.")
            .placeholder("sk-proj-..."),
        checked(
            "organization_id",
            "Organization ID",
            Check::Prefix(&["org-"]),
        )
        .help(
            "Optional, if you belong to several organizations: Settings → Organization → General.",
        )
        .placeholder("org-xxxxxxxxxxxxxxxxxxxxxxxx"),
        checked("project_id", "Project ID", Check::Prefix(&["proj_"]))
            .help("Optional: bill usage to this project (Settings → Project → General).")
            .placeholder("proj_xxxxxxxxxxxxxxxxxxxxxxxx"),
    ]);

const ANTHROPIC: Provider = Provider::new("anthropic", "Anthropic", Source::Second)
    .about("Claude models for writing and analysis.")
    .docs_at("https://console.anthropic.com/settings/keys")
    .with_fields(&[api_key("API key")
        .check(Check::Prefix(&["sk-ant-"]))
        .help("Anthropic Console → Settings → API keys → Create Key. It is shown only once.")
        .placeholder("sk-ant-...")]);

const COHERE: Provider = Provider::new("cohere", "Cohere", Source::Second)
    .about("Language models for generation, search and classification.")
    .docs_at("https://dashboard.cohere.com/api-keys")
    .with_fields(&[api_key("API key").help(
        "Cohere dashboard → API keys. Use a production key; trial keys are heavily rate-limited.",
    )]);

pub(crate) const AI: IntegrationType = IntegrationType::new("ai", "AI", "sparkles", Source::Second)
    .about("Connect AI models for writing, summarizing and classifying content.")
    .with_providers(&[OPENAI, ANTHROPIC, COHERE]);

const ZAPIER: Provider = Provider::new("zapier", "Zapier", Source::Second)
    .about("Start Zaps from Switchboard events.")
    .docs_at("https://zapier.com/apps/webhook/integrations")
    .with_fields(&[Field::url("webhook_url", "Catch hook URL")
        .required()
        .secret()
        .check(Check::HttpsHost(&["hooks.zapier.com"]))
        .help("In your Zap, use the trigger Webhooks by Zapier → Catch Hook and copy its URL. Treat it like a password: anyone with it can start the Zap.")
        .placeholder("https://hooks.zapier.com/hooks/catch/123456/abcdef/")]);

const MAKE_ZONES: &[SelectOption] = &[
    SelectOption::new("eu1", "EU 1 (eu1.make.com)"),
    SelectOption::new("eu2", "EU 2 (eu2.make.com)"),
    SelectOption::new("us1", "US 1 (us1.make.com)"),
    SelectOption::new("us2", "US 2 (us2.make.com)"),
];

const MAKE: Provider = Provider::new("make", "Make (Integromat)", Source::Second)
    .about("Run Make scenarios from Switchboard events.")
    .docs_at("https://www.make.com/en/help/general/api-access-management")
    .with_fields(&[
        column_secret("api_token", "API token", LegacySlot::ApiKey)
            .help("Make → your profile → API access → Add token."),
        Field::select("zone", "Zone", MAKE_ZONES)
            .required()
            .help("The start of the address you use Make at, e.g. eu1 for eu1.make.com."),
        Field::url("webhook_url", "Webhook URL")
            .secret()
            .check(Check::HttpsHost(&["make.com", "integromat.com"]))
            .help("Optional: the address of a scenario's Custom webhook trigger. Treat it like a password: anyone with it can run the scenario.")
            .placeholder("https://hook.eu1.make.com/abcdefghijklmnop"),
    ]);

const CUSTOM_WEBHOOK: Provider = Provider::new("custom_webhook", "Custom webhook", Source::Second)
    .about("Send Switchboard events to any https address.")
    .with_fields(&[
        https_url("url", "Webhook URL")
            .required()
            .help("The https address that should receive events as JSON POST requests.")
            .placeholder("https://hooks.yourbrand.com/switchboard"),
        Field::secret_input("signing_secret", "Signing secret")
            .slot(LegacySlot::SecretKey)
            .help("Optional shared secret. Switchboard signs each request with it (HMAC-SHA256) so the receiver can check where it came from."),
        Field::json("headers", "Extra headers")
            .check(Check::JsonObject)
            .help("Optional extra HTTP headers as a JSON object. Put credentials in the signing secret, not here.")
            .placeholder("{\"X-Source\": \"switchboard\"}"),
    ]);

pub(crate) const AUTOMATION: IntegrationType =
    IntegrationType::new("automation", "Automation", "bolt", Source::Second)
        .about("Trigger workflows in Zapier, Make or your own systems.")
        .with_providers(&[ZAPIER, MAKE, CUSTOM_WEBHOOK]);

/// An optional credential of the custom integration, in one of the second
/// document's columns and not shape-checked.
const fn custom_secret(key: &'static str, label: &'static str, slot: LegacySlot) -> Field {
    Field::secret_input(key, label)
        .check(Check::None)
        .slot(slot)
}

const CUSTOM_PROVIDER: Provider = Provider::new("custom", "Custom integration", Source::Second)
    .about("Any other service: store its address and credentials, plus any settings of your own.")
    .accepting_extra_keys()
    .with_fields(&[
        Field::url("base_url", "Base URL")
            .help("Optional: the service's API address.")
            .placeholder("https://api.example.com"),
        custom_secret("api_key", "API key", LegacySlot::ApiKey)
            .help("Optional: the service's API key."),
        custom_secret("secret_key", "Secret key", LegacySlot::SecretKey)
            .help("Optional: a second secret, such as the secret half of a key pair."),
        custom_secret("access_token", "Access token", LegacySlot::AccessToken)
            .help("Optional: an access token, such as an OAuth token."),
    ]);

pub(crate) const CUSTOM: IntegrationType =
    IntegrationType::new("custom", "Custom", "puzzle", Source::Second)
        .about("Keep credentials and settings for a service that is not listed.")
        .with_providers(&[CUSTOM_PROVIDER]);
