//! Social login: the OAuth apps of the second document (Google, Facebook,
//! GitHub, LinkedIn, Twitter/X). The redirect URI is common to all of them;
//! the app's id goes in the second document's api_key slot and its secret in
//! the secret_key slot.

use crate::checks::Check;
use crate::model::{Default, Field, IntegrationType, LegacySlot, Provider, Source};

const COMMON: &[Field] = &[Field::url("redirect_uri", "Redirect URI")
    .check(Check::HttpsUrl)
    .help("The address people return to after signing in. It must match, character for character, one of the redirect URIs allowed in the provider's app settings.")
    .placeholder("https://yourbrand.com/auth/callback")];

const GOOGLE_OAUTH: Provider = Provider {
    id: "google_oauth",
    label: "Google",
    description: "Sign in with Google.",
    docs: "https://console.cloud.google.com/apis/credentials",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::text("client_id", "Client ID")
            .required()
            .check(Check::Suffix(&[".apps.googleusercontent.com"]))
            .slot(LegacySlot::ApiKey)
            .help("Google Cloud console → APIs & Services → Credentials → your OAuth 2.0 Client ID (type Web application).")
            .placeholder("1234567890-abc123def456.apps.googleusercontent.com"),
        Field::secret_input("client_secret", "Client secret")
            .required()
            .slot(LegacySlot::SecretKey)
            .help("On the same OAuth client's page, under Client secrets.")
            .placeholder("GOCSPX-..."),
        Field::text("scopes", "Scopes")
            .with_default(Default::Str("openid email profile"))
            .help("What the sign-in asks permission for, separated by spaces. The default is enough to sign people in."),
    ],
};

const FACEBOOK_OAUTH: Provider = Provider {
    id: "facebook_oauth",
    label: "Facebook",
    description: "Facebook Login.",
    docs: "https://developers.facebook.com/apps/",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::text("client_id", "App ID")
            .required()
            .check(Check::Digits)
            .slot(LegacySlot::ApiKey)
            .help("Meta for Developers → My Apps → your app, at the top of the dashboard.")
            .placeholder("1234567890123456"),
        Field::secret_input("client_secret", "App secret")
            .required()
            .check(Check::Hex(32))
            .slot(LegacySlot::SecretKey)
            .help(
                "Meta for Developers → your app → App settings → Basic → App secret (click Show).",
            ),
        Field::text("scopes", "Permissions")
            .with_default(Default::Str("email,public_profile"))
            .help("The permissions Facebook Login asks for, separated by commas."),
    ],
};

const GITHUB_OAUTH: Provider = Provider {
    id: "github_oauth",
    label: "GitHub",
    description: "Sign in with GitHub.",
    docs: "https://github.com/settings/developers",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::text("client_id", "Client ID")
            .required()
            .check(Check::Token)
            .slot(LegacySlot::ApiKey)
            .help("GitHub → Settings → Developer settings → OAuth Apps → your app (for an organization: the organization's settings).")
            .placeholder("Ov23liXXXXXXXXXXXXXX"),
        Field::secret_input("client_secret", "Client secret")
            .required()
            .slot(LegacySlot::SecretKey)
            .help("On the same app page → Generate a new client secret. GitHub shows it only once."),
        Field::text("scopes", "Scopes")
            .with_default(Default::Str("read:user user:email"))
            .help("What the sign-in asks permission for, separated by spaces."),
    ],
};

const LINKEDIN_OAUTH: Provider = Provider {
    id: "linkedin_oauth",
    label: "LinkedIn",
    description: "Sign in with LinkedIn.",
    docs: "https://www.linkedin.com/developers/apps",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::text("client_id", "Client ID")
            .required()
            .check(Check::Token)
            .slot(LegacySlot::ApiKey)
            .help("LinkedIn Developers → My apps → your app → Auth → Application credentials.")
            .placeholder("86xxxxxxxxxxxx"),
        Field::secret_input("client_secret", "Primary client secret")
            .required()
            .slot(LegacySlot::SecretKey)
            .help("On the same Auth tab, next to the Client ID."),
        Field::text("scopes", "Scopes")
            .with_default(Default::Str("openid profile email"))
            .help("What the sign-in asks permission for, separated by spaces. The app needs the Sign In with LinkedIn using OpenID Connect product."),
    ],
};

const TWITTER_OAUTH: Provider = Provider {
    id: "twitter_oauth",
    label: "Twitter / X",
    description: "Sign in with X (formerly Twitter).",
    docs: "https://developer.x.com/en/portal/dashboard",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::secret_input("api_key", "API key (consumer key)")
            .required()
            .slot(LegacySlot::ApiKey)
            .help("X Developer Portal → Projects & Apps → your app → Keys and tokens → Consumer Keys → API Key."),
        Field::secret_input("api_secret", "API key secret")
            .required()
            .slot(LegacySlot::SecretKey)
            .help("Shown with the API key when it is generated or regenerated on the same Keys and tokens page."),
    ],
};

pub(crate) const SOCIAL_AUTH: IntegrationType = IntegrationType {
    id: "social_auth",
    label: "Social login",
    description: "Let people sign in to your website with an account they already have.",
    icon: "key",
    source: Source::Second,
    fields: COMMON,
    providers: &[
        GOOGLE_OAUTH,
        FACEBOOK_OAUTH,
        GITHUB_OAUTH,
        LINKEDIN_OAUTH,
        TWITTER_OAUTH,
    ],
    default_provider_id: "google_oauth",
    specific_config_keys: &[],
};
