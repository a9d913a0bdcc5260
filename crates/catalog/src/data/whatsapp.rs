//! WhatsApp: the first document's WhatsApp Business Cloud API integration, a
//! single provider whose field keys are the configure-body keys of the contract.

use super::shared::{digits, https_url, meta_app_secret, meta_token, webhook_verify_token};
use crate::model::{IntegrationType, Provider, Source};

const WHATSAPP_PROVIDER: Provider = Provider::new("whatsapp", "WhatsApp Business Cloud API", Source::First)
    .about("Meta's hosted WhatsApp Business Platform.")
    .docs_at("https://developers.facebook.com/apps/")
    .with_fields(&[
        digits("phone_number_id", "Phone number ID")
            .required()
            .help("In Meta for Developers → your app → WhatsApp → API Setup, under the sending number. It is a number ID, not the phone number itself.")
            .placeholder("106540352242922"),
        digits("business_account_id", "WhatsApp Business Account ID")
            .required()
            .help("On the same API Setup page, or in Meta Business Suite → Settings → WhatsApp accounts.")
            .placeholder("102290129340398"),
        meta_token("access_token", "Access token")
            .required()
            .help("Use a permanent system-user token: Meta Business Suite → Settings → System users → Generate new token, with whatsapp_business_messaging and whatsapp_business_management. The temporary token on API Setup expires after 24 hours.")
            .placeholder("EAAG..."),
        webhook_verify_token()
            .help("A password you make up. Enter the same text in Meta → WhatsApp → Configuration → Webhook so Meta can confirm the webhook is yours."),
        https_url("webhook_url", "Webhook URL")
            .help("The https address Meta sends incoming messages and delivery updates to. Paste it in Meta → WhatsApp → Configuration → Webhook.")
            .placeholder("https://hooks.yourbrand.com/whatsapp"),
        meta_app_secret("app_secret")
            .help("Optional. Lets Switchboard check that webhook calls really come from Meta. Find it in Meta for Developers → your app → App settings → Basic → App secret."),
    ]);

pub(crate) const WHATSAPP: IntegrationType = IntegrationType::new("whatsapp", "WhatsApp", "chat", Source::First)
    .about("Send order confirmations, reminders, support and opted-in marketing messages through the WhatsApp Business API.")
    .with_providers(&[WHATSAPP_PROVIDER])
    .with_specific_config(&["phone_number_id", "business_account_id", "webhook_url"]);
