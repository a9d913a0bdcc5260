//! The catalog's vocabulary: integration types, providers, fields, field kinds,
//! defaults and the second document's secret slots. Everything here is plain
//! `'static` data built with `const fn`s, so the whole catalog lives in
//! read-only memory and can be shipped to the UI as JSON through `Serialize`.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::Value;

use crate::checks::Check;

/// Which product document an integration type or provider comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The first document (`/api/integrations/`: email, whatsapp, sms, signup_page, facebook).
    First,
    /// The second document (`/api/v1/websites/integrations/`: 47 provider-level types).
    Second,
    /// Both documents.
    Both,
}

impl Source {
    /// True for [`Source::First`] and [`Source::Both`].
    pub const fn in_first(self) -> bool {
        matches!(self, Source::First | Source::Both)
    }

    /// True for [`Source::Second`] and [`Source::Both`].
    pub const fn in_second(self) -> bool {
        matches!(self, Source::Second | Source::Both)
    }
}

/// One choice of a [`FieldKind::Select`] field: the stored `value` and the `label` a person sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SelectOption {
    pub value: &'static str,
    pub label: &'static str,
}

impl SelectOption {
    pub const fn new(value: &'static str, label: &'static str) -> Self {
        SelectOption { value, label }
    }
}

/// What kind of input a field takes; the UI picks its widget from this.
///
/// Serialized as an object with a `type` tag, e.g. `{"type":"number","min":1,"max":65535}`
/// or `{"type":"select","options":[{"value":"us","label":"United States"}]}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Email,
    Url,
    Phone,
    /// A whole number within `min..=max`.
    Number {
        min: i64,
        max: i64,
    },
    Bool,
    Select(&'static [SelectOption]),
    /// A JSON document (pasted as text or given as a JSON value).
    Json,
    Multiline,
    /// A single-line secret (API key, token, password). Always `secret`.
    Secret,
}

impl FieldKind {
    /// The tag used in JSON: `text`, `email`, `url`, `phone`, `number`, `bool`,
    /// `select`, `json`, `multiline` or `secret`.
    pub const fn name(&self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Email => "email",
            FieldKind::Url => "url",
            FieldKind::Phone => "phone",
            FieldKind::Number { .. } => "number",
            FieldKind::Bool => "bool",
            FieldKind::Select(_) => "select",
            FieldKind::Json => "json",
            FieldKind::Multiline => "multiline",
            FieldKind::Secret => "secret",
        }
    }

    /// The options of a select field, empty for every other kind.
    pub const fn options(&self) -> &'static [SelectOption] {
        match self {
            FieldKind::Select(options) => options,
            _ => &[],
        }
    }
}

impl Serialize for FieldKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("type", self.name())?;
        match self {
            FieldKind::Number { min, max } => {
                map.serialize_entry("min", min)?;
                map.serialize_entry("max", max)?;
            }
            FieldKind::Select(options) => map.serialize_entry("options", options)?,
            _ => {}
        }
        map.end()
    }
}

/// A field's default, filled in by [`crate::validate`] when the field is absent.
/// Serialized as the plain JSON value (`true`, `587`, `"us"`, `[]`).
///
/// The name follows the catalog's contract; [`DefaultValue`] is an alias for code
/// that would rather not shadow the prelude's `Default` trait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Default {
    Bool(bool),
    Int(i64),
    Str(&'static str),
    EmptyArray,
    EmptyObject,
}

/// Alias of [`Default`] that does not shadow the prelude's `Default` trait when imported.
pub type DefaultValue = Default;

impl Default {
    /// The default as a JSON value.
    pub fn to_json(&self) -> Value {
        match *self {
            Default::Bool(b) => Value::Bool(b),
            Default::Int(i) => Value::from(i),
            Default::Str(s) => Value::String(s.to_owned()),
            Default::EmptyArray => Value::Array(Vec::new()),
            Default::EmptyObject => Value::Object(serde_json::Map::new()),
        }
    }
}

impl Serialize for Default {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

/// The second document's three secret columns. A field with a slot is read and
/// written through that column by the second document's REST API (which masks
/// it); every other field of such a provider travels in that API's `config`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LegacySlot {
    ApiKey,
    SecretKey,
    AccessToken,
}

impl LegacySlot {
    pub const ALL: [LegacySlot; 3] = [
        LegacySlot::ApiKey,
        LegacySlot::SecretKey,
        LegacySlot::AccessToken,
    ];

    /// The column's name in the second document's API: `api_key`, `secret_key` or `access_token`.
    pub const fn key(self) -> &'static str {
        match self {
            LegacySlot::ApiKey => "api_key",
            LegacySlot::SecretKey => "secret_key",
            LegacySlot::AccessToken => "access_token",
        }
    }

    /// The slot for a column name, if it is one of the three.
    pub fn from_key(key: &str) -> Option<LegacySlot> {
        LegacySlot::ALL.into_iter().find(|slot| slot.key() == key)
    }
}

/// One setting of a provider's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Field {
    /// The key in configuration JSON (and in the first document's configure bodies).
    pub key: &'static str,
    pub label: &'static str,
    /// What it is and where to find it, for the person filling in the form.
    pub help: &'static str,
    pub kind: FieldKind,
    pub required: bool,
    /// Stored encrypted, never shown again in full, never echoed in messages.
    pub secret: bool,
    pub default: Option<Default>,
    pub check: Check,
    pub legacy_slot: Option<LegacySlot>,
    pub placeholder: &'static str,
    /// Another key of the same form that must also be set whenever this one is
    /// (e.g. an API key SID and its secret).
    pub requires: Option<&'static str>,
}

impl Field {
    /// A field of `kind`. Secret kinds are secret; email, URL and phone kinds get
    /// their natural check; everything else starts optional with no check.
    pub const fn new(key: &'static str, label: &'static str, kind: FieldKind) -> Field {
        let (secret, check) = match kind {
            FieldKind::Secret => (true, Check::Token),
            FieldKind::Email => (false, Check::Email),
            FieldKind::Url => (false, Check::Url),
            FieldKind::Phone => (false, Check::E164),
            _ => (false, Check::None),
        };
        Field {
            key,
            label,
            help: "",
            kind,
            required: false,
            secret,
            default: None,
            check,
            legacy_slot: None,
            placeholder: "",
            requires: None,
        }
    }

    pub const fn text(key: &'static str, label: &'static str) -> Field {
        Field::new(key, label, FieldKind::Text)
    }

    pub const fn email(key: &'static str, label: &'static str) -> Field {
        Field::new(key, label, FieldKind::Email)
    }

    pub const fn url(key: &'static str, label: &'static str) -> Field {
        Field::new(key, label, FieldKind::Url)
    }

    pub const fn phone(key: &'static str, label: &'static str) -> Field {
        Field::new(key, label, FieldKind::Phone)
    }

    pub const fn number(key: &'static str, label: &'static str, min: i64, max: i64) -> Field {
        Field::new(key, label, FieldKind::Number { min, max })
    }

    pub const fn boolean(key: &'static str, label: &'static str) -> Field {
        Field::new(key, label, FieldKind::Bool)
    }

    pub const fn select(
        key: &'static str,
        label: &'static str,
        options: &'static [SelectOption],
    ) -> Field {
        Field::new(key, label, FieldKind::Select(options))
    }

    pub const fn json(key: &'static str, label: &'static str) -> Field {
        Field::new(key, label, FieldKind::Json)
    }

    pub const fn multiline(key: &'static str, label: &'static str) -> Field {
        Field::new(key, label, FieldKind::Multiline)
    }

    /// A single-line secret input (checked with [`Check::Token`] unless told otherwise).
    pub const fn secret_input(key: &'static str, label: &'static str) -> Field {
        Field::new(key, label, FieldKind::Secret)
    }

    pub const fn required(mut self) -> Field {
        self.required = true;
        self
    }

    /// Marks a non-`Secret` kind (JSON key file, private key, capability URL) as secret.
    pub const fn secret(mut self) -> Field {
        self.secret = true;
        self
    }

    pub const fn help(mut self, help: &'static str) -> Field {
        self.help = help;
        self
    }

    pub const fn placeholder(mut self, placeholder: &'static str) -> Field {
        self.placeholder = placeholder;
        self
    }

    pub const fn check(mut self, check: Check) -> Field {
        self.check = check;
        self
    }

    pub const fn with_default(mut self, default: Default) -> Field {
        self.default = Some(default);
        self
    }

    pub const fn slot(mut self, slot: LegacySlot) -> Field {
        self.legacy_slot = Some(slot);
        self
    }

    pub const fn requires(mut self, key: &'static str) -> Field {
        self.requires = Some(key);
        self
    }

    /// The default as JSON, if the field has one.
    pub fn default_json(&self) -> Option<Value> {
        self.default.map(|d| d.to_json())
    }
}

/// A service that can fill an integration type, e.g. SendGrid for email.
#[derive(Debug, Serialize)]
pub struct Provider {
    /// Globally unique; also the second document's `integration_type` value.
    pub id: &'static str,
    pub label: &'static str,
    pub description: &'static str,
    /// Where in the provider's own site the credentials are found.
    pub docs: &'static str,
    pub source: Source,
    /// The provider's own fields (the type's common fields come first in a form).
    pub fields: &'static [Field],
    /// Whether keys that are not fields are kept as given (only `custom`).
    pub accepts_extra_keys: bool,
}

impl Provider {
    /// A provider with no description, docs or fields yet; fill them in with
    /// [`Provider::about`], [`Provider::docs_at`] and [`Provider::with_fields`].
    pub const fn new(id: &'static str, label: &'static str, source: Source) -> Provider {
        Provider {
            id,
            label,
            description: "",
            docs: "",
            source,
            fields: &[],
            accepts_extra_keys: false,
        }
    }

    pub const fn about(mut self, description: &'static str) -> Provider {
        self.description = description;
        self
    }

    pub const fn docs_at(mut self, docs: &'static str) -> Provider {
        self.docs = docs;
        self
    }

    pub const fn with_fields(mut self, fields: &'static [Field]) -> Provider {
        self.fields = fields;
        self
    }

    /// Keeps keys that are not fields as given (only `custom`).
    pub const fn accepting_extra_keys(mut self) -> Provider {
        self.accepts_extra_keys = true;
        self
    }

    /// The whole form: the type's common fields first, then the provider's own.
    pub fn fields(&self, ty: &IntegrationType) -> impl Iterator<Item = &'static Field> {
        let common: &'static [Field] = ty.fields;
        let own: &'static [Field] = self.fields;
        common.iter().chain(own.iter())
    }

    /// One field of the whole form by key.
    pub fn field(&self, ty: &IntegrationType, key: &str) -> Option<&'static Field> {
        self.fields(ty).find(|f| f.key == key)
    }

    /// The field stored in one of the second document's secret columns, if any.
    pub fn legacy_field(&self, slot: LegacySlot) -> Option<&'static Field> {
        let own: &'static [Field] = self.fields;
        own.iter().find(|f| f.legacy_slot == Some(slot))
    }
}

/// A category of integration (email, sms, payments, ...), the cards of the UI.
#[derive(Debug, Serialize)]
pub struct IntegrationType {
    pub id: &'static str,
    pub label: &'static str,
    pub description: &'static str,
    /// A short icon name for the UI: "mail", "chat", "sms", "card", ...
    pub icon: &'static str,
    pub source: Source,
    /// Fields shared by every provider of this type (e.g. email's from_email).
    pub fields: &'static [Field],
    pub providers: &'static [Provider],
    /// The provider a first-document configure body means when it names none.
    pub default_provider_id: &'static str,
    /// The first document's `specific_config` keys for this type (non-secret
    /// values it returns after configuring; `provider` included where the
    /// original does). Empty for second-document-only types.
    pub specific_config_keys: &'static [&'static str],
}

impl IntegrationType {
    /// A type with no description, common fields, providers or `specific_config`
    /// keys yet; fill them in with the `with_*` builders.
    pub const fn new(
        id: &'static str,
        label: &'static str,
        icon: &'static str,
        source: Source,
    ) -> IntegrationType {
        IntegrationType {
            id,
            label,
            description: "",
            icon,
            source,
            fields: &[],
            providers: &[],
            default_provider_id: "",
            specific_config_keys: &[],
        }
    }

    pub const fn about(mut self, description: &'static str) -> IntegrationType {
        self.description = description;
        self
    }

    pub const fn with_fields(mut self, fields: &'static [Field]) -> IntegrationType {
        self.fields = fields;
        self
    }

    /// The providers in display order; the first is the default provider
    /// unless [`IntegrationType::defaulting_to`] names another.
    pub const fn with_providers(mut self, providers: &'static [Provider]) -> IntegrationType {
        self.providers = providers;
        self.default_provider_id = providers[0].id;
        self
    }

    pub const fn defaulting_to(mut self, provider_id: &'static str) -> IntegrationType {
        self.default_provider_id = provider_id;
        self
    }

    pub const fn with_specific_config(mut self, keys: &'static [&'static str]) -> IntegrationType {
        self.specific_config_keys = keys;
        self
    }

    pub fn provider(&self, id: &str) -> Option<&'static Provider> {
        let providers: &'static [Provider] = self.providers;
        providers.iter().find(|p| p.id == id)
    }

    /// The provider used when none is named (email: smtp, sms: twilio, else the first).
    pub fn default_provider(&self) -> &'static Provider {
        let providers: &'static [Provider] = self.providers;
        self.provider(self.default_provider_id)
            .unwrap_or(&providers[0])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_kind_serializes_with_a_type_tag() {
        const OPTS: &[SelectOption] = &[SelectOption::new("us", "United States")];
        let json = serde_json::to_value(FieldKind::Select(OPTS)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"type": "select", "options": [{"value": "us", "label": "United States"}]})
        );
        let json = serde_json::to_value(FieldKind::Number { min: 1, max: 9 }).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"type": "number", "min": 1, "max": 9})
        );
        let json = serde_json::to_value(FieldKind::Secret).unwrap();
        assert_eq!(json, serde_json::json!({"type": "secret"}));
    }

    #[test]
    fn defaults_serialize_as_plain_values() {
        assert_eq!(Default::Bool(true).to_json(), serde_json::json!(true));
        assert_eq!(Default::Int(587).to_json(), serde_json::json!(587));
        assert_eq!(Default::Str("us").to_json(), serde_json::json!("us"));
        assert_eq!(Default::EmptyArray.to_json(), serde_json::json!([]));
        assert_eq!(
            serde_json::to_string(&Default::EmptyObject).unwrap(),
            "{}".to_string()
        );
    }

    #[test]
    fn constructors_pick_secret_and_check_from_the_kind() {
        let f = Field::secret_input("api_key", "API key");
        assert!(f.secret);
        assert_eq!(f.check, Check::Token);
        assert_eq!(Field::email("e", "E").check, Check::Email);
        assert_eq!(Field::phone("p", "P").check, Check::E164);
        assert!(!Field::json("j", "J").secret);
        assert!(Field::json("j", "J").secret().secret);
    }

    #[test]
    fn legacy_slot_keys_round_trip() {
        for slot in LegacySlot::ALL {
            assert_eq!(LegacySlot::from_key(slot.key()), Some(slot));
        }
        assert_eq!(LegacySlot::from_key("config"), None);
    }
}
