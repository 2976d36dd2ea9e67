//! `exam-planner serve` through a real HTTP client, against the server on a random port: every
//! role against every endpoint (allowed, 404 outside scope, 403 without CSRF, 401 without a
//! session), the login throttle, hostile zips, and a job cut by a stop.

mod common;
#[path = "common/server.rs"]
mod server;

use exam_planner::serve;
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::{hunan, start, zip_case, Server};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

/// The first institution of data/hunan outside 长沙市 (prefecture 4301) that `seats` (a plan's
/// file list) holds a workbook for, and its prefecture's code.
fn outside_changsha(files: &Value) -> (String, String) {
    let rows = common::csv_rows(&hunan().join("institutions.csv"));
    let inst = rows
        .iter()
        .find(|r| {
            r.get("prefecture") != "长沙市"
                && files
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|f| f == &format!("institutions/{}.xlsx", r.get("id")))
        })
        .unwrap();
    let pref = common::csv_rows(&hunan().join("prefectures.csv"))
        .into_iter()
        .find(|p| p.get("name") == inst.get("prefecture"))
        .unwrap();
    (inst.get("id").to_string(), pref.get("code").to_string())
}

fn csv_column(text: &str, column: &str) -> Vec<String> {
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let k = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap();
    r.records().map(|x| x.unwrap()[k].to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_against_every_endpoint() {
    let server = start().await;
    let province = server
        .login("省考试院", &server.user("省考试院", "province", None))
        .await;
    let changsha = server
        .login(
            "长沙市",
            &server.user("长沙市", "prefecture", Some("430100")),
        )
        .await;
    let i001 = server
        .login("I001", &server.user("I001", "institution", Some("I001")))
        .await;
    let anon = server.anonymous();
    let zip = zip_case(&hunan(), |_, b| b);

    // 401 without a session, on every endpoint
    for path in [
        "/api/quarters",
        "/api/quarters/1",
        "/api/quarters/1/summary",
        "/api/quarters/1/files/seats.csv",
        "/api/jobs/1",
        "/api/jobs/1/files/scenarios.csv",
        "/api/audit",
    ] {
        assert_eq!(anon.status(path).await, StatusCode::UNAUTHORIZED, "{path}");
    }
    for path in [
        "/api/quarters",
        "/api/quarters/1/plan",
        "/api/quarters/1/publish",
        "/api/quarters/1/replan",
        "/api/quarters/1/whatif",
        "/api/quarters/1/exam-day",
    ] {
        let r = anon.post(path, vec![], "application/zip").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    // 403 without the CSRF token, on every state-changing endpoint
    for path in [
        "/api/quarters",
        "/api/quarters/1/plan",
        "/api/quarters/1/publish",
        "/api/quarters/1/replan",
        "/api/quarters/1/whatif",
        "/api/quarters/1/exam-day",
    ] {
        // no body: a refused request is answered before its body is read, and a client still
        // sending a large one may see the connection close instead of the answer
        let r = province
            .send(
                reqwest::Method::POST,
                path,
                vec![],
                "application/zip",
                false,
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let r = province
        .send(
            reqwest::Method::DELETE,
            "/api/session",
            vec![],
            "text/plain",
            false,
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // upload: the province only
    for s in [&changsha, &i001] {
        let r = s
            .post("/api/quarters", zip.clone(), "application/zip")
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
    let r = province
        .post("/api/quarters", zip.clone(), "application/zip")
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: Value = r.json().await.unwrap();
    assert_eq!(created["errors"], 0);
    assert!(
        created["warnings"].as_u64().unwrap() > 0,
        "data/hunan has warnings"
    );
    let q = created["id"].as_i64().unwrap();
    assert_eq!(
        anon.status(&format!("/api/quarters/{q}")).await,
        StatusCode::UNAUTHORIZED
    );

    // every role sees the quarter; nothing to download before a plan
    for s in [&province, &changsha, &i001] {
        let list: Value = s.get("/api/quarters").await.json().await.unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(
            s.status(&format!("/api/quarters/{q}/summary")).await,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        province.status("/api/quarters/99").await,
        StatusCode::NOT_FOUND
    );

    // plan: the province only; a job with progress, then a draft version
    for s in [&changsha, &i001] {
        let r = s
            .post(&format!("/api/quarters/{q}/plan"), vec![], "text/plain")
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
    let job = province
        .start_job(&format!("/api/quarters/{q}/plan"), vec![], "text/plain")
        .await;
    let done = province.wait(job).await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["progress"], 1.0);
    assert_eq!(done["version"], 1);
    let (far_inst, far_pref) = outside_changsha(&done["files"]);
    let far = server
        .login("远方", &server.user("远方", "prefecture", Some(&far_pref)))
        .await;
    let faraway_inst = server
        .login(
            "far-inst",
            &server.user("far-inst", "institution", Some(&far_inst)),
        )
        .await;
    for s in [&far, &faraway_inst] {
        let list: Value = s.get("/api/quarters").await.json().await.unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1);
    }

    // the summary is everyone's; it is the plan's own summary.json
    let summary: Value =
        serde_json::from_str(&i001.text(&format!("/api/quarters/{q}/summary")).await).unwrap();
    assert_eq!(summary["candidates"], 20000);
    let seated = summary["seated"].as_u64().unwrap() as usize;

    // seats.csv: whole for the province, the prefecture's rows, the institution's rows
    let all = province
        .text(&format!("/api/quarters/{q}/files/seats.csv"))
        .await;
    assert_eq!(csv_column(&all, "ticket_no").len(), seated);
    let cs = changsha
        .text(&format!("/api/quarters/{q}/files/seats.csv"))
        .await;
    let homes = csv_column(&cs, "home_prefecture");
    let venues = csv_column(&cs, "venue_prefecture");
    assert!(!homes.is_empty() && homes.len() < seated);
    assert!(homes
        .iter()
        .zip(&venues)
        .all(|(h, v)| h == "长沙市" || v == "长沙市"));
    let expected = csv_column(&all, "home_prefecture")
        .iter()
        .zip(csv_column(&all, "venue_prefecture"))
        .filter(|(h, v)| *h == "长沙市" || v == "长沙市")
        .count();
    assert_eq!(homes.len(), expected, "every 长沙 row, no other");
    let own = i001
        .text(&format!("/api/quarters/{q}/files/seats.csv"))
        .await;
    let ids = csv_column(&own, "institution_id");
    assert!(!ids.is_empty() && ids.iter().all(|i| i == "I001"));
    assert_eq!(
        ids.len(),
        csv_column(&all, "institution_id")
            .iter()
            .filter(|i| *i == "I001")
            .count()
    );
    // ID numbers stay whole in seats.csv for whoever may read it; the door lists mask them
    // door lists: own institution, own prefecture's institutions; 404 for anything else
    let own_book = format!("/api/quarters/{q}/files/institutions/I001.xlsx");
    let far_book = format!("/api/quarters/{q}/files/institutions/{far_inst}.xlsx");
    assert_eq!(i001.status(&own_book).await, StatusCode::OK);
    assert_eq!(i001.status(&far_book).await, StatusCode::NOT_FOUND);
    assert_eq!(faraway_inst.status(&far_book).await, StatusCode::OK);
    assert_eq!(changsha.status(&own_book).await, StatusCode::OK);
    assert_eq!(changsha.status(&far_book).await, StatusCode::NOT_FOUND);
    assert_eq!(far.status(&far_book).await, StatusCode::OK);
    for s in [&changsha, &i001] {
        assert_eq!(
            s.status(&format!("/api/quarters/{q}/files/plan.xlsx"))
                .await,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            s.status(&format!("/api/quarters/{q}/files/../t.db")).await,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        i001.status(&format!("/api/quarters/{q}/files/report.html"))
            .await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        province
            .status(&format!("/api/quarters/{q}/files/plan.xlsx"))
            .await,
        StatusCode::OK
    );
    assert_eq!(
        province
            .status(&format!("/api/quarters/{q}/files/nothing.csv"))
            .await,
        StatusCode::NOT_FOUND
    );
    // the plan job's files are the version's, filtered alike
    assert_eq!(
        i001.status(&format!("/api/jobs/{job}/files/institutions/I001.xlsx"))
            .await,
        StatusCode::OK
    );
    assert_eq!(
        i001.status(&format!("/api/jobs/{job}/files/plan.xlsx"))
            .await,
        StatusCode::NOT_FOUND
    );

    // what-if: prefectures (their own prefecture only) and the province
    let own_room = "[[scenario]]\nname = \"I001 加考场\"\nadd_room = [{ institution_id = \"I001\", room_id = \"NEW\", seats = 240 }]\n".to_string();
    let far_room = format!(
        "[[scenario]]\nname = \"别处加考场\"\nadd_room = [{{ institution_id = \"{far_inst}\", room_id = \"NEW\", seats = 240 }}]\n"
    );
    let r = i001
        .post(
            &format!("/api/quarters/{q}/whatif"),
            own_room.clone().into(),
            "text/plain",
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = changsha
        .post(
            &format!("/api/quarters/{q}/whatif"),
            far_room.into(),
            "text/plain",
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = changsha
        .post(
            &format!("/api/quarters/{q}/whatif"),
            b"not toml [".to_vec(),
            "text/plain",
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let whatif = changsha
        .start_job(
            &format!("/api/quarters/{q}/whatif"),
            own_room.into(),
            "text/plain",
        )
        .await;
    let done = changsha.wait(whatif).await;
    assert_eq!(done["state"], "done", "{done}");
    assert!(done["files"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "scenarios.csv"));
    let scenarios = changsha
        .text(&format!("/api/jobs/{whatif}/files/scenarios.csv"))
        .await;
    assert!(scenarios.contains("I001 加考场"));
    assert_eq!(
        province.status(&format!("/api/jobs/{whatif}")).await,
        StatusCode::OK
    );
    for s in [&far, &i001] {
        assert_eq!(
            s.status(&format!("/api/jobs/{whatif}")).await,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            s.status(&format!("/api/jobs/{whatif}/files/scenarios.csv"))
                .await,
            StatusCode::NOT_FOUND
        );
    }

    // publish: the province, once; then plan is 409
    let r = changsha
        .post(&format!("/api/quarters/{q}/publish"), vec![], "text/plain")
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = province
        .post(&format!("/api/quarters/{q}/publish"), vec![], "text/plain")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = province
        .post(&format!("/api/quarters/{q}/publish"), vec![], "text/plain")
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = province
        .post(&format!("/api/quarters/{q}/plan"), vec![], "text/plain")
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // exam day on the published version: each institution its own papers
    let seed = serde_json::to_vec(&json!({ "seed": "2026年第三季度考务" })).unwrap();
    let r = changsha
        .post(
            &format!("/api/quarters/{q}/exam-day"),
            seed.clone(),
            "application/json",
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let done = province
        .run_job(
            &format!("/api/quarters/{q}/exam-day"),
            seed,
            "application/json",
        )
        .await;
    assert_eq!(done["state"], "done", "{done}");
    let papers = format!("/api/quarters/{q}/files/exam-day/I001.xlsx");
    assert_eq!(i001.status(&papers).await, StatusCode::OK);
    assert_eq!(faraway_inst.status(&papers).await, StatusCode::NOT_FOUND);
    let roster = i001
        .text(&format!("/api/quarters/{q}/files/roster.csv"))
        .await;
    assert!(csv_column(&roster, "institution_id")
        .iter()
        .all(|i| i == "I001"));
    assert_eq!(
        i001.status(&format!("/api/quarters/{q}/files/dispatch.csv"))
            .await,
        StatusCode::NOT_FOUND
    );

    // replan: a registration withdrawn makes version 2 with its changes
    let changed = zip_case(&hunan(), |name, bytes| {
        if name != "candidates.csv" {
            return bytes;
        }
        let text = String::from_utf8(bytes).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        lines.remove(1);
        (lines.join("\n") + "\n").into_bytes()
    });
    let r = i001
        .post(
            &format!("/api/quarters/{q}/replan"),
            changed.clone(),
            "application/zip",
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let done = province
        .run_job(
            &format!("/api/quarters/{q}/replan"),
            changed,
            "application/zip",
        )
        .await;
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["version"], 2);
    let changes = province
        .text(&format!("/api/quarters/{q}/files/changes.csv"))
        .await;
    assert!(changes.contains("withdrawn"), "{changes}");
    let mine = i001
        .text(&format!("/api/quarters/{q}/files/changes.csv"))
        .await;
    let olds = csv_column(&mine, "old_institution_id");
    let news = csv_column(&mine, "new_institution_id");
    assert!(olds
        .iter()
        .zip(&news)
        .all(|(o, n)| o == "I001" || n == "I001"));
    let detail: Value = province
        .get(&format!("/api/quarters/{q}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(detail["version"], 2);
    assert_eq!(detail["published"], false);

    // every version keeps its files: version 1's seats as they were published
    let v1 = i001
        .text(&format!("/api/quarters/{q}/versions/1/files/seats.csv"))
        .await;
    assert_eq!(v1, own);
    assert_eq!(
        i001.status(&format!("/api/quarters/{q}/versions/9/files/seats.csv"))
            .await,
        StatusCode::NOT_FOUND
    );

    // the audit log: the province's alone, every action, downloads with their hash
    let _ = server
        .anonymous()
        .client
        .post(format!("{}/api/session", server.base))
        .json(&json!({ "username": "I001", "password": "wrong" }))
        .send()
        .await
        .unwrap();
    assert_eq!(changsha.status("/api/audit").await, StatusCode::FORBIDDEN);
    let audit: Value = province.get("/api/audit").await.json().await.unwrap();
    let rows = audit.as_array().unwrap();
    for action in [
        "login",
        "login_failed",
        "upload",
        "plan",
        "publish",
        "whatif",
        "exam_day",
        "replan",
        "download",
    ] {
        assert!(
            rows.iter().any(|r| r["action"] == action),
            "no {action} in the audit log"
        );
    }
    let download = rows
        .iter()
        .find(|r| {
            r["action"] == "download"
                && r["user"] == "I001"
                && r["target"].as_str().unwrap().ends_with("/seats.csv")
        })
        .expect("I001's seats.csv download is audited");
    assert_eq!(
        download["sha256"].as_str().unwrap(),
        exam_planner::digest::sha256_hex(own.as_bytes())
    );

    // log out: the session ends
    let r = i001
        .send(
            reqwest::Method::DELETE,
            "/api/session",
            vec![],
            "text/plain",
            true,
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(i001.status("/api/quarters").await, StatusCode::UNAUTHORIZED);
    // a disabled user's session ends at once, and the name cannot log in again
    let out = common::run(&[
        "users",
        "disable",
        "长沙市",
        "--db",
        server.db.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert_eq!(
        changsha.status("/api/quarters").await,
        StatusCode::UNAUTHORIZED
    );
    let bad = common::run(&[
        "users",
        "add",
        "x",
        "--role",
        "prefecture",
        "--db",
        server.db.to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(1), "a prefecture needs its code");
    drop(server.dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_failed_logins_close_the_name_for_fifteen_minutes() {
    let server = start().await;
    let password = server.user("省考试院", "province", None);
    let other = server.user("株洲市", "prefecture", Some("4302"));
    let client = reqwest::Client::new();
    let attempt = |name: &str, password: &str| {
        client
            .post(format!("{}/api/session", server.base))
            .json(&json!({ "username": name, "password": password }))
            .send()
    };
    for _ in 0..5 {
        assert_eq!(
            attempt("省考试院", "wrong").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let r = attempt("省考试院", &password).await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password"
    );
    let wait: i64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 0 && wait <= 15 * 60);
    assert_eq!(
        attempt("株洲市", &other).await.unwrap().status(),
        StatusCode::OK,
        "another name is open"
    );
    assert_eq!(
        attempt("nobody", "x").await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_zips_are_refused_and_nothing_is_stored() {
    let server = start().await;
    let province = server.login("p", &server.user("p", "province", None)).await;
    let raw = |entries: &[(&str, Vec<u8>)]| {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in entries {
            w.start_file(*name, opts).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    };
    let bomb = vec![b'0'; 300 << 20];
    let broken_case = zip_case(&hunan(), |name, bytes| {
        if name == "rooms.csv" {
            let mut t = String::from_utf8(bytes).unwrap();
            t.push_str("I001,R99,not-a-number,1080\n");
            t.into_bytes()
        } else {
            bytes
        }
    });
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "parent path",
            raw(&[("../../evil.csv", b"x".to_vec())]),
            "../../evil.csv",
        ),
        (
            "absolute",
            raw(&[("/tmp/evil.csv", b"x".to_vec())]),
            "/tmp/evil.csv",
        ),
        ("bomb", raw(&[("candidates.csv", bomb)]), "candidates.csv"),
        (
            "not a zip",
            b"PK\x03\x04 but not really".to_vec(),
            "(上传的压缩包)",
        ),
        ("case with errors", broken_case, "rooms.csv"),
    ];
    for (what, body, file) in cases {
        let r = province
            .post("/api/quarters", body, "application/zip")
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        let v: Value = r.json().await.unwrap();
        let diags = v["diagnostics"].as_array().unwrap();
        let hit = diags
            .iter()
            .find(|d| d["file"] == file && d["severity"] == "error")
            .unwrap_or_else(|| panic!("{what}: {v}"));
        if what == "case with errors" {
            assert!(hit["line"].as_u64().unwrap() > 1, "{hit}");
            assert!(hit["column"].is_string(), "{hit}");
        }
    }
    let list: Value = province.get("/api/quarters").await.json().await.unwrap();
    assert_eq!(list, json!([]));
    // nothing escaped: no evil.csv anywhere, no blob kept, the work folder empty
    assert!(!Path::new("/tmp/evil.csv").exists());
    let side = server.dir.path().join("exam-planner.db.files");
    let mut found = Vec::new();
    let mut stack = vec![server.dir.path().to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.starts_with(side.join("work"))
                || p.starts_with(side.join("blobs"))
                || p.ends_with("evil.csv")
            {
                found.push(p);
            }
        }
    }
    assert!(found.is_empty(), "{found:?}");
    // a body over the cap is refused before it is read whole (a small one: it fits the
    // socket buffers, so the client has sent it all when the answer comes)
    let small = serve::Options {
        body_limit: 64 << 10,
        ..serve::Options::default()
    };
    let app = serve::open(&server.dir.path().join("small.db"), &small).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { serve::serve_on(listener, app, &small).await });
    let password =
        serve::add_user(&server.dir.path().join("small.db"), "p", "province", None).unwrap();
    let s = Server {
        base,
        db: server.dir.path().join("small.db"),
        dir: tempfile::tempdir().unwrap(),
    };
    let province = s.login("p", &password).await;
    let r = province
        .post("/api/quarters", vec![0u8; 100 << 10], "application/zip")
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

/// A server process on a free port (the binary, as deployed).
fn spawn_binary(db: &Path, port: u16) -> std::process::Child {
    let child = common::bin()
        .args([
            "serve",
            "--db",
            db.to_str().unwrap(),
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let clock = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            clock.elapsed() < Duration::from_secs(30),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_cut_by_a_stop_is_failed_after_restart_and_the_database_is_intact() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("exam-planner.db");
    let added = common::run(&[
        "users",
        "add",
        "省考试院",
        "--role",
        "province",
        "--db",
        db.to_str().unwrap(),
    ]);
    assert!(added.status.success(), "{}", common::stderr(&added));
    let out = common::stdout(&added);
    let password = out
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .expect("the password is printed once")
        .to_string();
    let listed = common::run(&["users", "list", "--db", db.to_str().unwrap()]);
    assert!(
        !common::stdout(&listed).contains(&password),
        "never printed again"
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = Server {
        base: format!("http://127.0.0.1:{port}"),
        db: db.clone(),
        dir: tempfile::tempdir().unwrap(),
    };
    let mut child = spawn_binary(&db, port);
    let province = server.login("省考试院", &password).await;
    let r = province
        .post(
            "/api/quarters",
            zip_case(&hunan(), |_, b| b),
            "application/zip",
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let job = province
        .start_job("/api/quarters/1/plan", vec![], "text/plain")
        .await;
    // stop the server while the plan runs (as a crash or a power cut would)
    let clock = Instant::now();
    loop {
        let v: Value = province
            .get(&format!("/api/jobs/{job}"))
            .await
            .json()
            .await
            .unwrap();
        if v["state"] == "running" {
            break;
        }
        assert_eq!(v["state"], "queued");
        assert!(clock.elapsed() < Duration::from_secs(60));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let mut child = spawn_binary(&db, port);
    let province = server.login("省考试院", &password).await;
    let v: Value = province
        .get(&format!("/api/jobs/{job}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["state"], "failed", "{v}");
    assert!(v["error"].as_str().unwrap().contains("停止"), "{v}");
    let detail: Value = province.get("/api/quarters/1").await.json().await.unwrap();
    assert_eq!(detail["version"], Value::Null, "no half version: {detail}");
    // the quarter is intact and plans again
    let again = province
        .run_job("/api/quarters/1/plan", vec![], "text/plain")
        .await;
    assert_eq!(again["state"], "done");
    child.kill().unwrap();
    child.wait().unwrap();
}
