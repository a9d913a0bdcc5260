//! Payments: the second document's payment gateways (Stripe, PayPal, Razorpay,
//! Square, Mollie). Key prefixes are checked only where the provider fixes
//! them (Stripe, Razorpay, Mollie).

use crate::checks::Check;
use crate::model::{Field, IntegrationType, LegacySlot, Provider, SelectOption, Source};

const STRIPE_SECRET: Check = Check::Prefix(&["sk_live_", "sk_test_", "rk_live_", "rk_test_"]);

const STRIPE: Provider = Provider {
    id: "stripe",
    label: "Stripe",
    description: "Online payments, subscriptions and invoicing.",
    docs: "https://dashboard.stripe.com/apikeys",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::secret_input("api_key", "Secret key")
            .required()
            .check(STRIPE_SECRET)
            .slot(LegacySlot::ApiKey)
            .help("Find it in Stripe Dashboard → Developers → API keys. Use a restricted key (rk_…) with only the access you need, or the secret key (sk_…). Test-mode keys contain _test_.")
            .placeholder("sk_live_..."),
        Field::secret_input("secret_key", "Second (restricted) key")
            .check(STRIPE_SECRET)
            .slot(LegacySlot::SecretKey)
            .help("Optional second key, e.g. a restricted key for background jobs. Older setups stored the secret key here too.")
            .placeholder("rk_live_..."),
        Field::text("publishable_key", "Publishable key")
            .check(Check::Prefix(&["pk_live_", "pk_test_"]))
            .help("The key your website's checkout uses, next to the secret key in Developers → API keys. It is public by design.")
            .placeholder("pk_live_..."),
        Field::secret_input("webhook_secret", "Webhook signing secret")
            .check(Check::Prefix(&["whsec_"]))
            .help("Lets Switchboard check that events really come from Stripe. Find it in Developers → Webhooks → your endpoint → Signing secret (Reveal).")
            .placeholder("whsec_..."),
        Field::text("currency", "Default currency")
            .check(Check::Currency)
            .help("Three-letter code of the currency you charge in, such as usd or eur.")
            .placeholder("usd"),
    ],
};

const PAYPAL_ENVIRONMENTS: &[SelectOption] = &[
    SelectOption::new("sandbox", "Sandbox (testing)"),
    SelectOption::new("live", "Live"),
];

const PAYPAL: Provider = Provider {
    id: "paypal",
    label: "PayPal",
    description: "PayPal Checkout and payments through the REST API.",
    docs: "https://developer.paypal.com/dashboard/applications",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::text("client_id", "Client ID")
            .required()
            .check(Check::Token)
            .slot(LegacySlot::ApiKey)
            .help("In PayPal Developer Dashboard → Apps & Credentials → your app. Sandbox and Live have different credentials: switch the toggle at the top."),
        Field::secret_input("client_secret", "Client secret")
            .required()
            .slot(LegacySlot::SecretKey)
            .help("On the same app page under Secret key (click Show)."),
        Field::select("environment", "Environment", PAYPAL_ENVIRONMENTS)
            .required()
            .help("Which PayPal the credentials belong to. Sandbox credentials are rejected by Live and the other way round."),
        Field::text("webhook_id", "Webhook ID")
            .check(Check::Identifier)
            .help("Optional. Needed to verify PayPal's webhook events; shown in your app's Webhooks section after you add one.")
            .placeholder("8PT597110X687430LKGECATA"),
    ],
};

const RAZORPAY: Provider = Provider {
    id: "razorpay",
    label: "Razorpay",
    description: "Payment gateway for India.",
    docs: "https://dashboard.razorpay.com/app/website-app-settings/api-keys",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::text("key_id", "Key ID")
            .required()
            .check(Check::Prefix(&["rzp_test_", "rzp_live_"]))
            .slot(LegacySlot::ApiKey)
            .help("In Razorpay Dashboard → Account & Settings → API Keys. Test keys start with rzp_test_, live keys with rzp_live_.")
            .placeholder("rzp_live_xxxxxxxxxxxxxx"),
        Field::secret_input("key_secret", "Key secret")
            .required()
            .slot(LegacySlot::SecretKey)
            .help("Shown only once, when the key is generated. If it was lost, regenerate the key."),
        Field::secret_input("webhook_secret", "Webhook secret")
            .help("Optional. The secret you typed when adding the webhook in Razorpay → Account & Settings → Webhooks."),
    ],
};

const SQUARE_ENVIRONMENTS: &[SelectOption] = &[
    SelectOption::new("sandbox", "Sandbox (testing)"),
    SelectOption::new("production", "Production"),
];

const SQUARE: Provider = Provider {
    id: "square",
    label: "Square",
    description: "In-person and online payments by Block.",
    docs: "https://developer.squareup.com/apps",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::secret_input("access_token", "Access token")
            .required()
            .slot(LegacySlot::AccessToken)
            .help("In Square Developer Console → your application → Credentials. Sandbox and Production have separate tokens: switch at the top of the page."),
        Field::select("environment", "Environment", SQUARE_ENVIRONMENTS)
            .required()
            .help("Which Square the token belongs to."),
        Field::text("location_id", "Location ID")
            .check(Check::Identifier)
            .help("Optional: the business location payments go to. Find it in Square Dashboard → Settings → Business → Locations.")
            .placeholder("L8XXXXXXXXXXX"),
        Field::text("application_id", "Application ID")
            .check(Check::Token)
            .help("Optional. Needed for the website payment form; shown on the same Credentials page.")
            .placeholder("sq0idp-xxxxxxxxxxxxxxxxxxxxxx"),
        Field::secret_input("webhook_signature_key", "Webhook signature key")
            .help("Optional. Lets Switchboard check that events really come from Square. Find it in Developer Console → your application → Webhooks → your subscription."),
    ],
};

const MOLLIE: Provider = Provider {
    id: "mollie",
    label: "Mollie",
    description: "European payment service provider.",
    docs: "https://my.mollie.com/dashboard/developers/api-keys",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::secret_input("api_key", "API key")
            .required()
            .check(Check::Prefix(&["live_", "test_"]))
            .slot(LegacySlot::ApiKey)
            .help("In Mollie Dashboard → Developers → API keys. Live keys start with live_, test keys with test_.")
            .placeholder("live_..."),
        Field::text("profile_id", "Website profile ID")
            .check(Check::Prefix(&["pfl_"]))
            .help("Optional: the website profile payments belong to, in Mollie Dashboard → Settings → Website profiles.")
            .placeholder("pfl_xxxxxxxxxx"),
    ],
};

pub(crate) const PAYMENTS: IntegrationType = IntegrationType {
    id: "payments",
    label: "Payments",
    description: "Take payments and subscriptions through your payment gateway.",
    icon: "card",
    source: Source::Second,
    fields: &[],
    providers: &[STRIPE, PAYPAL, RAZORPAY, SQUARE, MOLLIE],
    default_provider_id: "stripe",
    specific_config_keys: &[],
};
