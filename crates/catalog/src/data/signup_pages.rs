//! Sign-up pages: the first document's landing pages, forms and embedded
//! widgets that capture leads, a single provider whose field keys are the
//! configure-body keys of the contract.

use super::shared::{checked, flag, https_url};
use crate::checks::Check;
use crate::model::{Default, Field, IntegrationType, Provider, Source};

const SIGNUP_PROVIDER: Provider = Provider::new("signup_page", "Sign-up page", Source::First)
    .about("Landing pages, forms and embedded widgets that capture leads.")
    .with_fields(&[
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
        https_url("redirect_url", "Redirect URL")
            .help("Where people land after signing up, such as a thank-you page. Must use https.")
            .placeholder("https://yourbrand.com/thank-you"),
        flag("auto_create_contact", "Create a contact automatically", true)
            .help("Add everyone who signs up to your contacts."),
        Field::text("apply_tag", "Tag to apply")
            .help("Optional tag given to new contacts from this page, so you can find or segment them later.")
            .placeholder("Newsletter"),
        checked("trigger_campaign_id", "Campaign to start", Check::Identifier)
            .help("Optional ID of the campaign to start for each new sign-up, such as a welcome series.")
            .placeholder("welcome-series"),
        https_url("forward_url", "Forward leads to")
            .requires("forward_secret")
            .help("Optional: an https address that receives each new lead as JSON, signed with the forwarding secret (header X-Switchboard-Signature). A delivery that fails is tried again with growing waits.")
            .placeholder("https://crm.yourbrand.com/hooks/leads"),
        Field::secret_input("forward_secret", "Forwarding secret")
            .requires("forward_url")
            .help("Signs each forwarded lead, so the address above can tell it comes from Switchboard. Needed when leads are forwarded."),
    ]);

pub(crate) const SIGNUP_PAGE: IntegrationType = IntegrationType::new("signup_page", "Sign-up page", "form", Source::First)
    .about("Capture leads from landing pages, forms and embedded widgets, with automatic contacts, tags and campaigns.")
    .with_providers(&[SIGNUP_PROVIDER])
    .with_specific_config(&[
        "page_url",
        "api_endpoint",
        "form_fields",
        "redirect_url",
        "auto_create_contact",
        "apply_tag",
        "trigger_campaign_id",
        "forward_url",
    ]);
