//! Keeps the sources readable: no source file outside tests is longer than
//! 800 lines and no function outside tests longer than 150 (counted from its
//! `fn` line to its closing brace). Test code (`tests/` folders and
//! `#[cfg(test)]` modules) is not counted.

mod common;

use common::{repo, rust_files};

const MAX_FILE_LINES: usize = 800;
const MAX_FN_LINES: usize = 150;

/// The source before its first `#[cfg(test)]` (test modules come last).
fn without_tests(text: &str) -> &str {
    text.find("#[cfg(test)]").map_or(text, |i| &text[..i])
}

/// Whether a line starts a function definition.
fn starts_fn(line: &str) -> bool {
    let mut words = line.split_whitespace().peekable();
    while let Some(w) = words.peek() {
        if w.starts_with("pub") || matches!(*w, "async" | "const" | "unsafe" | "extern") {
            words.next();
        } else {
            break;
        }
    }
    words.next() == Some("fn")
}

/// (first line, length) of every function body in `text`. Braces inside
/// string literals and comments are skipped.
fn functions(text: &str) -> Vec<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !starts_fn(line) {
            continue;
        }
        let mut depth = 0i64;
        let mut opened = false;
        let mut end = None;
        'scan: for (j, l) in lines.iter().enumerate().skip(i) {
            let code = l.split("//").next().unwrap_or("");
            let mut in_str = false;
            let mut prev = ' ';
            for c in code.chars() {
                if c == '"' && prev != '\\' && prev != '\'' {
                    in_str = !in_str;
                } else if !in_str && c == '{' {
                    depth += 1;
                    opened = true;
                } else if !in_str && c == '}' {
                    depth -= 1;
                }
                prev = c;
            }
            if opened && depth <= 0 {
                end = Some(j);
                break 'scan;
            }
            if !opened && code.trim_end().ends_with(';') {
                break 'scan;
            }
        }
        if let Some(j) = end {
            found.push((i + 1, j - i + 1));
        }
    }
    found
}

#[test]
fn no_long_files_or_functions_outside_tests() {
    let root = repo();
    let mut files = Vec::new();
    for dir in ["crates", "src-tauri", "ui/src"] {
        rust_files(&root.join(dir), &["tests"], &mut files);
    }
    assert!(files.len() > 50, "found only {} Rust files", files.len());
    let mut problems = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let code = without_tests(&text);
        let name = f.strip_prefix(&root).unwrap_or(f).display().to_string();
        let n = code.lines().count();
        if n > MAX_FILE_LINES {
            problems.push(format!("{name}: {n} lines (at most {MAX_FILE_LINES})"));
        }
        for (line, len) in functions(code) {
            if len > MAX_FN_LINES {
                problems.push(format!(
                    "{name}:{line}: a function of {len} lines (at most {MAX_FN_LINES}); split it"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_counter_sees_functions() {
    let text = "fn a() {\n    let s = \"}\";\n}\n\npub async fn b(x: u8) -> u8 {\n    x\n}\n";
    assert_eq!(functions(text), vec![(1, 3), (5, 3)]);
}
