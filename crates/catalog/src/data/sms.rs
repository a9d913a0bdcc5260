//! SMS: the first document's SMS integration (Twilio, Vonage, AWS SNS, Plivo)
//! and the second document's SMS services (Twilio, Vonage, AWS SNS, MessageBird).
//! Field keys are the first document's configure-body keys; the contract makes
//! `auth_token` required, which applies to the providers that have one.

use super::{AWS_ACCESS_KEY_ID, AWS_REGION, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN};
use crate::checks::Check;
use crate::model::{Field, IntegrationType, LegacySlot, Provider, Source};

const COMMON: &[Field] = &[Field::phone("from_phone_number", "From phone number")
    .required()
    .help("The number your texts come from, bought or verified in your SMS provider's console, in international format with the country code.")
    .placeholder("+14155550123")];

const TWILIO: Provider = Provider {
    id: "twilio",
    label: "Twilio",
    description: "Cloud messaging platform for SMS and voice.",
    docs: "https://console.twilio.com/",
    source: Source::Both,
    accepts_extra_keys: false,
    fields: &[
        Field::text("account_sid", "Account SID")
            .required()
            .check(Check::TwilioAccountSid)
            .slot(LegacySlot::ApiKey)
            .help("On the Twilio Console home page under Account Info. It starts with AC.")
            .placeholder("ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        Field::secret_input("auth_token", "Auth token")
            .required()
            .check(Check::Hex(32))
            .slot(LegacySlot::SecretKey)
            .help("On the Twilio Console home page under Account Info, next to the Account SID (click Show). Also used to check that incoming webhooks come from Twilio."),
        Field::text("api_key_sid", "API key SID")
            .check(Check::TwilioApiKeySid)
            .requires("api_key_secret")
            .help("Optional: send with an API key instead of the auth token. Create one in Twilio Console → Account → API keys & tokens. It starts with SK.")
            .placeholder("SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        Field::secret_input("api_key_secret", "API key secret")
            .requires("api_key_sid")
            .help("The secret shown once when the API key was created."),
    ],
};

const VONAGE: Provider = Provider {
    id: "vonage",
    label: "Vonage (Nexmo)",
    description: "Global SMS API, formerly Nexmo.",
    docs: "https://dashboard.nexmo.com/settings",
    source: Source::Both,
    accepts_extra_keys: false,
    fields: &[
        Field::secret_input("api_key", "API key")
            .required()
            .slot(LegacySlot::ApiKey)
            .help("At the top of the Vonage API Dashboard home page (dashboard.nexmo.com).")
            .placeholder("a1b2c3d4"),
        Field::secret_input("api_secret", "API secret")
            .required()
            .slot(LegacySlot::SecretKey)
            .help("Under the API key on the Vonage API Dashboard, or in Settings → API keys."),
    ],
};

const AWS_SNS: Provider = Provider {
    id: "aws_sns",
    label: "Amazon SNS",
    description: "Amazon Simple Notification Service text messaging.",
    docs: "https://console.aws.amazon.com/sns/v3/home#/mobile/text-messaging",
    source: Source::Both,
    accepts_extra_keys: false,
    fields: &[
        AWS_REGION,
        AWS_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY,
        AWS_SESSION_TOKEN,
    ],
};

const PLIVO: Provider = Provider {
    id: "plivo",
    label: "Plivo",
    description: "Cloud communication platform for SMS and voice.",
    docs: "https://console.plivo.com/dashboard/",
    source: Source::First,
    accepts_extra_keys: false,
    fields: &[
        Field::text("account_sid", "Auth ID")
            .required()
            .check(Check::Token)
            .help("On the Plivo console dashboard under Account → Auth ID. It starts with MA (or SA for a subaccount).")
            .placeholder("MAXXXXXXXXXXXXXXXXXX"),
        Field::secret_input("auth_token", "Auth token")
            .required()
            .help("On the Plivo console dashboard next to the Auth ID."),
    ],
};

const MESSAGEBIRD: Provider = Provider {
    id: "messagebird",
    label: "MessageBird (Bird)",
    description: "Omnichannel messaging platform, now Bird.",
    docs: "https://dashboard.messagebird.com/en/developers/access",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[Field::secret_input("api_key", "Access key")
        .required()
        .slot(LegacySlot::ApiKey)
        .help("In the MessageBird dashboard → Developers → API access. Use a live key to send real messages; test keys only simulate.")],
};

pub(crate) const SMS: IntegrationType = IntegrationType {
    id: "sms",
    label: "SMS",
    description: "Send text messages through a major SMS gateway.",
    icon: "sms",
    source: Source::Both,
    fields: COMMON,
    providers: &[TWILIO, VONAGE, AWS_SNS, PLIVO, MESSAGEBIRD],
    default_provider_id: "twilio",
    specific_config_keys: &["provider", "from_phone_number", "aws_region"],
};
