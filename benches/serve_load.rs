//! Door lists under load: 50 institution users download their own door lists at once, again
//! and again, while the server's worker plans a 100,000-registration quarter. Prints the
//! latency percentiles BENCHMARKS.md records ("On line").
//!
//! `cargo bench --bench serve_load` (release build; ROUNDS=N sets downloads per user, 20).

#[path = "../tests/common/server.rs"]
mod server;

use exam_planner::{generate, serve};
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

const USERS: usize = 50;

/// A case folder as a zip (the tests' helper: the same packing an office's upload has).
fn zip_folder(dir: &Path) -> Vec<u8> {
    server::zip_case(dir, |_, bytes| bytes)
}

struct Session {
    client: reqwest::Client,
    csrf: String,
}

async fn login(base: &str, name: &str, password: &str) -> Session {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let v: Value = client
        .post(format!("{base}/api/session"))
        .json(&json!({ "username": name, "password": password }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Session {
        client,
        csrf: v["csrf"].as_str().unwrap().to_string(),
    }
}

async fn post(s: &Session, url: String, body: Vec<u8>) -> Value {
    let r = s
        .client
        .post(url)
        .header("x-csrf-token", &s.csrf)
        .header("content-type", "application/zip")
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    r.json().await.unwrap()
}

async fn job(s: &Session, base: &str, id: i64) -> Value {
    s.client
        .get(format!("{base}/api/jobs/{id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn wait(s: &Session, base: &str, id: i64) {
    loop {
        let v = job(s, base, id).await;
        match v["state"].as_str().unwrap() {
            "done" => return,
            "failed" => panic!("{v}"),
            _ => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` runs this too: only a real bench run measures
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(20);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("load.db");
        let options = serve::Options::default();
        let app = serve::open(&db, &options).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { serve::serve_on(listener, app, &options).await });
        let password = serve::add_user(&db, "province", "province", None).unwrap();
        let province = login(&base, "province", &password).await;

        // the quarter whose door lists are downloaded: data/hunan, planned
        let hunan = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/hunan");
        let q: Value = post(&province, format!("{base}/api/quarters"), zip_folder(&hunan)).await;
        let q = q["id"].as_i64().unwrap();
        let j = post(&province, format!("{base}/api/quarters/{q}/plan"), vec![]).await;
        wait(&province, &base, j["job"].as_i64().unwrap()).await;
        let detail: Value = province
            .client
            .get(format!("{base}/api/quarters/{q}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let books: Vec<String> = detail["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f.as_str()?.strip_prefix("institutions/")?.strip_suffix(".xlsx").map(str::to_string))
            .collect();
        let mut users = Vec::new();
        for k in 0..USERS {
            let id = &books[k % books.len()];
            let name = format!("inst-{k}");
            let password = serve::add_user(&db, &name, "institution", Some(id)).unwrap();
            users.push((login(&base, &name, &password).await, id.clone()));
        }

        // the plan that runs meanwhile: a generated 100,000-registration quarter
        let big = dir.path().join("big");
        let spec = generate::Spec {
            seed: 11,
            candidates: 100_000,
            institution_scale: None,
            weekends: None,
            quarter: (2026, 3),
            demand_only: false,
            mix: Default::default(),
        };
        generate::generate(&spec, &big).unwrap();
        let bq: Value = post(&province, format!("{base}/api/quarters"), zip_folder(&big)).await;
        let bj = post(
            &province,
            format!("{base}/api/quarters/{}/plan", bq["id"].as_i64().unwrap()),
            vec![],
        )
        .await;
        let bj = bj["job"].as_i64().unwrap();
        while job(&province, &base, bj).await["state"] != "running" {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }

        let clock = Instant::now();
        let tasks: Vec<_> = users
            .into_iter()
            .map(|(s, id)| {
                let url = format!("{base}/api/quarters/{q}/files/institutions/{id}.xlsx");
                tokio::spawn(async move {
                    let mut times = Vec::with_capacity(rounds);
                    for _ in 0..rounds {
                        let t = Instant::now();
                        let r = s.client.get(&url).send().await.unwrap();
                        assert_eq!(r.status(), 200);
                        let bytes = r.bytes().await.unwrap();
                        assert!(bytes.starts_with(b"PK"));
                        times.push(t.elapsed().as_secs_f64() * 1000.0);
                    }
                    times
                })
            })
            .collect();
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        let wall = clock.elapsed().as_secs_f64();
        let state = job(&province, &base, bj).await;
        all.sort_by(|a, b| a.total_cmp(b));
        println!(
            "{USERS} users x {rounds} door-list downloads = {} requests in {wall:.2} s ({:.0}/s); the plan job was {} at the end ({})",
            all.len(),
            all.len() as f64 / wall,
            state["state"],
            state["stage"]
        );
        println!(
            "latency ms: p50 {:.1}  p90 {:.1}  p99 {:.1}  max {:.1}",
            percentile(&all, 0.5),
            percentile(&all, 0.9),
            percentile(&all, 0.99),
            all[all.len() - 1]
        );
    });
}
