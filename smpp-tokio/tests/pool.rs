//! The pool against two of our servers on loopback; counters and redaction.

use std::sync::atomic::Ordering;
use std::time::Duration;

use smpp_proto::pdu::{Bind, SubmitSm};
use smpp_proto::session::Outcome;
use smpp_tokio::{ClientBuilder, PoolBuilder, Reconnect, Server};

fn member(s: &std::net::SocketAddr) -> ClientBuilder {
    ClientBuilder::new(s.to_string())
        .system_id("user")
        .password("hunter22")
        .reconnect(Some(Reconnect {
            initial: Duration::from_millis(50),
            max: Duration::from_millis(200),
        }))
}

fn sm() -> SubmitSm {
    SubmitSm::new("Shop", "4512345678", &b"hi"[..])
}

fn requests(s: &Server) -> u64 {
    s.stats().requests.load(Ordering::Relaxed)
}

#[tokio::test]
async fn spreads_across_both_hosts() {
    let a = Server::builder().listen("127.0.0.1:0").await.unwrap();
    let b = Server::builder().listen("127.0.0.1:0").await.unwrap();
    let (pool, _ev) = PoolBuilder::new()
        .members(&member(&a.local_addr()), 2)
        .members(&member(&b.local_addr()), 2)
        .connect()
        .await
        .unwrap();
    // Wait for every member: connect returns once one is bound.
    let t0 = tokio::time::Instant::now();
    while pool.bound() < 4 && t0.elapsed() < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(pool.bound(), 4);
    assert_eq!(a.binds("user"), 2);
    assert_eq!(b.binds("user"), 2);
    let outs = futures_util::future::join_all((0..400).map(|_| pool.submit(sm()))).await;
    assert!(outs.iter().all(|o| matches!(o, Ok(Outcome::Ok(_)))));
    let (ra, rb) = (requests(&a), requests(&b));
    assert_eq!(ra + rb, 400);
    assert!(ra >= 100 && rb >= 100, "spread: {ra} / {rb}");
    let st = pool.stats();
    assert!(st.sent >= 404 && st.received >= 404, "{st:?}");
    assert_eq!(st.in_flight, 0);
    pool.unbind().await;
}

#[tokio::test]
async fn host_down_mid_load_then_back() {
    let a = Server::builder().listen("127.0.0.1:0").await.unwrap();
    let b = Server::builder().listen("127.0.0.1:0").await.unwrap();
    let b_addr = b.local_addr();
    let (pool, _ev) = PoolBuilder::new()
        .member(member(&a.local_addr()))
        .member(member(&b_addr))
        .connect()
        .await
        .unwrap();
    while pool.bound() < 2 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let p2 = pool.clone();
    let load = tokio::spawn(async move {
        let mut futs = Vec::new();
        for i in 0..600 {
            let p = p2.clone();
            futs.push(tokio::spawn(async move { p.submit(sm()).await }));
            if i % 10 == 0 {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        }
        let mut outs = Vec::new();
        for f in futs {
            outs.push(f.await.unwrap());
        }
        outs
    });
    tokio::time::sleep(Duration::from_millis(30)).await;
    b.shutdown().await;
    let b_before = requests(&b);
    drop(b);
    let outs = tokio::time::timeout(Duration::from_secs(20), load)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(outs.len(), 600, "every submit resolved exactly once");
    let ok = outs
        .iter()
        .filter(|o| matches!(o, Ok(Outcome::Ok(_))))
        .count();
    let lost = outs
        .iter()
        .filter(|o| matches!(o, Ok(Outcome::ConnectionLost | Outcome::Unbound)))
        .count();
    assert_eq!(ok + lost, 600, "{outs:?}");
    // Everything after the shutdown went to the other host, and nothing was sent
    // twice: the servers saw at most 600 (a request B took but whose answer was lost in
    // the shutdown resolves as lost, not ok).
    let seen = requests(&a) + b_before;
    assert!(seen >= ok as u64 && seen <= 600, "seen {seen}, ok {ok}");
    assert!(
        b_before > 0 && requests(&a) > 300,
        "{b_before} {}",
        requests(&a)
    );
    // The host returns on the same port: the member rebinds and is used again.
    let b2 = Server::builder().listen(&b_addr.to_string()).await.unwrap();
    let t0 = tokio::time::Instant::now();
    while pool.bound() < 2 && t0.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(pool.bound(), 2, "{:?}", pool.members());
    let outs = futures_util::future::join_all((0..100).map(|_| pool.submit(sm()))).await;
    assert!(outs.iter().all(|o| matches!(o, Ok(Outcome::Ok(_)))));
    assert!(requests(&b2) >= 20, "returned host used: {}", requests(&b2));
    pool.close().await;
}

#[tokio::test]
async fn starts_with_one_host_down_and_picks_it_up() {
    let a = Server::builder().listen("127.0.0.1:0").await.unwrap();
    // A port nobody listens on yet.
    let spare = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let b_addr = spare.local_addr().unwrap();
    drop(spare);
    let (pool, mut ev) = PoolBuilder::new()
        .member(member(&a.local_addr()))
        .member(member(&b_addr))
        .connect()
        .await
        .unwrap();
    assert!(pool.submit(sm()).await.unwrap().is_ok());
    let b = Server::builder().listen(&b_addr.to_string()).await.unwrap();
    let t0 = tokio::time::Instant::now();
    while pool.bound() < 2 && t0.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(pool.bound(), 2);
    let _ = futures_util::future::join_all((0..50).map(|_| pool.submit(sm()))).await;
    assert!(requests(&b) > 0);
    let mut saw = false;
    while let Ok(e) = ev.try_recv() {
        saw |= e.member == 1;
    }
    assert!(saw, "member 1 reported its attempts");
}

#[tokio::test]
async fn aggregate_rate_limit_is_respected() {
    let a = Server::builder().listen("127.0.0.1:0").await.unwrap();
    let b = Server::builder().listen("127.0.0.1:0").await.unwrap();
    let (pool, _ev) = PoolBuilder::new()
        .member(member(&a.local_addr()))
        .member(member(&b.local_addr()))
        .rate_limit(100)
        .connect()
        .await
        .unwrap();
    let t0 = tokio::time::Instant::now();
    let outs = futures_util::future::join_all((0..60).map(|_| pool.submit(sm()))).await;
    let took = t0.elapsed();
    assert!(outs.iter().all(|o| matches!(o, Ok(Outcome::Ok(_)))));
    // Burst of 10, then 50 more at 100/s: at least 0.5 s.
    assert!(took >= Duration::from_millis(480), "{took:?}");
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[tokio::test]
async fn debug_never_shows_the_password() {
    let b = member(&"127.0.0.1:1".parse().unwrap());
    let s = format!("{b:?}");
    assert!(!s.contains("hunter22"), "{s}");
    let p = PoolBuilder::new().member(b.clone()).members(&b, 2);
    let s = format!("{p:?} {p:#?}");
    assert!(!s.contains("hunter22"), "{s}");
    let bind = Bind::new("user", "hunter22");
    assert!(!format!("{bind:?}").contains("hunter22"));
}

#[tokio::test]
async fn client_stats_count() {
    let s = Server::builder().listen("127.0.0.1:0").await.unwrap();
    let (c, _ev) = member(&s.local_addr()).connect().await.unwrap();
    for _ in 0..10 {
        assert!(c.submit(sm()).await.unwrap().is_ok());
    }
    let st = c.stats();
    // bind + 10 submits out, bind_resp + 10 resps in.
    assert_eq!(st.sent, 11, "{st:?}");
    assert_eq!(st.received, 11, "{st:?}");
    assert_eq!(st.in_flight, 0);
    assert_eq!(st.timeouts, 0);
    assert!(c.is_bound());
}

#[tokio::test]
async fn send_text_through_the_pool() {
    let a = Server::builder().listen("127.0.0.1:0").await.unwrap();
    let b = Server::builder().listen("127.0.0.1:0").await.unwrap();
    let (pool, _ev) = PoolBuilder::new()
        .member(member(&a.local_addr()))
        .member(member(&b.local_addr()))
        .connect()
        .await
        .unwrap();
    let text = "€uro ".repeat(70); // 3 parts
    let sent = pool
        .send_text(
            "Shop",
            "4512345678",
            &text,
            &smpp_tokio::TextOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(sent.parts.len(), 3);
    assert!(sent.all_ok());
    assert_eq!(requests(&a) + requests(&b), 3);
    let m = pool.members();
    assert_eq!(m.len(), 2);
    assert!(m.iter().all(|m| m.in_flight == 0));
}
