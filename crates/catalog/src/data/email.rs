//! Email: the first document's email integration (SendGrid, Mailgun, AWS SES,
//! SMTP, Mailchimp) and the second document's email services (the same
//! SendGrid, Mailgun and AWS SES, plus Postmark, SparkPost and Mandrill).
//! Field keys are the first document's configure-body keys.

use super::shared::{api_key, checked, choice, flag, AWS_FIELDS};
use crate::checks::Check;
use crate::model::{Default, Field, IntegrationType, LegacySlot, Provider, SelectOption, Source};

const COMMON: &[Field] = &[
    Field::email("from_email", "From email")
        .required()
        .help("The address your emails are sent from. Providers only send from addresses or domains you have verified with them.")
        .placeholder("news@yourbrand.com"),
    Field::text("from_name", "From name")
        .help("The sender name people see in their inbox, usually your brand.")
        .placeholder("Your Brand"),
    Field::email("reply_to_email", "Reply-to email")
        .help("Where replies go. Leave empty to receive replies at the From address.")
        .placeholder("support@yourbrand.com"),
];

const SENDGRID_REGIONS: &[SelectOption] = &[
    SelectOption::new("global", "Global (api.sendgrid.com)"),
    SelectOption::new("eu", "EU data residency (api.eu.sendgrid.com)"),
];

const SENDGRID: Provider = Provider::new("sendgrid", "SendGrid", Source::Both)
    .about("Twilio SendGrid's email API for transactional and marketing email.")
    .docs_at("https://app.sendgrid.com/settings/api_keys")
    .with_fields(&[
        api_key("API key")
            .check(Check::Prefix(&["SG."]))
            .help("Find it in SendGrid → Settings → API Keys → Create API Key (Mail Send access is enough). SendGrid shows the key only once.")
            .placeholder("SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        choice("region", "Data region", SENDGRID_REGIONS, "global")
            .help("Choose EU only if your SendGrid account or subuser was set up for EU data residency."),
        Field::secret_input("webhook_verification_key", "Event Webhook verification key")
            .help("Optional. Lets Switchboard check that delivery events really come from SendGrid. In SendGrid → Settings → Mail Settings → Event Webhook, turn on Signed Event Webhook and copy the verification key.")
            .placeholder("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE..."),
    ]);

const MAILGUN_REGIONS: &[SelectOption] = &[
    SelectOption::new("us", "US (api.mailgun.net)"),
    SelectOption::new("eu", "EU (api.eu.mailgun.net)"),
];

const MAILGUN: Provider = Provider::new("mailgun", "Mailgun", Source::Both)
    .about("Email API for developers, by Sinch.")
    .docs_at("https://app.mailgun.com/settings/api_security")
    .with_fields(&[
        api_key("Private API key")
            .help("Find it in Mailgun → Settings → API Security → Add new key. Use the private API key, not the public validation key.")
            .placeholder("key-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        checked("mailgun_domain", "Sending domain", Check::Hostname)
            .required()
            .help("The domain you send from, as listed in Mailgun → Sending → Domains.")
            .placeholder("mg.yourbrand.com"),
        choice("mailgun_region", "Region", MAILGUN_REGIONS, "us")
            .help("The region your Mailgun domain lives in. A key for the EU region is rejected by the US servers and vice versa."),
        Field::secret_input("webhook_signing_key", "Webhook signing key")
            .slot(LegacySlot::SecretKey)
            .help("Optional. Lets Switchboard check that delivery events really come from Mailgun. Find it in Mailgun → Settings → API Security → HTTP webhook signing key."),
    ]);

const AWS_SES: Provider = Provider::new("aws_ses", "Amazon SES", Source::Both)
    .about("Amazon Simple Email Service.")
    .docs_at("https://console.aws.amazon.com/iam/home#/users")
    .with_fields(AWS_FIELDS);

const SMTP: Provider = Provider::new("smtp", "SMTP server", Source::First)
    .about("Any mail server that accepts SMTP, such as Google Workspace, Microsoft 365 or your host's.")
    .docs_at("https://support.google.com/a/answer/176600")
    .with_fields(&[
        checked("smtp_host", "SMTP server", Check::Hostname)
            .required()
            .help("The outgoing mail server's name, from your email provider's setup instructions.")
            .placeholder("smtp.yourbrand.com"),
        Field::number("smtp_port", "SMTP port", 1, 65535)
            .required()
            .help("Usually 587 (STARTTLS) or 465 (TLS from the start). Port 25 is often blocked.")
            .placeholder("587"),
        Field::text("smtp_username", "SMTP username")
            .required()
            .help("Usually the full mailbox address you send from.")
            .placeholder("news@yourbrand.com"),
        Field::secret_input("smtp_password", "SMTP password")
            .required()
            .check(Check::None)
            .help("The mailbox password, or an app password if the account uses two-step sign-in (Google and Microsoft require one)."),
        flag("smtp_use_tls", "Use TLS", true)
            .help("Encrypt the connection. Leave on unless your mail server's instructions say otherwise."),
    ]);

const MAILCHIMP: Provider = Provider::new("mailchimp", "Mailchimp", Source::First)
    .about("Email marketing platform by Intuit.")
    .docs_at("https://us1.admin.mailchimp.com/account/api/")
    .with_fields(&[Field::secret_input("api_key", "API key")
        .required()
        .check(Check::MailchimpKey)
        .help("Find it in Mailchimp → Profile → Extras → API keys → Create A Key. It ends in your data center, like -us21.")
        .placeholder("0123456789abcdef0123456789abcdef-us21")]);

const POSTMARK: Provider = Provider::new("postmark", "Postmark", Source::Second)
    .about("Transactional email service by ActiveCampaign.")
    .docs_at("https://account.postmarkapp.com/servers")
    .with_fields(&[
        api_key("Server API token")
            .check(Check::Uuid)
            .help("Find it in Postmark → Servers → your server → API Tokens. Use a Server token, not the Account token.")
            .placeholder("00000000-0000-0000-0000-000000000000"),
        checked("message_stream", "Message stream", Check::Identifier)
            .with_default(Default::Str("outbound"))
            .help("The stream to send through: outbound for transactional email, or your broadcast stream's ID for newsletters."),
    ]);

const SPARKPOST_REGIONS: &[SelectOption] = &[
    SelectOption::new("us", "US (api.sparkpost.com)"),
    SelectOption::new("eu", "EU (api.eu.sparkpost.com)"),
];

const SPARKPOST: Provider = Provider::new("sparkpost", "SparkPost", Source::Second)
    .about("Email delivery service by Bird.")
    .docs_at("https://app.sparkpost.com/account/api-keys")
    .with_fields(&[
        api_key("API key")
            .help("Find it in SparkPost → Configuration → API Keys → Create API Key, with Transmissions and Account read access. It is shown only once."),
        choice("region", "Region", SPARKPOST_REGIONS, "us")
            .help("EU if you log in at app.eu.sparkpost.com, otherwise US."),
    ]);

const MANDRILL: Provider = Provider::new("mandrill", "Mandrill", Source::Second)
    .about("Mailchimp Transactional Email (formerly Mandrill).")
    .docs_at("https://mandrillapp.com/settings")
    .with_fields(&[api_key("API key")
        .help("Find it in Mailchimp Transactional (mandrillapp.com) → Settings → SMTP & API Info → New API Key. This is not your Mailchimp marketing key.")]);

pub(crate) const EMAIL: IntegrationType = IntegrationType::new(
    "email",
    "Email",
    "mail",
    Source::Both,
)
.about("Send automated emails, newsletters and transactional messages through your email provider.")
.with_fields(COMMON)
.with_providers(&[
    SENDGRID, MAILGUN, AWS_SES, SMTP, MAILCHIMP, POSTMARK, SPARKPOST, MANDRILL,
])
.defaulting_to("smtp")
.with_specific_config(&[
    "provider",
    "from_email",
    "from_name",
    "reply_to_email",
    "smtp_host",
    "smtp_port",
    "smtp_username",
    "smtp_use_tls",
    "aws_region",
]);
