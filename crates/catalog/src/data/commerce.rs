//! Payments: the second document's payment gateways (Stripe, PayPal, Razorpay,
//! Square, Mollie). Key prefixes are checked only where the provider fixes
//! them (Stripe, Razorpay, Mollie).

use super::shared::{
    access_token, api_key, checked, client_id, client_secret, column_secret, key_id,
};
use crate::checks::Check;
use crate::model::{Field, IntegrationType, LegacySlot, Provider, SelectOption, Source};

const STRIPE_SECRET: Check = Check::Prefix(&["sk_live_", "sk_test_", "rk_live_", "rk_test_"]);

const STRIPE: Provider = Provider::new("stripe", "Stripe", Source::Second)
    .about("Online payments, subscriptions and invoicing.")
    .docs_at("https://dashboard.stripe.com/apikeys")
    .with_fields(&[
        api_key("Secret key")
            .check(STRIPE_SECRET)
            .help("Find it in Stripe Dashboard → Developers → API keys. Use a restricted key (rk_…) with only the access you need, or the secret key (sk_…). Test-mode keys contain _test_.")
            .placeholder("sk_live_..."),
        Field::secret_input("secret_key", "Second (restricted) key")
            .check(STRIPE_SECRET)
            .slot(LegacySlot::SecretKey)
            .help("Optional second key, e.g. a restricted key for background jobs. Older setups stored the secret key here too.")
            .placeholder("rk_live_..."),
        checked("publishable_key", "Publishable key", Check::Prefix(&["pk_live_", "pk_test_"]))
            .help("The key your website's checkout uses, next to the secret key in Developers → API keys. It is public by design.")
            .placeholder("pk_live_..."),
        Field::secret_input("webhook_secret", "Webhook signing secret")
            .check(Check::Prefix(&["whsec_"]))
            .help("Lets Switchboard check that events really come from Stripe. Find it in Developers → Webhooks → your endpoint → Signing secret (Reveal).")
            .placeholder("whsec_..."),
        checked("currency", "Default currency", Check::Currency)
            .help("Three-letter code of the currency you charge in, such as usd or eur.")
            .placeholder("usd"),
    ]);

const PAYPAL_ENVIRONMENTS: &[SelectOption] = &[
    SelectOption::new("sandbox", "Sandbox (testing)"),
    SelectOption::new("live", "Live"),
];

const PAYPAL: Provider = Provider::new("paypal", "PayPal", Source::Second)
    .about("PayPal Checkout and payments through the REST API.")
    .docs_at("https://developer.paypal.com/dashboard/applications")
    .with_fields(&[
        client_id("Client ID", Check::Token)
            .help("In PayPal Developer Dashboard → Apps & Credentials → your app. Sandbox and Live have different credentials: switch the toggle at the top."),
        client_secret("Client secret")
            .help("On the same app page under Secret key (click Show)."),
        Field::select("environment", "Environment", PAYPAL_ENVIRONMENTS)
            .required()
            .help("Which PayPal the credentials belong to. Sandbox credentials are rejected by Live and the other way round."),
        checked("webhook_id", "Webhook ID", Check::Identifier)
            .help("Optional. Needed to verify PayPal's webhook events; shown in your app's Webhooks section after you add one.")
            .placeholder("8PT597110X687430LKGECATA"),
    ]);

const RAZORPAY: Provider = Provider::new("razorpay", "Razorpay", Source::Second)
    .about("Payment gateway for India.")
    .docs_at("https://dashboard.razorpay.com/app/website-app-settings/api-keys")
    .with_fields(&[
        key_id("key_id", "Key ID", Check::Prefix(&["rzp_test_", "rzp_live_"]))
            .help("In Razorpay Dashboard → Account & Settings → API Keys. Test keys start with rzp_test_, live keys with rzp_live_.")
            .placeholder("rzp_live_xxxxxxxxxxxxxx"),
        column_secret("key_secret", "Key secret", LegacySlot::SecretKey)
            .help("Shown only once, when the key is generated. If it was lost, regenerate the key."),
        Field::secret_input("webhook_secret", "Webhook secret")
            .help("Optional. The secret you typed when adding the webhook in Razorpay → Account & Settings → Webhooks."),
    ]);

const SQUARE_ENVIRONMENTS: &[SelectOption] = &[
    SelectOption::new("sandbox", "Sandbox (testing)"),
    SelectOption::new("production", "Production"),
];

const SQUARE: Provider = Provider::new("square", "Square", Source::Second)
    .about("In-person and online payments by Block.")
    .docs_at("https://developer.squareup.com/apps")
    .with_fields(&[
        access_token("Access token")
            .help("In Square Developer Console → your application → Credentials. Sandbox and Production have separate tokens: switch at the top of the page."),
        Field::select("environment", "Environment", SQUARE_ENVIRONMENTS)
            .required()
            .help("Which Square the token belongs to."),
        checked("location_id", "Location ID", Check::Identifier)
            .help("Optional: the business location payments go to. Find it in Square Dashboard → Settings → Business → Locations.")
            .placeholder("L8XXXXXXXXXXX"),
        checked("application_id", "Application ID", Check::Token)
            .help("Optional. Needed for the website payment form; shown on the same Credentials page.")
            .placeholder("sq0idp-xxxxxxxxxxxxxxxxxxxxxx"),
        Field::secret_input("webhook_signature_key", "Webhook signature key")
            .help("Optional. Lets Switchboard check that events really come from Square. Find it in Developer Console → your application → Webhooks → your subscription."),
    ]);

const MOLLIE: Provider = Provider::new("mollie", "Mollie", Source::Second)
    .about("European payment service provider.")
    .docs_at("https://my.mollie.com/dashboard/developers/api-keys")
    .with_fields(&[
        api_key("API key")
            .check(Check::Prefix(&["live_", "test_"]))
            .help("In Mollie Dashboard → Developers → API keys. Live keys start with live_, test keys with test_.")
            .placeholder("live_..."),
        checked("profile_id", "Website profile ID", Check::Prefix(&["pfl_"]))
            .help("Optional: the website profile payments belong to, in Mollie Dashboard → Settings → Website profiles.")
            .placeholder("pfl_xxxxxxxxxx"),
    ]);

pub(crate) const PAYMENTS: IntegrationType =
    IntegrationType::new("payments", "Payments", "card", Source::Second)
        .about("Take payments and subscriptions through your payment gateway.")
        .with_providers(&[STRIPE, PAYPAL, RAZORPAY, SQUARE, MOLLIE]);
