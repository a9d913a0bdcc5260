//! File storage (S3, DigitalOcean Spaces, Google Cloud Storage, Azure Blob) and
//! CDNs (Cloudflare, CloudFront, Fastly) from the second document.

use super::shared::{
    bucket, checked, column_secret, hex32, https_url, key_id, AWS_ACCESS_KEY_ID, AWS_REGION,
    AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
};
use crate::checks::Check;
use crate::model::{Field, IntegrationType, LegacySlot, Provider, SelectOption, Source};

const AWS_S3: Provider = Provider::new("aws_s3", "Amazon S3", Source::Second)
    .about("Amazon Simple Storage Service buckets.")
    .docs_at("https://s3.console.aws.amazon.com/s3/buckets")
    .with_fields(&[
        AWS_REGION,
        AWS_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY,
        AWS_SESSION_TOKEN,
        bucket("Bucket name")
            .help("The bucket's name as listed in the S3 console, without s3:// or a folder."),
    ]);

const SPACES_REGIONS: &[SelectOption] = &[
    SelectOption::new("nyc3", "New York 3 — nyc3"),
    SelectOption::new("sfo2", "San Francisco 2 — sfo2"),
    SelectOption::new("sfo3", "San Francisco 3 — sfo3"),
    SelectOption::new("ams3", "Amsterdam 3 — ams3"),
    SelectOption::new("fra1", "Frankfurt 1 — fra1"),
    SelectOption::new("lon1", "London 1 — lon1"),
    SelectOption::new("sgp1", "Singapore 1 — sgp1"),
    SelectOption::new("blr1", "Bangalore 1 — blr1"),
    SelectOption::new("syd1", "Sydney 1 — syd1"),
    SelectOption::new("tor1", "Toronto 1 — tor1"),
    SelectOption::new("atl1", "Atlanta 1 — atl1"),
];

const DIGITALOCEAN_SPACES: Provider = Provider::new(
    "digitalocean_spaces",
    "DigitalOcean Spaces",
    Source::Second,
)
.about("S3-compatible object storage by DigitalOcean.")
.docs_at("https://cloud.digitalocean.com/spaces/access_keys")
.with_fields(&[
    key_id("access_key_id", "Access key", Check::Token)
        .help("In DigitalOcean → Spaces Object Storage → Access Keys → Create Access Key.")
        .placeholder("DO00XXXXXXXXXXXXXXXX"),
    column_secret("secret_access_key", "Secret key", LegacySlot::SecretKey)
        .help("Shown once, when the access key is created. If it was lost, create a new key."),
    Field::select("region", "Region", SPACES_REGIONS)
        .required()
        .help(
            "The datacenter of your Space: the part before .digitaloceanspaces.com in its address.",
        ),
    bucket("Space name")
        .help("The name of the Space (bucket), as listed in DigitalOcean → Spaces Object Storage."),
    https_url("cdn_endpoint", "CDN endpoint")
        .help("Optional: the Space's CDN address, if the CDN is enabled (Settings → CDN).")
        .placeholder("https://yourbrand-assets.nyc3.cdn.digitaloceanspaces.com"),
]);

const GOOGLE_CLOUD_STORAGE: Provider = Provider::new("google_cloud_storage", "Google Cloud Storage", Source::Second)
    .about("Object storage on Google Cloud.")
    .docs_at("https://console.cloud.google.com/iam-admin/serviceaccounts")
    .with_fields(&[
        Field::json("service_account_json", "Service account key (JSON)")
            .required()
            .secret()
            .check(Check::ServiceAccountJson)
            .slot(LegacySlot::ApiKey)
            .help("In Google Cloud console → IAM & Admin → Service accounts → your account → Keys → Add key → Create new key → JSON. Paste the whole downloaded file. Give the account the Storage Object Admin role on the bucket.")
            .placeholder("{\"type\": \"service_account\", \"project_id\": \"...\", ...}"),
        bucket("Bucket name")
            .help("The bucket's name as listed in Cloud Storage → Buckets, without gs://."),
        checked("project_id", "Project ID", Check::Identifier)
            .help("Optional; taken from the key file when empty.")
            .placeholder("yourbrand-site"),
    ]);

const AZURE_BLOB: Provider = Provider::new("azure_blob", "Azure Blob Storage", Source::Second)
    .about("Object storage on Microsoft Azure.")
    .docs_at("https://portal.azure.com/#browse/Microsoft.Storage%2FStorageAccounts")
    .with_fields(&[
        key_id("account_name", "Storage account name", Check::AzureAccountName)
            .help("Azure portal → Storage accounts: the account's name, the first part of its .blob.core.windows.net address.")
            .placeholder("yourbrandassets"),
        column_secret("account_key", "Access key", LegacySlot::SecretKey)
            .check(Check::Base64)
            .help("Azure portal → your storage account → Security + networking → Access keys → key1 → Show. Copy the Key, not the connection string."),
        checked("container", "Container", Check::BucketName)
            .help("Optional: the container files go to, as listed under Data storage → Containers.")
            .placeholder("marketing"),
    ]);

pub(crate) const STORAGE: IntegrationType =
    IntegrationType::new("storage", "File storage", "cloud", Source::Second)
        .about("Store uploads, images and exports in your cloud storage.")
        .with_providers(&[
            AWS_S3,
            DIGITALOCEAN_SPACES,
            GOOGLE_CLOUD_STORAGE,
            AZURE_BLOB,
        ]);

const CLOUDFLARE: Provider = Provider::new("cloudflare", "Cloudflare", Source::Second)
    .about("CDN, DNS and security in front of your website.")
    .docs_at("https://dash.cloudflare.com/profile/api-tokens")
    .with_fields(&[
        column_secret("api_token", "API token", LegacySlot::ApiKey)
            .help("Cloudflare dashboard → My Profile → API Tokens → Create Token (for example with the Cache Purge permission for your zone). Use an API token, not the Global API Key."),
        hex32("account_id", "Account ID")
            .help("Needed for account-owned tokens. On the dashboard's Overview page of any domain, in the right-hand column."),
        hex32("zone_id", "Zone ID")
            .help("The domain to manage: on that domain's Overview page, in the right-hand column."),
    ]);

const AWS_CLOUDFRONT: Provider = Provider::new(
    "aws_cloudfront",
    "Amazon CloudFront",
    Source::Second,
)
.about("Amazon's content delivery network.")
.docs_at("https://console.aws.amazon.com/cloudfront/v4/home#/distributions")
.with_fields(&[
    AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY,
    AWS_SESSION_TOKEN,
    checked("distribution_id", "Distribution ID", Check::Identifier)
        .help(
            "Optional: the distribution to purge, from CloudFront → Distributions (the ID column).",
        )
        .placeholder("E2QWRUHEXAMPLE"),
]);

const FASTLY: Provider = Provider::new("fastly", "Fastly", Source::Second)
    .about("Edge cloud and CDN.")
    .docs_at("https://manage.fastly.com/account/personal/tokens")
    .with_fields(&[
        column_secret("api_token", "API token", LegacySlot::ApiKey)
            .help("Fastly → Account → Personal API tokens → Create Token (the purge_select scope is enough to purge)."),
        checked("service_id", "Service ID", Check::Identifier)
            .help("Optional: the service to manage, shown under its name in the Fastly service list.")
            .placeholder("SU1Z0isxPaozGVKXdv0eY"),
    ]);

pub(crate) const CDN: IntegrationType = IntegrationType::new("cdn", "CDN", "globe", Source::Second)
    .about("Serve and purge your site's content through a content delivery network.")
    .with_providers(&[CLOUDFLARE, AWS_CLOUDFRONT, FASTLY]);
