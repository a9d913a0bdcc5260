//! The catalog's data: one module per family of integration types, and the
//! fields several providers share (AWS credentials and regions). Adding a
//! provider is adding one `Provider` entry to the right module.

mod cloud;
mod commerce;
mod email;
mod engagement;
mod facebook;
mod identity;
mod services;
mod signup_pages;
mod sms;
mod whatsapp;

use crate::checks::Check;
use crate::model::{Field, IntegrationType, LegacySlot, SelectOption};

/// Every type in display order: the first document's five, then the second
/// document's categories, `custom` last.
pub(crate) static TYPES: &[IntegrationType] = &[
    email::EMAIL,
    whatsapp::WHATSAPP,
    sms::SMS,
    signup_pages::SIGNUP_PAGE,
    facebook::FACEBOOK,
    commerce::PAYMENTS,
    cloud::STORAGE,
    cloud::CDN,
    identity::SOCIAL_AUTH,
    engagement::ANALYTICS,
    engagement::COMMUNICATION,
    services::DOCUMENTS,
    services::AI,
    services::AUTOMATION,
    services::CUSTOM,
];

/// Meta access tokens (user, system-user and page tokens) all start with EAA.
pub(crate) const META_TOKEN: Check = Check::Prefix(&["EAA"]);

/// AWS commercial regions, shared by SES, SNS and S3.
pub(crate) const AWS_REGIONS: &[SelectOption] = &[
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
