//! Social login: the OAuth apps of the second document (Google, Facebook,
//! GitHub, LinkedIn, Twitter/X). The redirect URI is common to all of them;
//! the app's id goes in the second document's api_key slot and its secret in
//! the secret_key slot.

use super::shared::{
    api_key, client_id, client_secret, column_secret, https_url, meta_app_id, meta_app_secret,
    scopes,
};
use crate::checks::Check;
use crate::model::{Field, IntegrationType, LegacySlot, Provider, Source};

const COMMON: &[Field] = &[https_url("redirect_uri", "Redirect URI")
    .help("The address people return to after signing in. It must match, character for character, one of the redirect URIs allowed in the provider's app settings.")
    .placeholder("https://yourbrand.com/auth/callback")];

const GOOGLE_OAUTH: Provider = Provider::new("google_oauth", "Google", Source::Second)
    .about("Sign in with Google.")
    .docs_at("https://console.cloud.google.com/apis/credentials")
    .with_fields(&[
        client_id("Client ID", Check::Suffix(&[".apps.googleusercontent.com"]))
            .help("Google Cloud console → APIs & Services → Credentials → your OAuth 2.0 Client ID (type Web application).")
            .placeholder("1234567890-abc123def456.apps.googleusercontent.com"),
        client_secret("Client secret")
            .help("On the same OAuth client's page, under Client secrets.")
            .placeholder("GOCSPX-..."),
        scopes("Scopes", "openid email profile")
            .help("What the sign-in asks permission for, separated by spaces. The default is enough to sign people in."),
    ]);

const FACEBOOK_OAUTH: Provider = Provider::new("facebook_oauth", "Facebook", Source::Second)
    .about("Facebook Login.")
    .docs_at("https://developers.facebook.com/apps/")
    .with_fields(&[
        meta_app_id("client_id")
            .slot(LegacySlot::ApiKey)
            .help("Meta for Developers → My Apps → your app, at the top of the dashboard."),
        meta_app_secret("client_secret")
            .required()
            .slot(LegacySlot::SecretKey)
            .help(
                "Meta for Developers → your app → App settings → Basic → App secret (click Show).",
            ),
        scopes("Permissions", "email,public_profile")
            .help("The permissions Facebook Login asks for, separated by commas."),
    ]);

const GITHUB_OAUTH: Provider = Provider::new("github_oauth", "GitHub", Source::Second)
    .about("Sign in with GitHub.")
    .docs_at("https://github.com/settings/developers")
    .with_fields(&[
        client_id("Client ID", Check::Token)
            .help("GitHub → Settings → Developer settings → OAuth Apps → your app (for an organization: the organization's settings).")
            .placeholder("Ov23liXXXXXXXXXXXXXX"),
        client_secret("Client secret")
            .help("On the same app page → Generate a new client secret. GitHub shows it only once."),
        scopes("Scopes", "read:user user:email")
            .help("What the sign-in asks permission for, separated by spaces."),
    ]);

const LINKEDIN_OAUTH: Provider = Provider::new("linkedin_oauth", "LinkedIn", Source::Second)
    .about("Sign in with LinkedIn.")
    .docs_at("https://www.linkedin.com/developers/apps")
    .with_fields(&[
        client_id("Client ID", Check::Token)
            .help("LinkedIn Developers → My apps → your app → Auth → Application credentials.")
            .placeholder("86xxxxxxxxxxxx"),
        client_secret("Primary client secret")
            .help("On the same Auth tab, next to the Client ID."),
        scopes("Scopes", "openid profile email")
            .help("What the sign-in asks permission for, separated by spaces. The app needs the Sign In with LinkedIn using OpenID Connect product."),
    ]);

const TWITTER_OAUTH: Provider = Provider::new("twitter_oauth", "Twitter / X", Source::Second)
    .about("Sign in with X (formerly Twitter).")
    .docs_at("https://developer.x.com/en/portal/dashboard")
    .with_fields(&[
        api_key("API key (consumer key)")
            .help("X Developer Portal → Projects & Apps → your app → Keys and tokens → Consumer Keys → API Key."),
        column_secret("api_secret", "API key secret", LegacySlot::SecretKey)
            .help("Shown with the API key when it is generated or regenerated on the same Keys and tokens page."),
    ]);

pub(crate) const SOCIAL_AUTH: IntegrationType =
    IntegrationType::new("social_auth", "Social login", "key", Source::Second)
        .about("Let people sign in to your website with an account they already have.")
        .with_fields(COMMON)
        .with_providers(&[
            GOOGLE_OAUTH,
            FACEBOOK_OAUTH,
            GITHUB_OAUTH,
            LINKEDIN_OAUTH,
            TWITTER_OAUTH,
        ]);
