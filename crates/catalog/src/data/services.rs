//! Documents and e-signature (PDF generation API, DocuSign, Dropbox Sign), AI
//! (OpenAI, Anthropic, Cohere), automation (Zapier, Make, custom webhook) and
//! the catch-all `custom` integration, all from the second document. The
//! custom integration's credentials are not shape-checked: they can be anything.

use crate::checks::Check;
use crate::model::{Default, Field, IntegrationType, LegacySlot, Provider, SelectOption, Source};

const PDF_GENERATION_API: Provider = Provider {
    id: "pdf_generation_api",
    label: "PDF generation API",
    description: "Any HTTP service that turns templates or HTML into PDFs.",
    docs: "",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::url("base_url", "Base URL")
            .required()
            .help("The service's API address from its documentation, without the endpoint path.")
            .placeholder("https://api.pdfservice.example/v1"),
        Field::secret_input("api_key", "API key")
            .required()
            .slot(LegacySlot::ApiKey)
            .help("From the PDF service's account or API settings page."),
        Field::text("auth_header", "Header for the key")
            .check(Check::HeaderName)
            .with_default(Default::Str("Authorization"))
            .help(
                "The HTTP header the service expects the key in, e.g. Authorization or X-API-Key.",
            ),
        Field::text("auth_scheme", "Key prefix")
            .check(Check::Identifier)
            .with_default(Default::Str("Bearer"))
            .help("The word sent before the key in that header, e.g. Bearer or Token."),
        Field::text("health_path", "Health-check path")
            .check(Check::Path)
            .help("Optional: a path that answers without side effects, used by Test connection.")
            .placeholder("/health"),
    ],
};

const DOCUSIGN_ENVIRONMENTS: &[SelectOption] = &[
    SelectOption::new("demo", "Developer (demo) account"),
    SelectOption::new("production", "Production"),
];

const DOCUSIGN: Provider = Provider {
    id: "docusign",
    label: "DocuSign",
    description: "Electronic signatures and agreements.",
    docs: "https://admindemo.docusign.com/apps-and-keys",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::text("integration_key", "Integration key")
            .required()
            .check(Check::Uuid)
            .slot(LegacySlot::ApiKey)
            .help("DocuSign → Settings → Apps and Keys → your app → Integration Key.")
            .placeholder("1a2b3c4d-1234-5678-9abc-1234567890ab"),
        Field::text("user_id", "User ID")
            .required()
            .check(Check::Uuid)
            .help("The user the integration acts as: Settings → Apps and Keys → My Account Information → User ID. That user must grant consent to the app once.")
            .placeholder("1a2b3c4d-1234-5678-9abc-1234567890ab"),
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
        Field::text("account_id", "API account ID")
            .check(Check::Uuid)
            .help("Optional: which account to use when the user belongs to several. Settings → Apps and Keys → API Account ID.")
            .placeholder("1a2b3c4d-1234-5678-9abc-1234567890ab"),
    ],
};

const HELLOSIGN: Provider = Provider {
    id: "hellosign",
    label: "Dropbox Sign (HelloSign)",
    description: "Electronic signatures by Dropbox, formerly HelloSign.",
    docs: "https://app.hellosign.com/home/myAccount#api",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::secret_input("api_key", "API key")
            .required()
            .slot(LegacySlot::ApiKey)
            .help("Dropbox Sign → Settings → API → API key (Reveal key, or Generate key)."),
        Field::text("client_id", "API app client ID")
            .check(Check::Hex(32))
            .help("Optional, for signing embedded in your website: Settings → API → API apps → your app.")
            .placeholder("0123456789abcdef0123456789abcdef"),
    ],
};

pub(crate) const DOCUMENTS: IntegrationType = IntegrationType {
    id: "documents",
    label: "Documents & e-signature",
    description: "Generate PDFs and send documents for electronic signature.",
    icon: "document",
    source: Source::Second,
    fields: &[],
    providers: &[PDF_GENERATION_API, DOCUSIGN, HELLOSIGN],
    default_provider_id: "pdf_generation_api",
    specific_config_keys: &[],
};

const OPENAI: Provider = Provider {
    id: "openai",
    label: "OpenAI",
    description: "GPT models for writing and summarizing.",
    docs: "https://platform.openai.com/api-keys",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::secret_input("api_key", "API key")
            .required()
            .check(Check::Prefix(&["sk-"]))
            .slot(LegacySlot::ApiKey)
            .help("OpenAI platform → API keys → Create new secret key. It is shown only once.")
            .placeholder("sk-proj-..."),
        Field::text("organization_id", "Organization ID")
            .check(Check::Prefix(&["org-"]))
            .help("Optional, if you belong to several organizations: Settings → Organization → General.")
            .placeholder("org-xxxxxxxxxxxxxxxxxxxxxxxx"),
        Field::text("project_id", "Project ID")
            .check(Check::Prefix(&["proj_"]))
            .help("Optional: bill usage to this project (Settings → Project → General).")
            .placeholder("proj_xxxxxxxxxxxxxxxxxxxxxxxx"),
    ],
};

const ANTHROPIC: Provider = Provider {
    id: "anthropic",
    label: "Anthropic",
    description: "Claude models for writing and analysis.",
    docs: "https://console.anthropic.com/settings/keys",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[Field::secret_input("api_key", "API key")
        .required()
        .check(Check::Prefix(&["sk-ant-"]))
        .slot(LegacySlot::ApiKey)
        .help("Anthropic Console → Settings → API keys → Create Key. It is shown only once.")
        .placeholder("sk-ant-...")],
};

const COHERE: Provider = Provider {
    id: "cohere",
    label: "Cohere",
    description: "Language models for generation, search and classification.",
    docs: "https://dashboard.cohere.com/api-keys",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[Field::secret_input("api_key", "API key")
        .required()
        .slot(LegacySlot::ApiKey)
        .help("Cohere dashboard → API keys. Use a production key; trial keys are heavily rate-limited.")],
};

pub(crate) const AI: IntegrationType = IntegrationType {
    id: "ai",
    label: "AI",
    description: "Connect AI models for writing, summarizing and classifying content.",
    icon: "sparkles",
    source: Source::Second,
    fields: &[],
    providers: &[OPENAI, ANTHROPIC, COHERE],
    default_provider_id: "openai",
    specific_config_keys: &[],
};

const ZAPIER: Provider = Provider {
    id: "zapier",
    label: "Zapier",
    description: "Start Zaps from Switchboard events.",
    docs: "https://zapier.com/apps/webhook/integrations",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[Field::url("webhook_url", "Catch hook URL")
        .required()
        .secret()
        .check(Check::HttpsHost(&["hooks.zapier.com"]))
        .help("In your Zap, use the trigger Webhooks by Zapier → Catch Hook and copy its URL. Treat it like a password: anyone with it can start the Zap.")
        .placeholder("https://hooks.zapier.com/hooks/catch/123456/abcdef/")],
};

const MAKE_ZONES: &[SelectOption] = &[
    SelectOption::new("eu1", "EU 1 (eu1.make.com)"),
    SelectOption::new("eu2", "EU 2 (eu2.make.com)"),
    SelectOption::new("us1", "US 1 (us1.make.com)"),
    SelectOption::new("us2", "US 2 (us2.make.com)"),
];

const MAKE: Provider = Provider {
    id: "make",
    label: "Make (Integromat)",
    description: "Run Make scenarios from Switchboard events.",
    docs: "https://www.make.com/en/help/general/api-access-management",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::secret_input("api_token", "API token")
            .required()
            .slot(LegacySlot::ApiKey)
            .help("Make → your profile → API access → Add token."),
        Field::select("zone", "Zone", MAKE_ZONES)
            .required()
            .help("The start of the address you use Make at, e.g. eu1 for eu1.make.com."),
        Field::url("webhook_url", "Webhook URL")
            .secret()
            .check(Check::HttpsHost(&["make.com", "integromat.com"]))
            .help("Optional: the address of a scenario's Custom webhook trigger. Treat it like a password: anyone with it can run the scenario.")
            .placeholder("https://hook.eu1.make.com/abcdefghijklmnop"),
    ],
};

const CUSTOM_WEBHOOK: Provider = Provider {
    id: "custom_webhook",
    label: "Custom webhook",
    description: "Send Switchboard events to any https address.",
    docs: "",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::url("url", "Webhook URL")
            .required()
            .check(Check::HttpsUrl)
            .help("The https address that should receive events as JSON POST requests.")
            .placeholder("https://hooks.yourbrand.com/switchboard"),
        Field::secret_input("signing_secret", "Signing secret")
            .slot(LegacySlot::SecretKey)
            .help("Optional shared secret. Switchboard signs each request with it (HMAC-SHA256) so the receiver can check where it came from."),
        Field::json("headers", "Extra headers")
            .check(Check::JsonObject)
            .help("Optional extra HTTP headers as a JSON object. Put credentials in the signing secret, not here.")
            .placeholder("{\"X-Source\": \"switchboard\"}"),
    ],
};

pub(crate) const AUTOMATION: IntegrationType = IntegrationType {
    id: "automation",
    label: "Automation",
    description: "Trigger workflows in Zapier, Make or your own systems.",
    icon: "bolt",
    source: Source::Second,
    fields: &[],
    providers: &[ZAPIER, MAKE, CUSTOM_WEBHOOK],
    default_provider_id: "zapier",
    specific_config_keys: &[],
};

const CUSTOM_PROVIDER: Provider = Provider {
    id: "custom",
    label: "Custom integration",
    description:
        "Any other service: store its address and credentials, plus any settings of your own.",
    docs: "",
    source: Source::Second,
    accepts_extra_keys: true,
    fields: &[
        Field::url("base_url", "Base URL")
            .help("Optional: the service's API address.")
            .placeholder("https://api.example.com"),
        Field::secret_input("api_key", "API key")
            .check(Check::None)
            .slot(LegacySlot::ApiKey)
            .help("Optional: the service's API key."),
        Field::secret_input("secret_key", "Secret key")
            .check(Check::None)
            .slot(LegacySlot::SecretKey)
            .help("Optional: a second secret, such as the secret half of a key pair."),
        Field::secret_input("access_token", "Access token")
            .check(Check::None)
            .slot(LegacySlot::AccessToken)
            .help("Optional: an access token, such as an OAuth token."),
    ],
};

pub(crate) const CUSTOM: IntegrationType = IntegrationType {
    id: "custom",
    label: "Custom",
    description: "Keep credentials and settings for a service that is not listed.",
    icon: "puzzle",
    source: Source::Second,
    fields: &[],
    providers: &[CUSTOM_PROVIDER],
    default_provider_id: "custom",
    specific_config_keys: &[],
};
