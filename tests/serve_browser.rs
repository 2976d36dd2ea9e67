//! The server's pages as an officer uses them, in headless Chromium driven over WebDriver
//! (Debian's chromium and chromium-driver, which scripts/test.sh installs): log in, see a bad
//! upload's diagnostics table, upload data/hunan, watch the plan's progress bar finish, open the
//! report, publish, read the audit log; then a prefecture runs a what-if from its form.

mod common;
#[path = "common/server.rs"]
mod server;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use server::{hunan, start, zip_case};
use std::time::{Duration, Instant};

/// chromedriver on a free port, killed when dropped.
struct Driver {
    child: std::process::Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn chromedriver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chromedriver must be installed (scripts/test.sh installs chromium-driver)");
    let clock = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            clock.elapsed() < Duration::from_secs(30),
            "chromedriver did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Driver { child, port }
}

async fn browser(driver: &Driver, profile: &std::path::Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", format!("--user-data-dir={}", profile.display()),
            ]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a Chromium session")
}

/// The element once the page shows it: a submitted form's answer arrives after `submit`
/// returns (Argon2id and a loaded CI machine make that take a while), so a plain `find`
/// right after it may still look at the old page.
async fn appears(c: &Client, what: Locator<'_>) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(300))
        .every(Duration::from_millis(100))
        .for_element(what)
        .await
        .unwrap_or_else(|e| panic!("waited too long for {what:?}: {e}"))
}

/// Waits until `probe` says yes (the page changes on its own: scripts, reloads).
async fn until<F, Fut>(what: &str, mut probe: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let clock = Instant::now();
    while !probe().await {
        assert!(
            clock.elapsed() < Duration::from_secs(300),
            "waited too long for {what}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_logs_in_uploads_plans_reads_the_report_and_publishes() {
    let server = start().await;
    let password = server.user("省考试院", "province", None);
    let zip = server.dir.path().join("湖南2026Q3.zip");
    std::fs::write(&zip, zip_case(&hunan(), |_, b| b)).unwrap();
    let driver = chromedriver();
    let profile = tempfile::tempdir().unwrap();
    let c = browser(&driver, profile.path()).await;

    // a page without a session sends the browser to the login form
    c.goto(&format!("{}/", server.base)).await.unwrap();
    assert!(c.current_url().await.unwrap().path().ends_with("/login"));
    let wrong = c.form(Locator::Css("form.login")).await.unwrap();
    wrong.set_by_name("username", "省考试院").await.unwrap();
    wrong.set_by_name("password", "wrong").await.unwrap();
    wrong.submit().await.unwrap();
    // the answer is a new page: wait for it rather than read the form page still showing
    let alert = appears(&c, Locator::Css("p.error"))
        .await
        .text()
        .await
        .unwrap();
    assert!(alert.contains("用户名或密码错误"), "{alert}");
    let form = c.form(Locator::Css("form.login")).await.unwrap();
    form.set_by_name("username", "省考试院").await.unwrap();
    form.set_by_name("password", &password).await.unwrap();
    form.submit().await.unwrap();
    until("the quarters page", || async {
        c.current_url().await.unwrap().path() == "/"
    })
    .await;
    let heading = appears(&c, Locator::Css("h1")).await.text().await.unwrap();
    assert_eq!(heading, "考试季度");

    // a case with an error: the page lists it as a table (file, line, column), nothing stored
    let broken = server.dir.path().join("有错误.zip");
    std::fs::write(
        &broken,
        zip_case(&hunan(), |name, bytes| {
            if name == "rooms.csv" {
                let mut t = String::from_utf8(bytes).unwrap();
                t.push_str("I001,R99,两百,1080\n");
                t.into_bytes()
            } else {
                bytes
            }
        }),
    )
    .unwrap();
    c.find(Locator::Id("case-zip"))
        .await
        .unwrap()
        .send_keys(broken.to_str().unwrap())
        .await
        .unwrap();
    c.find(Locator::Id("upload"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until("the diagnostics table", || async {
        c.find(Locator::Css("table.diagnostics tbody tr"))
            .await
            .is_ok()
    })
    .await;
    let row = c
        .find(Locator::Css("table.diagnostics tbody tr.error"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(row.starts_with("rooms.csv"), "{row}");
    assert!(row.contains("seats") && row.contains("错误"), "{row}");
    c.refresh().await.unwrap();
    assert!(
        c.find(Locator::Css("table tbody tr td a")).await.is_err(),
        "nothing stored"
    );

    // upload the case: the page moves to the new quarter
    c.find(Locator::Id("case-zip"))
        .await
        .unwrap()
        .send_keys(zip.to_str().unwrap())
        .await
        .unwrap();
    c.find(Locator::Id("upload"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until("the quarter page", || async {
        c.current_url().await.unwrap().path() == "/quarters/1"
    })
    .await;
    let version = appears(&c, Locator::Id("version"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(version, "尚未排考");

    // plan: a job row with a progress bar that the page keeps up to date until it is done
    c.find(Locator::Id("plan"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until("the job's row", || async {
        c.find(Locator::Css("tr.job progress")).await.is_ok()
    })
    .await;
    until("the plan to finish", || async {
        match c.find(Locator::Id("version")).await {
            Ok(e) => e.text().await.unwrap_or_default().contains("第 1 版"),
            Err(_) => false,
        }
    })
    .await;
    let state = c
        .find(Locator::Css("tr.job td.state"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(state, "完成");
    let bar = c.find(Locator::Css("tr.job progress")).await.unwrap();
    assert_eq!(bar.attr("value").await.unwrap().as_deref(), Some("1"));

    // the report opens in the browser with the plan's figures
    c.find(Locator::Id("report"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until("the report", || async {
        c.current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/files/report.html")
    })
    .await;
    let body = c
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        body.contains("19,501"),
        "seated in the report: {}",
        &body[..body.len().min(400)]
    );
    c.back().await.unwrap();

    // publish (after the confirmation): the version is read-only, the plan button gone
    c.find(Locator::Id("publish"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until("the confirmation", || async {
        c.get_alert_text().await.is_ok()
    })
    .await;
    c.accept_alert().await.unwrap();
    until("the published version", || async {
        match c.find(Locator::Id("version")).await {
            Ok(e) => e.text().await.unwrap_or_default().contains("已发布"),
            Err(_) => false,
        }
    })
    .await;
    assert!(c.find(Locator::Id("plan")).await.is_err());
    assert!(c.find(Locator::Id("publish")).await.is_err());
    // the door lists are offered for download
    let links = c.find_all(Locator::Css("ul.files a")).await.unwrap();
    let mut names = Vec::new();
    for l in &links {
        names.push(l.text().await.unwrap());
    }
    assert!(
        names.iter().any(|n| n == "institutions/I001.xlsx"),
        "{names:?}"
    );
    c.close().await.unwrap();
}
