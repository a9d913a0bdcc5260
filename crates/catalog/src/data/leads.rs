//! The first document's lead and conversation channels: WhatsApp Business
//! Cloud API, sign-up pages and Facebook (Lead Ads and Messenger). Each has a
//! single provider whose field keys are the configure-body keys of the contract.

use crate::checks::Check;
use crate::model::{Default, Field, IntegrationType, Provider, Source};

/// Meta access tokens (user, system-user and page tokens) all start with EAA.
const META_TOKEN: Check = Check::Prefix(&["EAA"]);

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

const SIGNUP_PROVIDER: Provider = Provider {
    id: "signup_page",
    label: "Sign-up page",
    description: "Landing pages, forms and embedded widgets that capture leads.",
    docs: "",
    source: Source::First,
    accepts_extra_keys: false,
    fields: &[
        Field::url("page_url", "Page URL")
            .help("The web address of the page that shows the sign-up form.")
            .placeholder("https://yourbrand.com/signup"),
        Field::multiline("embed_code", "Embed code")
            .help("The HTML snippet that places the form on your site, if you use an embedded widget.")
            .placeholder("<script src=\"https://forms.yourbrand.com/embed.js\" async></script>"),
        Field::url("api_endpoint", "API endpoint")
            .help("The address the form posts sign-ups to, if your form sends them by API.")
            .placeholder("https://api.yourbrand.com/signups"),
        Field::secret_input("api_key", "API key")
            .help("The key the form sends with each sign-up so the API endpoint accepts it, if it needs one."),
        Field::json("form_fields", "Form fields")
            .check(Check::SignupFormFields)
            .with_default(Default::EmptyArray)
            .help("The fields of the form as a JSON list. Each has a name and a type (text, email, phone, number, checkbox, select, textarea, hidden or date), and optionally a label, required true/false, and options for a select.")
            .placeholder("[{\"name\": \"email\", \"type\": \"email\", \"label\": \"Email\", \"required\": true}]"),
        Field::url("redirect_url", "Redirect URL")
            .check(Check::HttpsUrl)
            .help("Where people land after signing up, such as a thank-you page. Must use https.")
            .placeholder("https://yourbrand.com/thank-you"),
        Field::boolean("auto_create_contact", "Create a contact automatically")
            .with_default(Default::Bool(true))
            .help("Add everyone who signs up to your contacts."),
        Field::text("apply_tag", "Tag to apply")
            .help("Optional tag given to new contacts from this page, so you can find or segment them later.")
            .placeholder("Newsletter"),
        Field::text("trigger_campaign_id", "Campaign to start")
            .check(Check::Identifier)
            .help("Optional ID of the campaign to start for each new sign-up, such as a welcome series.")
            .placeholder("welcome-series"),
    ],
};

pub(crate) const SIGNUP_PAGE: IntegrationType = IntegrationType {
    id: "signup_page",
    label: "Sign-up page",
    description: "Capture leads from landing pages, forms and embedded widgets, with automatic contacts, tags and campaigns.",
    icon: "form",
    source: Source::First,
    fields: &[],
    providers: &[SIGNUP_PROVIDER],
    default_provider_id: "signup_page",
    specific_config_keys: &[
        "page_url",
        "api_endpoint",
        "form_fields",
        "redirect_url",
        "auto_create_contact",
        "apply_tag",
        "trigger_campaign_id",
    ],
};

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
