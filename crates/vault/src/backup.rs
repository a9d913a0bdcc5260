//! Encrypted backup files: a payload (the store's export JSON) sealed under
//! a passphrase the person types. The file is a small JSON envelope; its
//! format is documented in `docs/backup-format.md`, and every rule there
//! has its home here.
//!
//! Key = Argon2id(passphrase, salt) with the vault's own parameters; the
//! payload is gzip-compressed and sealed with AES-256-GCM, its associated
//! data the canonical bytes of every header field, so that no header field
//! can be changed unnoticed. A 16-byte key-check value tells a wrong
//! passphrase apart from a file altered after it was written.

use crate::wrap::{derive, fresh_key};
use crate::wrap::{KDF_MEMORY_KIB, KDF_PARALLELISM, KDF_TIME_COST};
use crate::{Result, Secret, VaultError};
use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{AeadCore, Aes256Gcm, KeyInit, Nonce};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use zeroize::Zeroizing;

/// The `format` tag of a backup file.
pub const BACKUP_FORMAT: &str = "switchboard-backup";
/// The newest backup format version this build writes and reads.
pub const BACKUP_VERSION: u32 = 1;
const CIPHER: &str = "aes-256-gcm";
const KDF: &str = "argon2id";
const COMPRESSION: &str = "gzip";
/// Upper bounds on a file's KDF parameters, so that a crafted file cannot
/// make a reader allocate gigabytes or spin for minutes.
const MAX_MEMORY_KIB: u32 = 1024 * 1024;
const MAX_ITERATIONS: u32 = 64;
const MAX_PARALLELISM: u32 = 16;

/// What a backup's header says about its contents; readable without the
/// passphrase, and authenticated once the file is opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupInfo {
    /// When it was written (RFC 3339, UTC).
    pub created_at: String,
    /// Whether secret values are inside.
    pub includes_secrets: bool,
    /// How many integrations are inside.
    pub integrations: u64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Kdf {
    algorithm: String,
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
    salt: String,
}

/// The file as written. Field order is the file's order.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    format: String,
    version: u32,
    created_at: String,
    includes_secrets: bool,
    integrations: u64,
    kdf: Kdf,
    check: String,
    cipher: String,
    compression: String,
    nonce: String,
    ciphertext: String,
}

impl Envelope {
    /// The AEAD's associated data: every header field (all but the
    /// ciphertext) in a fixed order, each as its name, a zero byte, its
    /// text's length (4 bytes, big-endian) and its text.
    /// NEVER CHANGE for version 1: written files authenticate these bytes.
    fn aad(&self) -> Vec<u8> {
        let k = &self.kdf;
        let fields: [(&str, String); 14] = [
            ("format", self.format.clone()),
            ("version", self.version.to_string()),
            ("created_at", self.created_at.clone()),
            ("includes_secrets", self.includes_secrets.to_string()),
            ("integrations", self.integrations.to_string()),
            ("kdf.algorithm", k.algorithm.clone()),
            ("kdf.memory_kib", k.memory_kib.to_string()),
            ("kdf.iterations", k.iterations.to_string()),
            ("kdf.parallelism", k.parallelism.to_string()),
            ("kdf.salt", k.salt.clone()),
            ("check", self.check.clone()),
            ("cipher", self.cipher.clone()),
            ("compression", self.compression.clone()),
            ("nonce", self.nonce.clone()),
        ];
        let mut out = b"switchboard-backup/aad\0".to_vec();
        for (name, text) in fields {
            out.extend_from_slice(name.as_bytes());
            out.push(0);
            out.extend_from_slice(&(text.len() as u32).to_be_bytes());
            out.extend_from_slice(text.as_bytes());
        }
        out
    }

    fn info(&self) -> BackupInfo {
        BackupInfo {
            created_at: self.created_at.clone(),
            includes_secrets: self.includes_secrets,
            integrations: self.integrations,
        }
    }
}

/// The key-check value: the first 16 bytes of SHA-256 over a fixed label
/// and the key. It tells whether a passphrase gives the file's key, and
/// nothing an attacker could not learn by trying the passphrase on the
/// ciphertext itself.
fn key_check(key: &[u8; 32]) -> [u8; 16] {
    let mut h = Sha256::new();
    h.update(b"switchboard-backup/check\0");
    h.update(key);
    let digest = h.finalize();
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    out
}

/// Seals `payload` into a backup file under `passphrase` (at least 8
/// characters), with a fresh salt and nonce.
pub fn seal_backup(payload: &[u8], passphrase: &Secret, info: &BackupInfo) -> Result<Vec<u8>> {
    let (salt, key) = fresh_key(passphrase)?;
    let (m, t, p) = (KDF_MEMORY_KIB, KDF_TIME_COST, KDF_PARALLELISM);
    let nonce = Aes256Gcm::generate_nonce(&mut rand::rngs::OsRng);
    let mut env = Envelope {
        format: BACKUP_FORMAT.into(),
        version: BACKUP_VERSION,
        created_at: info.created_at.clone(),
        includes_secrets: info.includes_secrets,
        integrations: info.integrations,
        kdf: Kdf {
            algorithm: KDF.into(),
            memory_kib: m,
            iterations: t,
            parallelism: p,
            salt: B64.encode(salt),
        },
        check: B64.encode(key_check(&key)),
        cipher: CIPHER.into(),
        compression: COMPRESSION.into(),
        nonce: B64.encode(nonce),
        ciphertext: String::new(),
    };
    let packed = gzip(payload);
    let cipher = Aes256Gcm::new_from_slice(&key[..]).expect("32-byte key");
    let aad = env.aad();
    let sealed = cipher
        .encrypt(
            &nonce,
            Payload {
                msg: &packed,
                aad: &aad,
            },
        )
        .expect("in-memory encryption cannot fail");
    env.ciphertext = B64.encode(sealed);
    let mut out = serde_json::to_vec_pretty(&env).expect("serializable");
    out.push(b'\n');
    Ok(out)
}

/// The header of a backup file, without the passphrase: refuses what is not
/// a backup, a damaged file and a newer format version, like [`open_backup`].
pub fn backup_info(file: &[u8]) -> Result<BackupInfo> {
    parse(file).map(|env| env.info())
}

/// Opens a backup file: its header and the payload. A wrong passphrase is
/// [`VaultError::WrongBackupPassphrase`], a file changed after it was
/// written [`VaultError::BackupAltered`].
pub fn open_backup(file: &[u8], passphrase: &Secret) -> Result<(BackupInfo, Zeroizing<Vec<u8>>)> {
    let env = parse(file)?;
    let salt = decode(&env.kdf.salt, "kdf.salt", Some(16))?;
    let check = decode(&env.check, "check", Some(16))?;
    let nonce = decode(&env.nonce, "nonce", Some(12))?;
    let sealed = decode(&env.ciphertext, "ciphertext", None)?;
    if sealed.len() < 16 {
        return Err(damaged("the ciphertext is cut short"));
    }
    let k = &env.kdf;
    let key = derive(passphrase, &salt, k.memory_kib, k.iterations, k.parallelism)?;
    if key_check(&key)[..] != check[..] {
        return Err(VaultError::WrongBackupPassphrase);
    }
    let cipher = Aes256Gcm::new_from_slice(&key[..]).expect("32-byte key");
    let aad = env.aad();
    let packed = Zeroizing::new(
        cipher
            .decrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &sealed,
                    aad: &aad,
                },
            )
            .map_err(|_| VaultError::BackupAltered)?,
    );
    let payload = gunzip(&packed)?;
    Ok((env.info(), payload))
}

fn damaged(why: &str) -> VaultError {
    VaultError::BackupDamaged(why.to_owned())
}

fn decode(text: &str, field: &str, len: Option<usize>) -> Result<Vec<u8>> {
    let bytes = B64
        .decode(text)
        .map_err(|_| damaged(&format!("'{field}' is not valid base64")))?;
    match len {
        Some(n) if bytes.len() != n => Err(damaged(&format!("'{field}' is not {n} bytes"))),
        _ => Ok(bytes),
    }
}

/// True when `file` starts like a backup this build writes, so that a cut
/// file is called damaged rather than "not a backup".
fn looks_like_backup(file: &[u8]) -> bool {
    let head: Vec<u8> = file
        .iter()
        .take(200)
        .filter(|b| !b.is_ascii_whitespace())
        .copied()
        .collect();
    let start = br#"{"format":"switchboard-backup""#;
    let n = head.len().min(start.len());
    n > 1 && head[..n] == start[..n]
}

/// The envelope, with each refusal told apart: not a backup, newer format,
/// damaged (bad JSON, a missing field, unknown algorithms, KDF bounds).
fn parse(file: &[u8]) -> Result<Envelope> {
    let value: serde_json::Value = match serde_json::from_slice(file) {
        Ok(v) => v,
        Err(_) if looks_like_backup(file) => {
            return Err(damaged("the file is cut short or is not valid JSON"))
        }
        Err(_) => return Err(VaultError::NotABackup(String::new())),
    };
    match value.get("format").and_then(|f| f.as_str()) {
        Some(BACKUP_FORMAT) => {}
        Some("switchboard-export") => {
            return Err(VaultError::NotABackup(
                " (it is a plain export: read it with `switchboard import`)".into(),
            ))
        }
        _ => return Err(VaultError::NotABackup(String::new())),
    }
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v > u64::from(BACKUP_VERSION) => return Err(VaultError::BackupTooNew(v)),
        Some(v) if v == u64::from(BACKUP_VERSION) => {}
        _ => return Err(damaged("its format version is missing or not valid")),
    }
    let env: Envelope = serde_json::from_value(value)
        .map_err(|e| VaultError::BackupDamaged(format!("its header is not valid: {e}")))?;
    let k = &env.kdf;
    if env.cipher != CIPHER || env.compression != COMPRESSION || k.algorithm != KDF {
        return Err(damaged(
            "it names a cipher, compression or KDF that version 1 does not use",
        ));
    }
    let in_bounds = (8..=MAX_MEMORY_KIB).contains(&k.memory_kib)
        && (1..=MAX_ITERATIONS).contains(&k.iterations)
        && (1..=MAX_PARALLELISM).contains(&k.parallelism);
    if !in_bounds {
        return Err(damaged("its key-derivation settings are out of bounds"));
    }
    Ok(env)
}

fn gzip(payload: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(payload)
        .expect("writing to memory cannot fail");
    Zeroizing::new(enc.finish().expect("writing to memory cannot fail"))
}

fn gunzip(packed: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let mut out = Zeroizing::new(Vec::new());
    flate2::read::GzDecoder::new(packed)
        .read_to_end(&mut out)
        .map_err(|_| damaged("its sealed contents do not decompress"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    const PASS: &str = "backup passphrase";

    fn info() -> BackupInfo {
        BackupInfo {
            created_at: "2025-01-02T03:04:05Z".into(),
            includes_secrets: true,
            integrations: 2,
        }
    }

    fn sealed(payload: &str) -> Vec<u8> {
        seal_backup(payload.as_bytes(), &Secret::new(PASS), &info()).unwrap()
    }

    fn open(file: &[u8]) -> Result<(BackupInfo, Zeroizing<Vec<u8>>)> {
        open_backup(file, &Secret::new(PASS))
    }

    /// The file with one header field replaced.
    fn with(file: &[u8], edit: impl FnOnce(&mut Value)) -> Vec<u8> {
        let mut v: Value = serde_json::from_slice(file).unwrap();
        edit(&mut v);
        serde_json::to_vec(&v).unwrap()
    }

    #[test]
    fn round_trip_keeps_payload_and_header() {
        let file = sealed("{\"secret\":\"sk_live_canary_42\"}");
        let text = String::from_utf8(file.clone()).unwrap();
        assert!(!text.contains("canary"), "the payload is sealed");
        assert!(text.starts_with("{\n  \"format\": \"switchboard-backup\""));
        let (got, payload) = open(&file).unwrap();
        assert_eq!(got, info());
        assert_eq!(&payload[..], b"{\"secret\":\"sk_live_canary_42\"}");
        assert_eq!(backup_info(&file).unwrap(), info());
        let v: Value = serde_json::from_slice(&file).unwrap();
        assert_eq!(v["kdf"]["memory_kib"], 19456);
        assert_eq!(v["kdf"]["iterations"], 2);
        assert_eq!(v["kdf"]["parallelism"], 1);
        // Two seals of the same payload share nothing random.
        let again: Value = serde_json::from_slice(&sealed("x")).unwrap();
        assert_ne!(again["kdf"]["salt"], v["kdf"]["salt"]);
        assert_ne!(again["nonce"], v["nonce"]);
    }

    #[test]
    fn short_passphrase_is_refused() {
        let err = seal_backup(b"x", &Secret::new("short"), &info()).unwrap_err();
        assert!(err.to_string().contains("at least 8"), "{err}");
    }

    #[test]
    fn wrong_passphrase_is_told_apart() {
        let file = sealed("payload");
        let err = open_backup(&file, &Secret::new("another passphrase")).unwrap_err();
        assert!(matches!(err, VaultError::WrongBackupPassphrase), "{err}");
        assert!(err.to_string().contains("wrong passphrase"));
        assert!(!err.to_string().contains("another passphrase"));
    }

    #[test]
    fn truncated_file_is_damaged_at_every_cut() {
        let file = sealed(&"a payload long enough to cut ".repeat(50));
        for cut in [12, 40, file.len() / 3, file.len() / 2, file.len() - 3] {
            let err = open(&file[..cut]).unwrap_err();
            assert!(
                matches!(err, VaultError::BackupDamaged(_)),
                "cut at {cut}: {err}"
            );
            assert!(err.to_string().contains("truncated or damaged"));
        }
        // Cut inside the base64 at a 4-character boundary: still valid JSON
        // once closed, but the sealed bytes are short.
        let cut = with(&file, |v| {
            let ct = v["ciphertext"].as_str().unwrap().to_owned();
            v["ciphertext"] = json!(ct[..ct.len() / 8 * 4]);
        });
        assert!(matches!(open(&cut), Err(VaultError::BackupAltered)));
        let empty = with(&file, |v| v["ciphertext"] = json!(""));
        assert!(matches!(open(&empty), Err(VaultError::BackupDamaged(_))));
    }

    #[test]
    fn one_flipped_bit_in_the_ciphertext_is_altered() {
        let file = sealed("payload");
        let flipped = with(&file, |v| {
            let mut ct = B64.decode(v["ciphertext"].as_str().unwrap()).unwrap();
            ct[3] ^= 0x01;
            v["ciphertext"] = json!(B64.encode(ct));
        });
        let err = open(&flipped).unwrap_err();
        assert!(matches!(err, VaultError::BackupAltered), "{err}");
        assert!(err.to_string().contains("altered"));
    }

    #[test]
    fn every_authenticated_header_field_is_covered() {
        let file = sealed("payload");
        type Edit = Box<dyn Fn(&mut Value)>;
        let edits: Vec<(&str, Edit)> = vec![
            (
                "includes_secrets",
                Box::new(|v: &mut Value| v["includes_secrets"] = json!(false)),
            ),
            (
                "integrations",
                Box::new(|v: &mut Value| v["integrations"] = json!(3)),
            ),
            (
                "created_at",
                Box::new(|v: &mut Value| v["created_at"] = json!("2030-01-01T00:00:00Z")),
            ),
            (
                "nonce",
                Box::new(|v: &mut Value| v["nonce"] = json!(B64.encode([7u8; 12]))),
            ),
        ];
        for (field, edit) in edits {
            let err = open(&with(&file, edit)).unwrap_err();
            assert!(matches!(err, VaultError::BackupAltered), "{field}: {err}");
        }
        // The salt and the check decide the key: changing them looks like
        // another passphrase, and is refused all the same.
        let salted = with(&file, |v| v["kdf"]["salt"] = json!(B64.encode([1u8; 16])));
        assert!(matches!(
            open(&salted),
            Err(VaultError::WrongBackupPassphrase)
        ));
        let checked = with(&file, |v| v["check"] = json!(B64.encode([1u8; 16])));
        assert!(matches!(
            open(&checked),
            Err(VaultError::WrongBackupPassphrase)
        ));
        // A field the format does not have.
        let extra = with(&file, |v| v["note"] = json!("hi"));
        assert!(matches!(open(&extra), Err(VaultError::BackupDamaged(_))));
    }

    #[test]
    fn a_newer_version_asks_for_an_update() {
        let file = with(&sealed("payload"), |v| v["version"] = json!(2));
        let err = open(&file).unwrap_err();
        assert!(matches!(err, VaultError::BackupTooNew(2)), "{err}");
        assert!(err.to_string().contains("newer Switchboard"));
        assert!(err.to_string().contains("update Switchboard"));
        assert!(matches!(
            backup_info(&file),
            Err(VaultError::BackupTooNew(2))
        ));
        let zero = with(&sealed("payload"), |v| v["version"] = json!(0));
        assert!(matches!(open(&zero), Err(VaultError::BackupDamaged(_))));
    }

    #[test]
    fn other_files_are_not_backups() {
        for file in [
            &b"hello, world"[..],
            b"",
            b"\x1f\x8b\x08\x00binary",
            b"[1, 2, 3]",
            br#"{"format": "something-else", "version": 1}"#,
        ] {
            let err = open(file).unwrap_err();
            assert!(matches!(err, VaultError::NotABackup(_)), "{err}");
            assert!(err.to_string().contains("not a Switchboard backup"));
        }
        let export = br#"{"format": "switchboard-export", "version": 1, "integrations": []}"#;
        assert!(open(export)
            .unwrap_err()
            .to_string()
            .contains("switchboard import"));
    }

    #[test]
    fn crafted_kdf_settings_are_refused_before_deriving() {
        let file = with(&sealed("payload"), |v| {
            v["kdf"]["memory_kib"] = json!(u32::MAX)
        });
        assert!(matches!(open(&file), Err(VaultError::BackupDamaged(_))));
        let file = with(&sealed("payload"), |v| v["cipher"] = json!("rot13"));
        assert!(matches!(open(&file), Err(VaultError::BackupDamaged(_))));
    }
}
