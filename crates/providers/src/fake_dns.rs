//! A tiny DNS server on 127.0.0.1 (UDP) answering TXT and CNAME questions
//! from a table, for the troubleshooting tests (and the app's end-to-end
//! tests). A name in the table answers its records of the asked type (none:
//! an empty answer); a name not in it is NXDOMAIN. Records every question.
//! Not part of the stable API.

use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use hickory_proto::op::{Message, MessageType, ResponseCode};
use hickory_proto::rr::rdata::{CNAME, TXT};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use tokio::net::UdpSocket;
use tokio_util::sync::CancellationToken;

/// One record of the table: name (no trailing dot), `TXT` or `CNAME`, value.
pub type Entry = (String, String, String);

/// A running DNS server. Stops when dropped.
pub struct FakeDns {
    addr: SocketAddr,
    questions: Arc<Mutex<Vec<(String, String)>>>,
    stop: CancellationToken,
}

impl Drop for FakeDns {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

fn key(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// The answer to one query message, given the table.
fn answer(query: &Message, table: &[Entry]) -> Option<Message> {
    let question = query.queries().first()?;
    let name = key(&question.name().to_ascii());
    let kind = question.query_type();
    let mut reply = Message::new();
    reply
        .set_id(query.id())
        .set_message_type(MessageType::Response)
        .set_op_code(query.op_code())
        .set_recursion_desired(query.recursion_desired())
        .set_recursion_available(true)
        .set_authoritative(true)
        .add_query(question.clone());
    let known: Vec<&Entry> = table.iter().filter(|(n, _, _)| key(n) == name).collect();
    if known.is_empty() {
        reply.set_response_code(ResponseCode::NXDomain);
        return Some(reply);
    }
    for (_, ty, value) in known {
        let rdata = match (ty.as_str(), kind) {
            ("TXT", RecordType::TXT) => {
                // Strings of at most 255 bytes, as DNS requires.
                let parts = value
                    .as_bytes()
                    .chunks(255)
                    .map(|c| String::from_utf8_lossy(c).into_owned())
                    .collect();
                RData::TXT(TXT::new(parts))
            }
            ("CNAME", RecordType::CNAME) => {
                RData::CNAME(CNAME(Name::from_str(&format!("{}.", key(value))).ok()?))
            }
            _ => continue,
        };
        reply.add_answer(Record::from_rdata(question.name().clone(), 60, rdata));
    }
    Some(reply)
}

impl FakeDns {
    /// Starts a server answering from `table`: (name, `TXT`|`CNAME`, value).
    pub async fn start(table: &[(&str, &str, &str)]) -> FakeDns {
        let table: Vec<Entry> = table
            .iter()
            .map(|(n, t, v)| (n.to_string(), t.to_ascii_uppercase(), v.to_string()))
            .collect();
        let socket = UdpSocket::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        let addr = socket.local_addr().expect("local addr");
        let questions = Arc::new(Mutex::new(Vec::new()));
        let stop = CancellationToken::new();
        let (asked, st) = (questions.clone(), stop.clone());
        tokio::spawn(async move {
            let mut buf = vec![0u8; 4096];
            loop {
                let (n, from) = tokio::select! {
                    _ = st.cancelled() => return,
                    got = socket.recv_from(&mut buf) => match got {
                        Ok(got) => got,
                        Err(_) => continue,
                    },
                };
                let Ok(query) = Message::from_vec(&buf[..n]) else {
                    continue;
                };
                if let Some(q) = query.queries().first() {
                    let asked_name = key(&q.name().to_ascii());
                    asked
                        .lock()
                        .expect("questions")
                        .push((asked_name, q.query_type().to_string()));
                }
                if let Some(bytes) = answer(&query, &table).and_then(|m| m.to_vec().ok()) {
                    let _ = socket.send_to(&bytes, from).await;
                }
            }
        });
        FakeDns {
            addr,
            questions,
            stop,
        }
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every question asked so far: (name without trailing dot, type).
    pub fn questions(&self) -> Vec<(String, String)> {
        self.questions.lock().expect("questions").clone()
    }
}
