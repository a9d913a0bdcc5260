//! A tiny HTTP/1.1 server on 127.0.0.1 standing in for providers, for this
//! crate's tests and benchmark (and for the app's end-to-end tests). It
//! records every request exactly as received, answers through a handler,
//! can add latency or never answer, and counts requests in flight. Not part
//! of the stable API.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// One request as received.
#[derive(Debug, Clone, Default)]
pub struct Recorded {
    /// `GET`, `POST`...
    pub method: String,
    /// The path, still percent-encoded.
    pub path: String,
    /// The raw query string (without `?`), empty if none.
    pub query: String,
    /// Headers in order, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

/// The decoded pairs of an urlencoded query or form.
fn decode(encoded: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(encoded).into_owned().collect()
}

/// The value of the first pair named `name`.
fn value_of(pairs: Vec<(String, String)>, name: &str) -> Option<String> {
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

impl Recorded {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The decoded query pairs.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        decode(self.query.as_bytes())
    }

    /// One decoded query value.
    pub fn query_value(&self, name: &str) -> Option<String> {
        value_of(self.query_pairs(), name)
    }

    /// The body as text.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The decoded form fields of an urlencoded body.
    pub fn form(&self) -> Vec<(String, String)> {
        decode(&self.body)
    }

    /// One decoded form field.
    pub fn form_value(&self, name: &str) -> Option<String> {
        value_of(self.form(), name)
    }

    /// The body as JSON (Null if it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The user and password of a Basic authorization header.
    pub fn basic_auth(&self) -> Option<(String, String)> {
        use base64::Engine as _;
        let b64 = self.header("authorization")?.strip_prefix("Basic ")?;
        let raw = base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .ok()?;
        let text = String::from_utf8(raw).ok()?;
        let (u, p) = text.split_once(':')?;
        Some((u.to_owned(), p.to_owned()))
    }
}

/// An answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, value: Value) -> Reply {
        Reply::typed(status, "application/json", value.to_string())
    }

    /// A plain-text answer.
    pub fn text(status: u16, body: &str) -> Reply {
        Reply::typed(status, "text/plain", body.to_owned())
    }

    /// An XML answer.
    pub fn xml(status: u16, body: &str) -> Reply {
        Reply::typed(status, "text/xml", body.to_owned())
    }

    /// An answer with a content type.
    pub fn typed(status: u16, content_type: &str, body: String) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into_bytes(),
        }
    }

    /// An empty answer.
    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

type Handler = Arc<dyn Fn(&Recorded) -> Reply + Send + Sync>;

/// How the fake behaves.
#[derive(Debug, Clone, Copy, Default)]
pub struct FakeOptions {
    /// Latency added before each answer.
    pub delay: Duration,
    /// Never answer (reads the request, then waits forever).
    pub hang: bool,
}

#[derive(Default)]
struct Shared {
    requests: Mutex<Vec<Recorded>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    connections: AtomicUsize,
}

/// A running fake. Stops (with all its connections) when dropped.
pub struct FakeServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: CancellationToken,
}

impl FakeServer {
    /// Starts a fake answering through `handler`.
    pub async fn start(handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> FakeServer {
        FakeServer::start_with(FakeOptions::default(), handler).await
    }

    /// Starts a fake with options.
    /// A server that reads each request and never answers (timeouts).
    pub async fn hanging() -> FakeServer {
        let options = FakeOptions {
            hang: true,
            ..Default::default()
        };
        FakeServer::start_with(options, |_| Reply::empty(200)).await
    }

    pub async fn start_with(
        options: FakeOptions,
        handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static,
    ) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let shared = Arc::new(Shared::default());
        let stop = CancellationToken::new();
        let handler: Handler = Arc::new(handler);
        let (s, st) = (shared.clone(), stop.clone());
        tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    _ = st.cancelled() => break,
                    a = listener.accept() => a,
                };
                let Ok((stream, _)) = accepted else { continue };
                s.connections.fetch_add(1, Ordering::SeqCst);
                let (s, st, h) = (s.clone(), st.clone(), handler.clone());
                tokio::spawn(async move {
                    tokio::select! {
                        _ = st.cancelled() => {}
                        _ = serve(stream, s, h, options) => {}
                    }
                });
            }
        });
        FakeServer { addr, shared, stop }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The most requests handled at the same time so far.
    pub fn max_in_flight(&self) -> usize {
        self.shared.max_in_flight.load(Ordering::SeqCst)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Forgets recorded requests and counters.
    pub fn reset(&self) {
        self.shared
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        self.shared.max_in_flight.store(0, Ordering::SeqCst);
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

async fn serve(mut stream: TcpStream, shared: Arc<Shared>, handler: Handler, options: FakeOptions) {
    let _ = stream.set_nodelay(true);
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    loop {
        let Some(request) = read_request(&mut stream, &mut buf).await else {
            return;
        };
        shared
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(request.clone());
        let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        shared.max_in_flight.fetch_max(now, Ordering::SeqCst);
        if options.hang {
            std::future::pending::<()>().await;
        }
        if !options.delay.is_zero() {
            tokio::time::sleep(options.delay).await;
        }
        let reply = handler(&request);
        shared.in_flight.fetch_sub(1, Ordering::SeqCst);
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nConnection: keep-alive\r\n",
            reply.status,
            reason(reply.status),
            reply.body.len()
        );
        for (k, v) in &reply.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        if stream.write_all(head.as_bytes()).await.is_err()
            || stream.write_all(&reply.body).await.is_err()
        {
            return;
        }
    }
}

async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Recorded> {
    let head_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let body_start = head_end + 4;
    while buf.len() < body_start + length {
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf[body_start..body_start + length].to_vec();
    buf.drain(..body_start + length);
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), q.to_owned()),
        None => (target, String::new()),
    };
    Some(Recorded {
        method,
        path,
        query,
        headers,
        body,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
