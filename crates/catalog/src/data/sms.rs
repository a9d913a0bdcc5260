//! SMS: the first document's SMS integration (Twilio, Vonage, AWS SNS, Plivo)
//! and the second document's SMS services (Twilio, Vonage, AWS SNS, MessageBird).
//! Field keys are the first document's configure-body keys; the contract makes
//! `auth_token` required, which applies to the providers that have one.

use super::shared::{api_key, checked, column_secret, key_id, AWS_FIELDS};
use crate::checks::Check;
use crate::model::{Field, IntegrationType, LegacySlot, Provider, Source};

const COMMON: &[Field] = &[Field::phone("from_phone_number", "From phone number")
    .required()
    .help("The number your texts come from, bought or verified in your SMS provider's console, in international format with the country code.")
    .placeholder("+14155550123")];

const TWILIO: Provider = Provider::new("twilio", "Twilio", Source::Both)
    .about("Cloud messaging platform for SMS and voice.")
    .docs_at("https://console.twilio.com/")
    .with_fields(&[
        key_id("account_sid", "Account SID", Check::TwilioAccountSid)
            .help("On the Twilio Console home page under Account Info. It starts with AC.")
            .placeholder("ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        column_secret("auth_token", "Auth token", LegacySlot::SecretKey)
            .check(Check::Hex(32))
            .help("On the Twilio Console home page under Account Info, next to the Account SID (click Show). Also used to check that incoming webhooks come from Twilio."),
        checked("api_key_sid", "API key SID", Check::TwilioApiKeySid)
            .requires("api_key_secret")
            .help("Optional: send with an API key instead of the auth token. Create one in Twilio Console → Account → API keys & tokens. It starts with SK.")
            .placeholder("SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        Field::secret_input("api_key_secret", "API key secret")
            .requires("api_key_sid")
            .help("The secret shown once when the API key was created."),
    ]);

const VONAGE: Provider = Provider::new("vonage", "Vonage (Nexmo)", Source::Both)
    .about("Global SMS API, formerly Nexmo.")
    .docs_at("https://dashboard.nexmo.com/settings")
    .with_fields(&[
        api_key("API key")
            .help("At the top of the Vonage API Dashboard home page (dashboard.nexmo.com).")
            .placeholder("a1b2c3d4"),
        column_secret("api_secret", "API secret", LegacySlot::SecretKey)
            .help("Under the API key on the Vonage API Dashboard, or in Settings → API keys."),
    ]);

const AWS_SNS: Provider = Provider::new("aws_sns", "Amazon SNS", Source::Both)
    .about("Amazon Simple Notification Service text messaging.")
    .docs_at("https://console.aws.amazon.com/sns/v3/home#/mobile/text-messaging")
    .with_fields(AWS_FIELDS);

const PLIVO: Provider = Provider::new("plivo", "Plivo", Source::First)
    .about("Cloud communication platform for SMS and voice.")
    .docs_at("https://console.plivo.com/dashboard/")
    .with_fields(&[
        checked("account_sid", "Auth ID", Check::Token)
            .required()
            .help("On the Plivo console dashboard under Account → Auth ID. It starts with MA (or SA for a subaccount).")
            .placeholder("MAXXXXXXXXXXXXXXXXXX"),
        Field::secret_input("auth_token", "Auth token")
            .required()
            .help("On the Plivo console dashboard next to the Auth ID."),
    ]);

const MESSAGEBIRD: Provider = Provider::new("messagebird", "MessageBird (Bird)", Source::Second)
    .about("Omnichannel messaging platform, now Bird.")
    .docs_at("https://dashboard.messagebird.com/en/developers/access")
    .with_fields(&[api_key("Access key")
        .help("In the MessageBird dashboard → Developers → API access. Use a live key to send real messages; test keys only simulate.")]);

pub(crate) const SMS: IntegrationType = IntegrationType::new("sms", "SMS", "sms", Source::Both)
    .about("Send text messages through a major SMS gateway.")
    .with_fields(COMMON)
    .with_providers(&[TWILIO, VONAGE, AWS_SNS, PLIVO, MESSAGEBIRD])
    .with_specific_config(&["provider", "from_phone_number", "aws_region"]);
