//! `smpp sim --metrics ADDR`: the simulator's counters in the Prometheus text exposition
//! format (0.0.4) over plain HTTP.
//!
//! A minimal HTTP/1.1 responder, enough for a scraper or `curl`: one request per
//! connection, `GET /metrics` answered with 200, any other path with 404, any other method
//! with 405; the connection is closed after the response. The request head is bounded in
//! size and time, its body (if any) ignored.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::sim::Counters;

/// Longest request head read before answering 431.
const MAX_HEAD: usize = 8 * 1024;
/// Time allowed for the request head (and for writing the answer).
const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// The counters as Prometheus text exposition format 0.0.4.
pub(crate) fn exposition(c: &Counters) -> String {
    let mut s = String::new();
    for (name, help, value) in c.fields() {
        let metric = format!("smpp_sim_{name}_total");
        s.push_str(&format!(
            "# HELP {metric} {help}\n# TYPE {metric} counter\n{metric} {value}\n"
        ));
    }
    s
}

/// Serves `l` until the task is aborted.
pub(crate) async fn serve(l: TcpListener, counters: Arc<Counters>) {
    loop {
        let Ok((tcp, _peer)) = l.accept().await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let c = counters.clone();
        tokio::spawn(async move {
            let _ = tokio::time::timeout(IO_TIMEOUT, answer(tcp, &c)).await;
        });
    }
}

/// Reads one request head and answers it.
async fn answer(mut tcp: TcpStream, c: &Counters) {
    let mut head = Vec::with_capacity(512);
    let mut buf = [0u8; 1024];
    let complete = loop {
        if head.windows(4).any(|w| w == b"\r\n\r\n") || head.windows(2).any(|w| w == b"\n\n") {
            break true;
        }
        if head.len() > MAX_HEAD {
            break false;
        }
        match tcp.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(k) => head.extend_from_slice(buf.get(..k).unwrap_or_default()),
        }
    };
    let (status, ctype, body) = if complete {
        route(&head, c)
    } else {
        (
            "431 Request Header Fields Too Large",
            "text/plain; charset=utf-8",
            "request head too large\n".to_owned(),
        )
    };
    let is_head = head.starts_with(b"HEAD ");
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if status.starts_with("405") {
        out.push_str("Allow: GET, HEAD\r\n");
    }
    out.push_str("\r\n");
    if !is_head {
        out.push_str(&body);
    }
    if tcp.write_all(out.as_bytes()).await.is_ok() {
        let _ = tcp.shutdown().await;
    }
}

/// Status line, content type and body for a complete request head.
fn route(head: &[u8], c: &Counters) -> (&'static str, &'static str, String) {
    const TEXT: &str = "text/plain; charset=utf-8";
    let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return ("400 Bad Request", TEXT, "bad request\n".to_owned());
    };
    if !version.starts_with("HTTP/1.") {
        return ("400 Bad Request", TEXT, "bad request\n".to_owned());
    }
    if method != "GET" && method != "HEAD" {
        return (
            "405 Method Not Allowed",
            TEXT,
            "method not allowed\n".to_owned(),
        );
    }
    let path = target.split(['?', '#']).next().unwrap_or_default();
    if path == "/metrics" {
        (
            "200 OK",
            "text/plain; version=0.0.4; charset=utf-8",
            exposition(c),
        )
    } else {
        (
            "404 Not Found",
            TEXT,
            "not found; try /metrics\n".to_owned(),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use super::*;

    #[test]
    fn exposition_has_help_type_and_value() {
        let c = Counters::default();
        c.submits.store(7, Ordering::Relaxed);
        let s = exposition(&c);
        assert!(s.contains("# HELP smpp_sim_submits_total "));
        assert!(s.contains("# TYPE smpp_sim_submits_total counter\n"));
        assert!(s.contains("\nsmpp_sim_submits_total 7\n"));
        assert!(s.contains("\nsmpp_sim_binds_refused_total 0\n"));
        assert_eq!(s.lines().filter(|l| l.starts_with("# TYPE")).count(), 11);
    }

    #[test]
    fn routes() {
        let c = Counters::default();
        assert_eq!(route(b"GET /metrics HTTP/1.1\r\n\r\n", &c).0, "200 OK");
        assert_eq!(route(b"GET /metrics?x=1 HTTP/1.0\r\n\r\n", &c).0, "200 OK");
        assert_eq!(route(b"GET / HTTP/1.1\r\n\r\n", &c).0, "404 Not Found");
        assert!(
            route(b"POST /metrics HTTP/1.1\r\n\r\n", &c)
                .0
                .starts_with("405")
        );
        assert!(route(b"\xff\xfe\r\n\r\n", &c).0.starts_with("400"));
        assert!(
            route(b"GET /metrics SMPP/3.4\r\n\r\n", &c)
                .0
                .starts_with("400")
        );
    }
}
