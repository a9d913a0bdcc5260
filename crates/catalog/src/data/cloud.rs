//! File storage (S3, DigitalOcean Spaces, Google Cloud Storage, Azure Blob) and
//! CDNs (Cloudflare, CloudFront, Fastly) from the second document.

use super::{AWS_ACCESS_KEY_ID, AWS_REGION, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN};
use crate::checks::Check;
use crate::model::{Field, IntegrationType, LegacySlot, Provider, SelectOption, Source};

const AWS_S3: Provider = Provider {
    id: "aws_s3",
    label: "Amazon S3",
    description: "Amazon Simple Storage Service buckets.",
    docs: "https://s3.console.aws.amazon.com/s3/buckets",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        AWS_REGION,
        AWS_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY,
        AWS_SESSION_TOKEN,
        Field::text("bucket", "Bucket name")
            .required()
            .check(Check::BucketName)
            .help("The bucket's name as listed in the S3 console, without s3:// or a folder.")
            .placeholder("yourbrand-assets"),
    ],
};

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

const DIGITALOCEAN_SPACES: Provider = Provider {
    id: "digitalocean_spaces",
    label: "DigitalOcean Spaces",
    description: "S3-compatible object storage by DigitalOcean.",
    docs: "https://cloud.digitalocean.com/spaces/access_keys",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::text("access_key_id", "Access key")
            .required()
            .check(Check::Token)
            .slot(LegacySlot::ApiKey)
            .help("In DigitalOcean → Spaces Object Storage → Access Keys → Create Access Key.")
            .placeholder("DO00XXXXXXXXXXXXXXXX"),
        Field::secret_input("secret_access_key", "Secret key")
            .required()
            .slot(LegacySlot::SecretKey)
            .help("Shown once, when the access key is created. If it was lost, create a new key."),
        Field::select("region", "Region", SPACES_REGIONS)
            .required()
            .help("The datacenter of your Space: the part before .digitaloceanspaces.com in its address."),
        Field::text("bucket", "Space name")
            .required()
            .check(Check::BucketName)
            .help("The name of the Space (bucket), as listed in DigitalOcean → Spaces Object Storage.")
            .placeholder("yourbrand-assets"),
        Field::url("cdn_endpoint", "CDN endpoint")
            .check(Check::HttpsUrl)
            .help("Optional: the Space's CDN address, if the CDN is enabled (Settings → CDN).")
            .placeholder("https://yourbrand-assets.nyc3.cdn.digitaloceanspaces.com"),
    ],
};

const GOOGLE_CLOUD_STORAGE: Provider = Provider {
    id: "google_cloud_storage",
    label: "Google Cloud Storage",
    description: "Object storage on Google Cloud.",
    docs: "https://console.cloud.google.com/iam-admin/serviceaccounts",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::json("service_account_json", "Service account key (JSON)")
            .required()
            .secret()
            .check(Check::ServiceAccountJson)
            .slot(LegacySlot::ApiKey)
            .help("In Google Cloud console → IAM & Admin → Service accounts → your account → Keys → Add key → Create new key → JSON. Paste the whole downloaded file. Give the account the Storage Object Admin role on the bucket.")
            .placeholder("{\"type\": \"service_account\", \"project_id\": \"...\", ...}"),
        Field::text("bucket", "Bucket name")
            .required()
            .check(Check::BucketName)
            .help("The bucket's name as listed in Cloud Storage → Buckets, without gs://.")
            .placeholder("yourbrand-assets"),
        Field::text("project_id", "Project ID")
            .check(Check::Identifier)
            .help("Optional; taken from the key file when empty.")
            .placeholder("yourbrand-site"),
    ],
};

const AZURE_BLOB: Provider = Provider {
    id: "azure_blob",
    label: "Azure Blob Storage",
    description: "Object storage on Microsoft Azure.",
    docs: "https://portal.azure.com/#browse/Microsoft.Storage%2FStorageAccounts",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::text("account_name", "Storage account name")
            .required()
            .check(Check::AzureAccountName)
            .slot(LegacySlot::ApiKey)
            .help("Azure portal → Storage accounts: the account's name, the first part of its .blob.core.windows.net address.")
            .placeholder("yourbrandassets"),
        Field::secret_input("account_key", "Access key")
            .required()
            .check(Check::Base64)
            .slot(LegacySlot::SecretKey)
            .help("Azure portal → your storage account → Security + networking → Access keys → key1 → Show. Copy the Key, not the connection string."),
        Field::text("container", "Container")
            .check(Check::BucketName)
            .help("Optional: the container files go to, as listed under Data storage → Containers.")
            .placeholder("marketing"),
    ],
};

pub(crate) const STORAGE: IntegrationType = IntegrationType {
    id: "storage",
    label: "File storage",
    description: "Store uploads, images and exports in your cloud storage.",
    icon: "cloud",
    source: Source::Second,
    fields: &[],
    providers: &[
        AWS_S3,
        DIGITALOCEAN_SPACES,
        GOOGLE_CLOUD_STORAGE,
        AZURE_BLOB,
    ],
    default_provider_id: "aws_s3",
    specific_config_keys: &[],
};

const CLOUDFLARE: Provider = Provider {
    id: "cloudflare",
    label: "Cloudflare",
    description: "CDN, DNS and security in front of your website.",
    docs: "https://dash.cloudflare.com/profile/api-tokens",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::secret_input("api_token", "API token")
            .required()
            .slot(LegacySlot::ApiKey)
            .help("Cloudflare dashboard → My Profile → API Tokens → Create Token (for example with the Cache Purge permission for your zone). Use an API token, not the Global API Key."),
        Field::text("account_id", "Account ID")
            .check(Check::Hex(32))
            .help("Needed for account-owned tokens. On the dashboard's Overview page of any domain, in the right-hand column.")
            .placeholder("0123456789abcdef0123456789abcdef"),
        Field::text("zone_id", "Zone ID")
            .check(Check::Hex(32))
            .help("The domain to manage: on that domain's Overview page, in the right-hand column.")
            .placeholder("0123456789abcdef0123456789abcdef"),
    ],
};

const AWS_CLOUDFRONT: Provider = Provider {
    id: "aws_cloudfront",
    label: "Amazon CloudFront",
    description: "Amazon's content delivery network.",
    docs: "https://console.aws.amazon.com/cloudfront/v4/home#/distributions",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        AWS_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY,
        AWS_SESSION_TOKEN,
        Field::text("distribution_id", "Distribution ID")
            .check(Check::Identifier)
            .help("Optional: the distribution to purge, from CloudFront → Distributions (the ID column).")
            .placeholder("E2QWRUHEXAMPLE"),
    ],
};

const FASTLY: Provider = Provider {
    id: "fastly",
    label: "Fastly",
    description: "Edge cloud and CDN.",
    docs: "https://manage.fastly.com/account/personal/tokens",
    source: Source::Second,
    accepts_extra_keys: false,
    fields: &[
        Field::secret_input("api_token", "API token")
            .required()
            .slot(LegacySlot::ApiKey)
            .help("Fastly → Account → Personal API tokens → Create Token (the purge_select scope is enough to purge)."),
        Field::text("service_id", "Service ID")
            .check(Check::Identifier)
            .help("Optional: the service to manage, shown under its name in the Fastly service list.")
            .placeholder("SU1Z0isxPaozGVKXdv0eY"),
    ],
};

pub(crate) const CDN: IntegrationType = IntegrationType {
    id: "cdn",
    label: "CDN",
    description: "Serve and purge your site's content through a content delivery network.",
    icon: "globe",
    source: Source::Second,
    fields: &[],
    providers: &[CLOUDFLARE, AWS_CLOUDFRONT, FASTLY],
    default_provider_id: "cloudflare",
    specific_config_keys: &[],
};
