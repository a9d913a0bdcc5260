//! Lead capture from a real web page in a real browser: WebKitGTK's
//! MiniBrowser driven by WebKitWebDriver opens a sign-up page served on one
//! 127.0.0.1 port (its origin) and posts to the real `switchboard-server`
//! on another, cross-origin: by `fetch` with JSON (a CORS preflight) and by
//! a plain HTML form (a 303 to the thank-you page). The same page served
//! from another origin is refused: the browser blocks the fetch after the
//! preflight and the server stores nothing from the plain form.

use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::sync_server::{free_port, SyncServer};
use super::{ensure_display, need, root, wait_for, Api, Procs, Session};

const MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

/// The sign-up page: a fetch form and a plain form, both to `lead_url`.
fn page(lead_url: &str) -> String {
    format!(
        r#"<!doctype html><html><head><meta charset="utf-8"><title>Sign up</title></head><body>
<form id="js"><input id="email" name="email"><input id="name" name="name">
<input name="_honeypot" style="display:none" tabindex="-1" autocomplete="off">
<button id="send" type="submit">Sign up</button></form>
<p id="result"></p>
<form id="plain" method="post" action="{lead_url}"><input id="plain-email" name="email">
<input name="_honeypot" style="display:none" tabindex="-1" autocomplete="off">
<button id="plain-send" type="submit">Sign up (no script)</button></form>
<script>
document.getElementById("js").addEventListener("submit", async (e) => {{
  e.preventDefault();
  const out = document.getElementById("result");
  try {{
    const r = await fetch("{lead_url}", {{method: "POST", headers: {{"Content-Type": "application/json"}},
      body: JSON.stringify({{email: document.getElementById("email").value, name: document.getElementById("name").value}})}});
    out.textContent = "status " + r.status + " " + JSON.stringify(await r.json());
  }} catch (err) {{
    out.textContent = "blocked: " + err;
  }}
}});
</script></body></html>"#
    )
}

/// Serves `html` at every path but `/thanks` on a 127.0.0.1 port, from a
/// thread that lives as long as the test; the port.
fn serve(html: String) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port for the page");
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut buf = [0u8; 8192];
            let n = stream.read(&mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]);
            let body = if head.starts_with("GET /thanks") {
                "<!doctype html><h1 id=\"thanks\">Thanks for signing up</h1>".to_owned()
            } else {
                html.clone()
            };
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    port
}

/// The emails of a sign-up page's leads, oldest first.
fn lead_emails(api: &Api, id: i64) -> Vec<String> {
    let (status, answer) = api.call("GET", &format!("/api/v1/integrations/{id}/leads"), None);
    assert_eq!(status, 200, "{answer}");
    answer["leads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["fields"]["email"].as_str().unwrap_or("").to_owned())
        .collect()
}

fn goto(s: &Session, url: &str) {
    s.call("POST", "/url", Some(json!({ "url": url })))
        .expect("the browser opens the page");
}

#[test]
#[ignore = "needs the built server, WebKitWebDriver and MiniBrowser: scripts/test.sh runs it"]
fn e2e_lead_capture_from_a_browser_page() {
    let root = root();
    let bin = root.join("target/release/switchboard-server");
    need(
        &bin,
        "the server binary (cargo build --release -p switchboard-server)",
    );
    need(Path::new("/usr/bin/WebKitWebDriver"), "WebKitWebDriver");
    need(Path::new(MINIBROWSER), "MiniBrowser (libwebkit2gtk-4.1-0)");
    let work = tempfile::tempdir().unwrap();
    let server = SyncServer::start(&bin, work.path(), &[]);
    let api = Api::login(server.port);

    // The page's two origins: where it is set up to live, and another.
    let (status, made) = api.call(
        "POST",
        "/api/integrations/",
        Some(json!({"integration_type": "signup_page", "name": "Spring landing page"})),
    );
    assert_eq!(status, 201, "{made}");
    let id = made["id"].as_i64().unwrap();
    let (_, receiver) = api.call("GET", &format!("/api/v1/integrations/{id}/receiver"), None);
    let lead_url = receiver["url"].as_str().expect("a lead address").to_owned();
    assert!(lead_url.contains("/leads/"), "{lead_url}");
    let home = serve(page(&lead_url));
    let elsewhere = serve(page(&lead_url));
    let page_url = format!("http://127.0.0.1:{home}/signup");
    let (status, answer) = api.call(
        "POST",
        &format!("/api/integrations/{id}/configure/signup/"),
        Some(json!({
            "page_url": page_url,
            "redirect_url": format!("http://127.0.0.1:{home}/thanks"),
            "form_fields": [{"name": "email", "type": "email", "required": true}, {"name": "name", "type": "text"}],
            "apply_tag": "Spring",
        })),
    );
    assert_eq!(status, 200, "{answer}");

    let mut procs = Procs(Vec::new());
    let display = ensure_display(&mut procs);
    let port = free_port();
    let driver = Command::new("/usr/bin/WebKitWebDriver")
        .arg(format!("--port={port}"))
        .env("DISPLAY", &display)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("WebKitWebDriver starts");
    procs.0.push(driver);
    let caps = json!({"capabilities": {"alwaysMatch": {"webkitgtk:browserOptions":
        {"binary": MINIBROWSER, "args": ["--automation"]}}}});
    let s = Session::open_with(port, &caps, None);

    // From the page's own origin: the fetch's preflight passes, the lead is stored.
    goto(&s, &page_url);
    s.type_into("#email", "ann@example.com");
    s.type_into("#name", "Ann Lee");
    s.click("#send");
    let said = s.wait_text("#result", "the sign-up's answer", |t| !t.is_empty());
    assert!(said.starts_with("status 201"), "{said}");
    assert_eq!(lead_emails(&api, id), ["ann@example.com"]);
    // A field the form checks: the page reads the server's message.
    s.type_into("#email", "not-an-email");
    s.click("#send");
    let said = s.wait_text("#result", "the refusal", |t| t.contains("422"));
    assert!(
        said.contains("ann@example.com"),
        "the message shows an example: {said}"
    );
    // The plain HTML form: posted, then sent on to the thank-you page.
    s.type_into("#plain-email", "bob@example.com");
    s.click("#plain-send");
    s.wait_text("#thanks", "the thank-you page", |t| t.contains("Thanks"));
    assert_eq!(
        lead_emails(&api, id),
        ["ann@example.com", "bob@example.com"]
    );

    // The same page on another origin: the browser blocks the fetch, and
    // the plain form's post is refused by the server.
    goto(&s, &format!("http://127.0.0.1:{elsewhere}/signup"));
    s.type_into("#email", "eve@example.com");
    s.click("#send");
    let said = s.wait_text("#result", "the blocked fetch", |t| !t.is_empty());
    assert!(
        said.starts_with("blocked"),
        "a cross-origin fetch must fail: {said}"
    );
    s.type_into("#plain-email", "mallory@example.com");
    s.click("#plain-send");
    wait_for(10, "the plain form's refusal", || {
        let (_, events) = api.call("GET", &format!("/api/v1/integrations/{id}/events"), None);
        let refused = events["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e: &Value| {
                e["verdict"] == "refused"
                    && e["reason"]
                        .as_str()
                        .unwrap_or("")
                        .contains(&elsewhere.to_string())
            });
        refused.then_some(())
    });
    assert_eq!(
        lead_emails(&api, id),
        ["ann@example.com", "bob@example.com"],
        "nothing stored from the other origin"
    );
    println!(
        "e2e leads: two sign-ups from the page's origin (fetch and plain form), none from another"
    );
    s.close();
}
