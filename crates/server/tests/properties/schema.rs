//! The slice of JSON Schema that docs/openapi.json uses, both ways: a
//! validator for the server's answers and a generator of request bodies
//! (well-formed, half-formed and plain wrong) for the property tests.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// The OpenAPI document, for resolving `$ref`s.
pub struct Spec<'a> {
    pub doc: &'a Value,
}

impl<'a> Spec<'a> {
    /// The schema itself, or the component a `$ref` names.
    pub fn resolve(&self, schema: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let name = r.rsplit('/').next().unwrap_or_default();
                let found = &self.doc["components"]["schemas"][name];
                assert!(!found.is_null(), "the document names an unknown schema {r}");
                self.resolve(found)
            }
            None => schema,
        }
    }

    /// Why `value` does not match `schema` (at `path`), or None.
    pub fn mismatch(&self, schema: &'a Value, value: &Value, path: &str) -> Option<String> {
        let schema = self.resolve(schema);
        if let Some(options) = schema.get("anyOf").and_then(Value::as_array) {
            let whys: Vec<String> = options
                .iter()
                .filter_map(|o| self.mismatch(o, value, path))
                .collect();
            if whys.len() == options.len() {
                return Some(format!(
                    "{path}: matches none of anyOf: {}",
                    whys.join("; ")
                ));
            }
        }
        if let Some(c) = schema.get("const") {
            if c != value {
                return Some(format!("{path}: {value} is not the constant {c}"));
            }
        }
        if let Some(options) = schema.get("enum").and_then(Value::as_array) {
            if !options.contains(value) {
                return Some(format!("{path}: {value} is not one of {options:?}"));
            }
        }
        if let Some(types) = schema.get("type") {
            let allowed: Vec<&str> = match types {
                Value::String(t) => vec![t.as_str()],
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            if !allowed.iter().any(|t| is_type(value, t)) {
                return Some(format!("{path}: {value} is not of type {allowed:?}"));
            }
        }
        if let Value::Object(map) = value {
            if let Some(required) = schema.get("required").and_then(Value::as_array) {
                for key in required.iter().filter_map(Value::as_str) {
                    if !map.contains_key(key) {
                        return Some(format!("{path}: required field {key} is missing"));
                    }
                }
            }
            let props = schema.get("properties").and_then(Value::as_object);
            for (key, v) in map {
                let sub = format!("{path}.{key}");
                if let Some(p) = props.and_then(|p| p.get(key)) {
                    if let Some(why) = self.mismatch(p, v, &sub) {
                        return Some(why);
                    }
                } else if let Some(extra) = schema.get("additionalProperties") {
                    if extra == &Value::Bool(false) {
                        return Some(format!("{sub}: not a documented field"));
                    }
                    if extra.is_object() {
                        if let Some(why) = self.mismatch(extra, v, &sub) {
                            return Some(why);
                        }
                    }
                }
            }
        }
        if let (Value::Array(items), Some(item)) = (value, schema.get("items")) {
            for (i, v) in items.iter().enumerate() {
                if let Some(why) = self.mismatch(item, v, &format!("{path}[{i}]")) {
                    return Some(why);
                }
            }
        }
        None
    }
}

fn is_type(value: &Value, t: &str) -> bool {
    match t {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        _ => true,
    }
}

/// Makes request values. Strings under a secret field's name are unique
/// markers, remembered so that no answer or log line may ever show them.
pub struct Gen {
    pub rng: StdRng,
    /// Field names that hold secrets (every secret field of the catalog,
    /// passwords, refresh tokens).
    pub secret_keys: BTreeSet<String>,
    /// Every secret value sent so far.
    pub sent_secrets: Vec<String>,
    /// Integration types, providers and document keys the catalog knows.
    pub type_words: Vec<String>,
    /// Ids that exist on the server (any kind), to hit real rows often.
    pub ids: Vec<i64>,
    /// This request's body is meant to be accepted: documented shape,
    /// required fields, plausible values.
    pub sane: bool,
    /// Makes plausible values unique.
    pub serial: u64,
}

const ODD_STRINGS: &[&str] = &[
    "",
    " ",
    "a",
    "null",
    "0",
    "-1",
    "true",
    "1e309",
    "' OR 1=1 --",
    "\"; DROP TABLE users; --",
    "../../../../etc/passwd",
    "%00",
    "\u{0}",
    "\u{202e}gnp.exe",
    "💥🦀",
    "<script>alert(1)</script>",
    "x@example.com",
    "not an e-mail",
    "https://example.com/hook",
    "http://127.0.0.1:1/",
    "smtp.example.com",
    "2026-12-04",
    "2026-12-04T10:00:00Z",
    "9999-99-99",
    "*",
];

impl Gen {
    pub fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p)
    }

    pub fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        items.choose(&mut self.rng).expect("a non-empty list")
    }

    /// A secret-looking marker, remembered.
    pub fn secret(&mut self) -> String {
        let s: String = (0..14)
            .map(|_| *self.pick(b"abcdefghijkmnpqrstuvwxyz23456789") as char)
            .collect();
        let s = format!("zq{s}");
        self.sent_secrets.push(s.clone());
        s
    }

    pub fn integer(&mut self) -> i64 {
        if self.sane && !self.ids.is_empty() && self.chance(0.8) {
            return *self.pick(&self.ids.clone());
        }
        match self.rng.gen_range(0..8) {
            0 | 1 if !self.ids.is_empty() => *self.pick(&self.ids.clone()),
            2 => 0,
            3 => -1,
            4 => i64::MAX,
            5 => i64::MIN,
            _ => self.rng.gen_range(1..50),
        }
    }

    /// A value a person could have typed for `key`.
    fn plausible(&mut self, key: &str) -> String {
        self.serial += 1;
        let n = self.serial;
        match key {
            "integration_type" | "provider" | "type" | "types" => {
                self.pick(&self.type_words.clone()).clone()
            }
            "email" => format!("person{n}@example.com"),
            "from_email" | "reply_to_email" => "noreply@example.com".into(),
            "domain" => format!("site{n}.example.com"),
            "role" => (*self.pick(&["admin", "member", "viewer"])).to_owned(),
            k if k.ends_with("url") => format!("https://example.com/{n}"),
            _ => format!("Fuzz {key} {n}"),
        }
    }

    pub fn string(&mut self, key: &str) -> String {
        if self.secret_keys.contains(key) {
            return self.secret();
        }
        if self.sane {
            return self.plausible(key);
        }
        match self.rng.gen_range(0..10) {
            0..=2 if matches!(key, "integration_type" | "provider" | "type" | "types") => {
                self.pick(&self.type_words.clone()).clone()
            }
            0 | 1 => format!("fuzz {key} {}", self.rng.gen_range(0..1000)),
            2 => "x".repeat(self.rng.gen_range(100..20_000)),
            3 => (0..self.rng.gen_range(1..40))
                .map(|_| char::from_u32(self.rng.gen_range(1..0x2FFF)).unwrap_or('?'))
                .collect(),
            _ => (*self.pick(ODD_STRINGS)).to_owned(),
        }
    }

    /// Any JSON at all, of at most `depth` levels.
    pub fn any(&mut self, key: &str, depth: u32) -> Value {
        let top = if depth == 0 { 5 } else { 7 };
        match self.rng.gen_range(0..top) {
            0 => Value::Null,
            1 => json!(self.chance(0.5)),
            2 => json!(self.integer()),
            3 => json!(self.rng.gen::<f64>() * 1e6 - 5e5),
            4 => json!(self.string(key)),
            5 => {
                let n = self.rng.gen_range(0..4);
                Value::Array((0..n).map(|_| self.any(key, depth - 1)).collect())
            }
            _ => {
                let n = self.rng.gen_range(0..4);
                let keys = ["name", "config", "api_key", "website", "x", "secrets"];
                Value::Object(
                    (0..n)
                        .map(|_| {
                            let k = (*self.pick(&keys)).to_owned();
                            let v = self.any(&k, depth - 1);
                            (k, v)
                        })
                        .collect(),
                )
            }
        }
    }

    /// A value for `schema`: mostly of the documented shape, sometimes not.
    pub fn value(&mut self, spec: &Spec, schema: &Value, key: &str, depth: u32) -> Value {
        let schema = spec.resolve(schema);
        if let Some(options) = schema.get("anyOf").and_then(Value::as_array) {
            let one = self.pick(options).clone();
            return self.value(spec, &one, key, depth);
        }
        if depth == 0 || (!self.sane && self.chance(0.08)) {
            return self.any(key, depth.min(1));
        }
        if let Some(c) = schema.get("const") {
            if self.sane || self.chance(0.8) {
                return c.clone();
            }
        }
        if let Some(options) = schema.get("enum").and_then(Value::as_array) {
            if self.sane || self.chance(0.7) {
                return self.pick(options).clone();
            }
        }
        let types: Vec<String> = match schema.get("type") {
            Some(Value::String(t)) => vec![t.clone()],
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect(),
            _ if schema.get("properties").is_some() => vec!["object".into()],
            _ => vec![],
        };
        let Some(t) = types.choose(&mut self.rng).cloned() else {
            return self.any(key, depth.min(2));
        };
        match t.as_str() {
            "string" => json!(self.string(key)),
            "integer" => json!(self.integer()),
            "number" => json!(self.rng.gen::<f64>()),
            "boolean" => json!(self.chance(0.5)),
            "null" => Value::Null,
            "array" => {
                let item = schema.get("items").cloned().unwrap_or(json!({}));
                let n = self.rng.gen_range(0..4);
                Value::Array(
                    (0..n)
                        .map(|_| self.value(spec, &item, key, depth - 1))
                        .collect(),
                )
            }
            _ => self.object(spec, schema, depth),
        }
    }

    fn object(&mut self, spec: &Spec, schema: &Value, depth: u32) -> Value {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut out = Map::new();
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (k, s) in props {
                let keep = match (required.contains(&k.as_str()), self.sane) {
                    (true, true) => 1.0,
                    (true, false) => 0.92,
                    (false, _) => 0.5,
                };
                if self.chance(keep) {
                    let v = self.value(spec, s, k, depth - 1);
                    out.insert(k.clone(), v);
                }
            }
        }
        if let Some(extra) = schema.get("additionalProperties").filter(|e| e.is_object()) {
            for _ in 0..self.rng.gen_range(0..3) {
                let keys: Vec<String> = self.secret_keys.iter().cloned().collect();
                let k = if self.chance(0.5) {
                    self.pick(&keys).clone()
                } else {
                    format!(
                        "config.{}",
                        self.pick(&["from_email", "region", "smtp_host"])
                    )
                };
                let v = self.value(spec, extra, &k, depth - 1);
                out.insert(k, v);
            }
        }
        // Free-form objects (config, set) get the catalog's own field names,
        // secret ones among them. Their values are not tracked as secrets: a
        // free-form config (a custom integration's) is public by definition.
        if schema.get("properties").is_none() && schema.get("additionalProperties").is_none() {
            let keys: Vec<String> = self.secret_keys.iter().cloned().collect();
            for _ in 0..self.rng.gen_range(0..4) {
                let k = if self.chance(0.5) {
                    self.pick(&keys).clone()
                } else {
                    (*self.pick(&[
                        "from_email",
                        "smtp_host",
                        "smtp_port",
                        "region",
                        "page_url",
                        "base_url",
                    ]))
                    .to_owned()
                };
                let v = if self.chance(0.8) {
                    json!(self.string("config value"))
                } else {
                    self.any("config value", 1)
                };
                out.insert(k, v);
            }
        }
        if !self.sane && self.chance(0.15) {
            out.insert("unexpected_field".into(), self.any("unexpected_field", 1));
        }
        Value::Object(out)
    }
}
