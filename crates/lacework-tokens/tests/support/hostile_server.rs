//! A hostile server on loopback, scripted by a test: each request's head goes to a function that
//! writes the whole answer. It does what the sandbox never would, such as echoing a request's
//! headers (secret and bearer included) before checking them, as a misconfigured gateway or a
//! hostile host might.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A running server (on its own thread, so that it needs nothing of the test's runtime).
pub struct HostileServer {
    pub base_url: String,
    requests: Arc<AtomicUsize>,
}

impl HostileServer {
    /// Answers every request with what `answer` makes of its head (request line and headers).
    pub fn start(answer: impl Fn(&str) -> Answer + Send + 'static) -> HostileServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = requests.clone();
        std::thread::spawn(move || {
            for mut socket in listener.incoming().flatten() {
                let Some(head) = read_request(&mut socket) else { continue };
                counter.fetch_add(1, Ordering::SeqCst);
                let Answer { status, headers, body } = answer(&head);
                let answer = format!(
                    "HTTP/1.1 {status} Hostile\r\n{headers}content-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes());
            }
        });
        HostileServer { base_url, requests }
    }

    /// Answers `status` with a JSON error body whose message holds the request's head.
    pub fn echoing_json(status: u16) -> HostileServer {
        HostileServer::start(move |head| Answer {
            status,
            headers: "content-type: application/json\r\n".to_owned(),
            body: serde_json::json!({ "message": format!("refused; you sent: {head}") }).to_string(),
        })
    }

    /// Answers `status` with a plain-text body that is the request's head.
    pub fn echoing_text(status: u16) -> HostileServer {
        HostileServer::start(move |head| Answer {
            status,
            headers: "content-type: text/plain\r\n".to_owned(),
            body: format!("refused; you sent:\n{head}"),
        })
    }

    /// How many requests it has answered.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// One answer: its status, extra header lines (each ending in CRLF) and body.
pub struct Answer {
    pub status: u16,
    pub headers: String,
    pub body: String,
}

/// Reads a request's head and its body (by `content-length`), and returns the head.
fn read_request(socket: &mut TcpStream) -> Option<String> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let n = socket.read(&mut chunk).ok().filter(|n| *n > 0)?;
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let length = head
        .lines()
        .find_map(|line| {
            line.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned())
        })
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let n = socket.read(&mut chunk).ok().filter(|n| *n > 0)?;
        buffer.extend_from_slice(&chunk[..n]);
    }
    Some(head)
}
