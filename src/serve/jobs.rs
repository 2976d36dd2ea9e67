//! The job queue: plans, replans, what-ifs and exam days run here, off the request path, each
//! calling the same library functions as the command line.
//!
//! A job is a row (`queued` → `running` → `done` | `failed`); workers (one by default) claim the
//! oldest queued row. A job unpacks its inputs from the blob store into a folder of its own,
//! runs on a rayon pool of its own whose threads report stages to the job's progress bar, and
//! stores its outputs — a plan's as the quarter's next version — in one transaction. A job
//! that panics is failed, not lost; a job cut by a stop is failed at the next start.

use super::store::{Job, Outcome, Owner, Store};
use crate::progress::{self, Event};
use crate::{exam_day, pipeline, replan, solve, whatif};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// Wakes idle workers when a job is queued.
#[derive(Default)]
pub struct Queue {
    queued: Mutex<bool>,
    bell: Condvar,
}

impl Queue {
    pub fn ring(&self) {
        *self.queued.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.bell.notify_all();
    }

    fn wait(&self) {
        let mut q = self.queued.lock().unwrap_or_else(|e| e.into_inner());
        if !*q {
            q = self
                .bell
                .wait_timeout(q, Duration::from_secs(2))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        *q = false;
    }
}

/// Starts `workers` threads that run queued jobs until the process ends.
pub fn start(store: Arc<Store>, queue: Arc<Queue>, workers: usize) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = (cores / workers.max(1)).max(1);
    for k in 0..workers.max(1) {
        let (store, queue) = (store.clone(), queue.clone());
        std::thread::Builder::new()
            .name(format!("job-worker-{k}"))
            .spawn(move || loop {
                match store.claim_job() {
                    Ok(Some(job)) => run(&store, &job, threads),
                    Ok(None) => queue.wait(),
                    Err(e) => {
                        tracing::error!("claiming a job: {e}");
                        std::thread::sleep(Duration::from_secs(2));
                    }
                }
            })
            .expect("a worker thread starts");
    }
}

/// Runs one claimed job to its end and records the outcome.
pub fn run(store: &Arc<Store>, job: &Job, threads: usize) {
    let dir = store.work.join(format!("job-{}", job.id));
    let observer: progress::Observer = {
        let (store, id) = (store.clone(), job.id);
        let last = Arc::new(Mutex::new(String::new()));
        Arc::new(move |event| {
            let (fraction, stage) = stage_of(event);
            let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
            if *last != stage {
                let _ = store.set_progress(id, fraction, &stage);
                *last = stage;
            }
        })
    };
    let handler = observer.clone();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .start_handler(move |_| progress::observe(Some(handler.clone())))
        .build();
    let outcome = match pool {
        Err(e) => Outcome::Failed(format!("无法启动计算线程：{e}")),
        Ok(pool) => pool.install(|| {
            progress::observe(Some(observer.clone()));
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                std::fs::create_dir_all(&dir)
                    .map_err(|e| format!("无法建立工作目录：{e}"))
                    .and_then(|()| execute(store, job, &dir))
            }));
            progress::observe(None);
            match result {
                Ok(Ok(outcome)) => outcome,
                Ok(Err(message)) => Outcome::Failed(message),
                Err(_) => Outcome::Failed(
                    "内部错误（程序异常），未保存任何结果；请把本任务编号告知技术支持".into(),
                ),
            }
        }),
    };
    if let Err(e) = store.finish_job(job, outcome) {
        tracing::error!("job {}: recording its end: {e}", job.id);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// What a stage means to the bar: how far along, and its name in Chinese.
fn stage_of(event: Event<'_>) -> (f64, String) {
    const STAGES: [(&str, f64, &str); 16] = [
        ("grouping registrations", 0.05, "报名分组"),
        ("building the timetable's start", 0.10, "生成初始排考方案"),
        ("building the timetable model", 0.15, "建立排考模型"),
        ("fewest deferred", 0.20, "求解：最少延期"),
        ("least travel", 0.45, "求解：最短路程"),
        ("routing every slot", 0.60, "分配考点"),
        ("dealing seats", 0.70, "编排座位与准考证号"),
        ("writing the plan folder", 0.75, "写出方案文件"),
        ("writing plan.xlsx", 0.80, "生成门贴、工作簿与报告"),
        ("verifying", 0.90, "独立校验方案"),
        ("reading the published plan", 0.10, "读取已发布方案"),
        ("rostering", 0.30, "编排监考人员"),
        ("drawing the quality supervisors", 0.55, "抽取质量督导员"),
        ("checking every exam-day rule", 0.65, "校验考务安排"),
        ("printing the papers", 0.75, "生成签到表与记录表"),
        ("storing", 0.95, "保存结果文件"),
    ];
    match event {
        Event::Stage(text) => STAGES
            .iter()
            .find(|(en, _, _)| text.starts_with(en))
            .map(|(_, f, zh)| (*f, zh.to_string()))
            .unwrap_or((0.0, text.to_string())),
        Event::Count { done, total } => (
            0.05 + 0.85 * done as f64 / total.max(1) as f64,
            format!("情景 {done}/{total}"),
        ),
    }
}

/// The job's work: inputs out of the store, the library call, outputs back in.
fn execute(store: &Store, job: &Job, dir: &Path) -> Result<Outcome, String> {
    let case_dir = dir.join("case");
    store
        .blobs
        .restore(&store.files(Owner::Case(job.case_id))?, &case_dir)
        .map_err(|e| format!("无法取出案例文件：{e}"))?;
    let case = pipeline::load(&case_dir)
        .map_err(|diags| {
            let lines: Vec<String> = diags.errors().take(5).map(|d| d.to_string()).collect();
            format!("案例有错误，未排考：{}", lines.join("；"))
        })?
        .case;
    let out = dir.join("out");
    let settings = solve::Settings::default();
    let files = match job.kind.as_str() {
        "plan" => {
            let planned = pipeline::plan_case(&case, &settings, None, None)
                .map_err(|e| format!("找不到可行方案：{e}"))?;
            pipeline::write::write(&case, &planned, &out)
                .map_err(|e| format!("方案未写出：{e}"))?;
            return stored(store, &out).map(Outcome::Version);
        }
        "replan" => {
            let previous_dir = dir.join("previous");
            restore_version(store, job, &previous_dir)?;
            let previous = replan::previous_of(&case, &previous_dir).map_err(|r| match r {
                replan::Refusal::DemandOnly => {
                    "案例只有需求预测，无法调整（调整需要考生名单）".to_string()
                }
                replan::Refusal::Edited(v) => {
                    format!("已发布方案的文件被改动（{} 处），未调整", v.len())
                }
                replan::Refusal::Mismatch(d) => {
                    let lines: Vec<String> = d.errors().take(5).map(|d| d.to_string()).collect();
                    format!("新案例与已发布方案不符：{}", lines.join("；"))
                }
            })?;
            let replanned = replan::replan(&case, &previous, &settings)
                .map_err(|e| format!("找不到可行方案：{e}"))?;
            replan::write(&case, &replanned, &previous_dir, &out)
                .map_err(|e| format!("方案未写出：{e}"))?;
            return stored(store, &out).map(Outcome::Version);
        }
        "whatif" => {
            let scenarios = dir.join("scenarios.toml");
            std::fs::write(&scenarios, &job.params).map_err(|e| format!("无法写出情景：{e}"))?;
            let request = whatif::Request {
                scenarios: Some(scenarios),
                sweep: None,
                monte_carlo: None,
                cv: 0.2,
                seed: 1,
                warm_start: true,
                settings,
                threads: rayon::current_num_threads(),
                shard: None,
            };
            whatif::run(&case_dir, &request, &out).map_err(|e| format!("推演失败：{e}"))?;
            stored(store, &out)?
        }
        "exam_day" => {
            let plan_dir = dir.join("plan");
            restore_version(store, job, &plan_dir)?;
            let day = exam_day::prepare(&case, &plan_dir, &job.params).map_err(|e| match e {
                exam_day::Error::Plan(lines) => {
                    format!("已发布方案与案例不符：{}", lines.join("；"))
                }
                other => format!("考务安排失败：{other}"),
            })?;
            day.write(&case, &out)
                .map_err(|e| format!("考务安排未写出：{e}"))?;
            stored(store, &out)?
        }
        other => return Err(format!("未知的任务类型 {other}")),
    };
    Ok(Outcome::Files(files))
}

fn restore_version(store: &Store, job: &Job, dir: &Path) -> Result<(), String> {
    let base = job.base.ok_or("任务缺少所依据的方案版本")?;
    store
        .blobs
        .restore(&store.files(Owner::Version(base))?, dir)
        .map_err(|e| format!("无法取出已发布方案：{e}"))
}

fn stored(store: &Store, out: &Path) -> Result<Vec<(String, super::blobs::Stored)>, String> {
    progress::stage("storing");
    store
        .blobs
        .put_folder(out)
        .map_err(|e| format!("无法保存结果文件：{e}"))
}

impl From<super::store::StoreError> for String {
    fn from(e: super::store::StoreError) -> String {
        format!("数据库错误：{e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_move_the_bar_forward_and_read_in_chinese() {
        let a = stage_of(Event::Stage("grouping registrations"));
        let b = stage_of(Event::Stage("fewest deferred: neighbourhood search"));
        let c = stage_of(Event::Stage("verifying the written plan"));
        assert!(a.0 < b.0 && b.0 < c.0);
        assert_eq!(b.1, "求解：最少延期");
        let half = stage_of(Event::Count { done: 5, total: 10 });
        assert_eq!(half.1, "情景 5/10");
        assert!((half.0 - 0.475).abs() < 1e-9);
    }

    /// The bar shows what a plan says it is doing, so each stage a plan of the reference
    /// case reports has its Chinese name (an unknown one would show English and jump the bar
    /// back to zero).
    #[test]
    fn every_stage_of_a_plan_has_its_chinese_name() {
        let case = pipeline::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data/hunan"))
            .expect("the reference case loads")
            .case;
        let seen = Arc::new(Mutex::new(Vec::<String>::new()));
        let said = seen.clone();
        progress::observe(Some(Arc::new(move |event| {
            if let Event::Stage(text) = event {
                said.lock().unwrap().push(text.to_string());
            }
        })));
        let planned = pipeline::plan_case(&case, &solve::Settings::default(), None, None);
        let out = tempfile::tempdir().unwrap();
        let written = pipeline::write::write(&case, &planned.unwrap(), &out.path().join("plan"));
        progress::observe(None);
        written.unwrap();
        let seen = seen.lock().unwrap();
        assert!(
            seen.iter()
                .any(|s| s.starts_with("building the timetable's start")),
            "{seen:?}"
        );
        for text in seen.iter() {
            let (fraction, name) = stage_of(Event::Stage(text));
            assert!(
                fraction > 0.0 && !name.is_ascii(),
                "{text:?} has no Chinese name"
            );
        }
    }
}
