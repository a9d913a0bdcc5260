//! Keeps the domain's vocabulary in one home: no other Rust source declares
//! these enums again, and every SQL CHECK list in the migrations names
//! exactly the variants of the enum it stores.

mod common;

use common::{repo, rust_files};
use switchboard_domain::{LogLevel, Status};

#[test]
fn no_domain_enum_is_declared_twice() {
    let root = repo();
    let mut files = Vec::new();
    for dir in ["crates", "src-tauri", "ui/src", "tests"] {
        rust_files(&root.join(dir), &[], &mut files);
    }
    assert!(files.len() > 50, "found only {} Rust files", files.len());
    let home = root.join("crates/domain/src");
    let mut found = Vec::new();
    for f in &files {
        if f.starts_with(&home) {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        for name in [
            "Status",
            "LogLevel",
            "CheckKind",
            "OutcomeKind",
            "HealthState",
        ] {
            for decl in ["enum", "struct", "type"] {
                if text.contains(&format!("{decl} {name} "))
                    || text.contains(&format!("{decl} {name}="))
                {
                    found.push(format!("{} declares {decl} {name}", f.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "declared outside crates/domain (use switchboard_domain's): {found:#?}"
    );
}

/// The quoted names inside `<column> IN (...)` of a CHECK.
fn check_list(sql: &str, column: &str) -> Option<Vec<String>> {
    let start = sql.find(&format!("CHECK ({column} IN ("))?;
    let rest = &sql[start..];
    let open = rest.find("IN (")? + 4;
    let close = rest[open..].find(')')? + open;
    Some(
        rest[open..close]
            .split(',')
            .map(|s| s.trim().trim_matches('\'').to_owned())
            .collect(),
    )
}

#[test]
fn sql_check_lists_match_the_enums() {
    let statuses: Vec<String> = Status::ALL.iter().map(|s| s.as_str().to_owned()).collect();
    let levels: Vec<String> = LogLevel::ALL
        .iter()
        .map(|l| l.as_str().to_owned())
        .collect();
    let mut checked = 0;
    for dir in ["local", "server-sqlite", "server-postgres"] {
        let init = repo().join("migrations").join(dir).join("0001_init.sql");
        let sql = std::fs::read_to_string(&init).unwrap();
        assert_eq!(
            check_list(&sql, "status"),
            Some(statuses.clone()),
            "{}",
            init.display()
        );
        assert_eq!(
            check_list(&sql, "level"),
            Some(levels.clone()),
            "{}",
            init.display()
        );
        checked += 2;
    }
    assert_eq!(checked, 6);
}
