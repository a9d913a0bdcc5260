//! WhatsApp: the first document's WhatsApp Business Cloud API integration, a
//! single provider whose field keys are the configure-body keys of the contract.

use super::META_TOKEN;
use crate::checks::Check;
use crate::model::{Field, IntegrationType, Provider, Source};

const WHATSAPP_PROVIDER: Provider = Provider {
    id: "whatsapp",
    label: "WhatsApp Business Cloud API",
    description: "Meta's hosted WhatsApp Business Platform.",
    docs: "https://developers.facebook.com/apps/",
    source: Source::First,
    accepts_extra_keys: false,
    fields: &[
        Field::text("phone_number_id", "Phone number ID")
            .required()
            .check(Check::Digits)
            .help("In Meta for Developers → your app → WhatsApp → API Setup, under the sending number. It is a number ID, not the phone number itself.")
            .placeholder("106540352242922"),
        Field::text("business_account_id", "WhatsApp Business Account ID")
            .required()
            .check(Check::Digits)
            .help("On the same API Setup page, or in Meta Business Suite → Settings → WhatsApp accounts.")
            .placeholder("102290129340398"),
        Field::secret_input("access_token", "Access token")
            .required()
            .check(META_TOKEN)
            .help("Use a permanent system-user token: Meta Business Suite → Settings → System users → Generate new token, with whatsapp_business_messaging and whatsapp_business_management. The temporary token on API Setup expires after 24 hours.")
            .placeholder("EAAG..."),
        Field::secret_input("webhook_verify_token", "Webhook verify token")
            .help("A password you make up. Enter the same text in Meta → WhatsApp → Configuration → Webhook so Meta can confirm the webhook is yours."),
        Field::url("webhook_url", "Webhook URL")
            .check(Check::HttpsUrl)
            .help("The https address Meta sends incoming messages and delivery updates to. Paste it in Meta → WhatsApp → Configuration → Webhook.")
            .placeholder("https://hooks.yourbrand.com/whatsapp"),
        Field::secret_input("app_secret", "App secret")
            .check(Check::Hex(32))
            .help("Optional. Lets Switchboard check that webhook calls really come from Meta. Find it in Meta for Developers → your app → App settings → Basic → App secret."),
    ],
};

pub(crate) const WHATSAPP: IntegrationType = IntegrationType {
    id: "whatsapp",
    label: "WhatsApp",
    description: "Send order confirmations, reminders, support and opted-in marketing messages through the WhatsApp Business API.",
    icon: "chat",
    source: Source::First,
    fields: &[],
    providers: &[WHATSAPP_PROVIDER],
    default_provider_id: "whatsapp",
    specific_config_keys: &["phone_number_id", "business_account_id", "webhook_url"],
};
