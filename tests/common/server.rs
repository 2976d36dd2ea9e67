//! A server on a random port and sessions against it, for the server's tests only (tests/serve.rs,
//! tests/serve_browser.rs).
#![allow(dead_code)]

use exam_planner::serve;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A server on a random port, its database in a temporary folder.
pub struct Server {
    pub base: String,
    pub db: PathBuf,
    pub dir: tempfile::TempDir,
}

pub async fn start() -> Server {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("exam-planner.db");
    let options = serve::Options::default();
    let app = serve::open(&db, &options).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { serve::serve_on(listener, app, &options).await });
    Server { base, db, dir }
}

impl Server {
    pub fn user(&self, name: &str, role: &str, scope: Option<&str>) -> String {
        serve::add_user(&self.db, name, role, scope).unwrap()
    }

    pub async fn login(&self, name: &str, password: &str) -> Session {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let r = client
            .post(format!("{}/api/session", self.base))
            .json(&json!({ "username": name, "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "login {name}");
        let cookie = r
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
        let v: Value = r.json().await.unwrap();
        Session {
            client,
            csrf: v["csrf"].as_str().unwrap().to_string(),
            base: self.base.clone(),
        }
    }

    /// A session-less client.
    pub fn anonymous(&self) -> Session {
        Session {
            client: reqwest::Client::new(),
            csrf: String::new(),
            base: self.base.clone(),
        }
    }
}

pub struct Session {
    pub client: reqwest::Client,
    pub csrf: String,
    pub base: String,
}

impl Session {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Vec<u8>,
        kind: &str,
        csrf: bool,
    ) -> reqwest::Response {
        let mut r = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("content-type", kind)
            .body(body);
        if csrf {
            r = r.header("x-csrf-token", &self.csrf);
        }
        r.send().await.unwrap()
    }

    pub async fn post(&self, path: &str, body: Vec<u8>, kind: &str) -> reqwest::Response {
        self.send(reqwest::Method::POST, path, body, kind, true)
            .await
    }

    pub async fn status(&self, path: &str) -> StatusCode {
        self.get(path).await.status()
    }

    pub async fn text(&self, path: &str) -> String {
        let r = self.get(path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        r.text().await.unwrap()
    }

    /// Polls a job until it is done or failed.
    pub async fn wait(&self, job: i64) -> Value {
        let clock = Instant::now();
        loop {
            let v: Value = self
                .get(&format!("/api/jobs/{job}"))
                .await
                .json()
                .await
                .unwrap();
            match v["state"].as_str().unwrap() {
                "done" | "failed" => return v,
                _ => {
                    assert!(clock.elapsed() < Duration::from_secs(600), "job {job}: {v}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }

    /// Posts a request that starts a job (answered 202 Accepted) and returns the job's number.
    pub async fn start_job(&self, path: &str, body: Vec<u8>, kind: &str) -> i64 {
        let r = self.post(path, body, kind).await;
        assert_eq!(r.status(), StatusCode::ACCEPTED, "{path}");
        let v: Value = r.json().await.unwrap();
        v["job"].as_i64().unwrap()
    }

    /// Starts a job and waits until it is done or failed.
    pub async fn run_job(&self, path: &str, body: Vec<u8>, kind: &str) -> Value {
        let job = self.start_job(path, body, kind).await;
        self.wait(job).await
    }
}

/// A case folder zipped as an office would (files inside one folder), with `edit` applied to
/// each file's bytes.
pub fn zip_case(dir: &Path, edit: impl Fn(&str, Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    names.sort();
    for path in names {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        w.start_file(format!("2026Q3/{name}"), opts).unwrap();
        w.write_all(&edit(&name, std::fs::read(&path).unwrap()))
            .unwrap();
    }
    w.finish().unwrap().into_inner()
}

pub fn hunan() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/hunan")
}
