//! What several providers share: the AWS credentials and regions, Meta's token
//! check, and small makers for the kinds of field that recur across providers
//! (a required secret in one of the second document's columns, an OAuth client
//! pair, a digits-only ID, ...). Each maker only sets what its name says; the
//! provider adds the help text and anything else.

use crate::checks::Check;
use crate::model::{Default, Field, LegacySlot, SelectOption};

/// The placeholder of every UUID-shaped field.
pub(crate) const UUID_EXAMPLE: &str = "1a2b3c4d-1234-5678-9abc-1234567890ab";

/// The placeholder of every field of 32 hex digits.
const HEX32_EXAMPLE: &str = "0123456789abcdef0123456789abcdef";

/// An optional text field whose value must pass `check`.
pub(crate) const fn checked(key: &'static str, label: &'static str, check: Check) -> Field {
    Field::text(key, label).check(check)
}

/// An optional text field of digits only (Meta and ad-platform IDs).
pub(crate) const fn digits(key: &'static str, label: &'static str) -> Field {
    checked(key, label, Check::Digits)
}

/// An optional UUID, with the usual placeholder.
pub(crate) const fn uuid(key: &'static str, label: &'static str) -> Field {
    checked(key, label, Check::Uuid).placeholder(UUID_EXAMPLE)
}

/// An optional value of 32 hex digits, with the usual placeholder.
pub(crate) const fn hex32(key: &'static str, label: &'static str) -> Field {
    checked(key, label, Check::Hex(32)).placeholder(HEX32_EXAMPLE)
}

/// A URL that must use https.
pub(crate) const fn https_url(key: &'static str, label: &'static str) -> Field {
    Field::url(key, label).check(Check::HttpsUrl)
}

/// A select with a default choice.
pub(crate) const fn choice(
    key: &'static str,
    label: &'static str,
    options: &'static [SelectOption],
    default: &'static str,
) -> Field {
    Field::select(key, label, options).with_default(Default::Str(default))
}

/// A yes/no switch with a default.
pub(crate) const fn flag(key: &'static str, label: &'static str, default: bool) -> Field {
    Field::boolean(key, label).with_default(Default::Bool(default))
}

/// The public half of a credential pair (an access key ID, a client ID), kept
/// in the second document's api_key column.
pub(crate) const fn key_id(key: &'static str, label: &'static str, check: Check) -> Field {
    checked(key, label, check)
        .required()
        .slot(LegacySlot::ApiKey)
}

/// A required secret kept in one of the second document's columns.
pub(crate) const fn column_secret(
    key: &'static str,
    label: &'static str,
    slot: LegacySlot,
) -> Field {
    Field::secret_input(key, label).required().slot(slot)
}

/// The usual required `api_key` secret, in the api_key column.
pub(crate) const fn api_key(label: &'static str) -> Field {
    column_secret("api_key", label, LegacySlot::ApiKey)
}

/// A required `access_token` secret, in the access_token column.
pub(crate) const fn access_token(label: &'static str) -> Field {
    column_secret("access_token", label, LegacySlot::AccessToken)
}

/// An OAuth app's `client_id`, in the api_key column.
pub(crate) const fn client_id(label: &'static str, check: Check) -> Field {
    key_id("client_id", label, check)
}

/// An OAuth app's `client_secret`, in the secret_key column.
pub(crate) const fn client_secret(label: &'static str) -> Field {
    column_secret("client_secret", label, LegacySlot::SecretKey)
}

/// The permissions a sign-in asks for, with the provider's usual ones as default.
pub(crate) const fn scopes(label: &'static str, default: &'static str) -> Field {
    Field::text("scopes", label).with_default(Default::Str(default))
}

/// A required bucket (or Space) name.
pub(crate) const fn bucket(label: &'static str) -> Field {
    checked("bucket", label, Check::BucketName)
        .required()
        .placeholder("yourbrand-assets")
}

/// A Meta app's numeric ID, as shown at the top of its dashboard.
pub(crate) const fn meta_app_id(key: &'static str) -> Field {
    digits(key, "App ID")
        .required()
        .placeholder("1234567890123456")
}

/// A Meta app's secret (App settings → Basic).
pub(crate) const fn meta_app_secret(key: &'static str) -> Field {
    Field::secret_input(key, "App secret").check(Check::Hex(32))
}

/// A Meta access token (user, system-user or page token).
pub(crate) const fn meta_token(key: &'static str, label: &'static str) -> Field {
    Field::secret_input(key, label).check(META_TOKEN)
}

/// The made-up password a Meta webhook is confirmed with.
pub(crate) const fn webhook_verify_token() -> Field {
    Field::secret_input("webhook_verify_token", "Webhook verify token")
}

/// Meta access tokens (user, system-user and page tokens) all start with EAA.
const META_TOKEN: Check = Check::Prefix(&["EAA"]);

/// AWS commercial regions, shared by SES, SNS and S3.
const AWS_REGIONS: &[SelectOption] = &[
    SelectOption::new("us-east-1", "US East (N. Virginia) — us-east-1"),
    SelectOption::new("us-east-2", "US East (Ohio) — us-east-2"),
    SelectOption::new("us-west-1", "US West (N. California) — us-west-1"),
    SelectOption::new("us-west-2", "US West (Oregon) — us-west-2"),
    SelectOption::new("ca-central-1", "Canada (Central) — ca-central-1"),
    SelectOption::new("sa-east-1", "South America (São Paulo) — sa-east-1"),
    SelectOption::new("eu-west-1", "Europe (Ireland) — eu-west-1"),
    SelectOption::new("eu-west-2", "Europe (London) — eu-west-2"),
    SelectOption::new("eu-west-3", "Europe (Paris) — eu-west-3"),
    SelectOption::new("eu-central-1", "Europe (Frankfurt) — eu-central-1"),
    SelectOption::new("eu-central-2", "Europe (Zurich) — eu-central-2"),
    SelectOption::new("eu-north-1", "Europe (Stockholm) — eu-north-1"),
    SelectOption::new("eu-south-1", "Europe (Milan) — eu-south-1"),
    SelectOption::new("eu-south-2", "Europe (Spain) — eu-south-2"),
    SelectOption::new("il-central-1", "Israel (Tel Aviv) — il-central-1"),
    SelectOption::new("me-south-1", "Middle East (Bahrain) — me-south-1"),
    SelectOption::new("me-central-1", "Middle East (UAE) — me-central-1"),
    SelectOption::new("af-south-1", "Africa (Cape Town) — af-south-1"),
    SelectOption::new("ap-east-1", "Asia Pacific (Hong Kong) — ap-east-1"),
    SelectOption::new("ap-south-1", "Asia Pacific (Mumbai) — ap-south-1"),
    SelectOption::new("ap-south-2", "Asia Pacific (Hyderabad) — ap-south-2"),
    SelectOption::new("ap-northeast-1", "Asia Pacific (Tokyo) — ap-northeast-1"),
    SelectOption::new("ap-northeast-2", "Asia Pacific (Seoul) — ap-northeast-2"),
    SelectOption::new("ap-northeast-3", "Asia Pacific (Osaka) — ap-northeast-3"),
    SelectOption::new(
        "ap-southeast-1",
        "Asia Pacific (Singapore) — ap-southeast-1",
    ),
    SelectOption::new("ap-southeast-2", "Asia Pacific (Sydney) — ap-southeast-2"),
    SelectOption::new("ap-southeast-3", "Asia Pacific (Jakarta) — ap-southeast-3"),
    SelectOption::new(
        "ap-southeast-4",
        "Asia Pacific (Melbourne) — ap-southeast-4",
    ),
];

pub(crate) const AWS_REGION: Field = Field::select("aws_region", "AWS region", AWS_REGIONS)
    .required()
    .help("The region you set this service up in, e.g. us-east-1. It is shown at the top right of the AWS console next to your account name.");

pub(crate) const AWS_ACCESS_KEY_ID: Field = Field::text("aws_access_key_id", "Access key ID")
    .required()
    .check(Check::AwsAccessKeyId)
    .slot(LegacySlot::ApiKey)
    .help("In the AWS console open IAM → Users → the user for Switchboard → Security credentials → Create access key. Give that user only the permissions this service needs.")
    .placeholder("AKIAIOSFODNN7EXAMPLE");

pub(crate) const AWS_SECRET_ACCESS_KEY: Field =
    Field::secret_input("aws_secret_access_key", "Secret access key")
        .required()
        .check(Check::AwsSecretAccessKey)
        .slot(LegacySlot::SecretKey)
        .help("Shown once, next to the access key ID, when the key is created. If it was lost, create a new access key.")
        .placeholder("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");

pub(crate) const AWS_SESSION_TOKEN: Field =
    Field::secret_input("aws_session_token", "Session token")
        .slot(LegacySlot::AccessToken)
        .help("Only for temporary credentials (access key IDs starting with ASIA). Leave empty for a normal IAM user key; temporary keys stop working when they expire.");

/// The whole form of an AWS service that needs only a region and credentials (SES, SNS).
pub(crate) const AWS_FIELDS: &[Field] = &[
    AWS_REGION,
    AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY,
    AWS_SESSION_TOKEN,
];
