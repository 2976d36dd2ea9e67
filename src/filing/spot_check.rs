//! `spot-check`: the provincial centre's "双随机、一公开" draw.
//!
//! 双随机: random institutions, then random inspectors for each. 一公开: anyone holding the seed
//! text and the case files redoes the draw by hand from README ("The spot-check draw"): one
//! ChaCha20 stream keyed by SHA-256 of the seed text, Fisher–Yates over ids in byte order. Every
//! step below is that description in code; nothing depends on threads, clocks or hash order.

use crate::case::{Case, Expert};
use crate::digest::{file_sha256, sha256_hex};
use rand::RngCore;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The files `spot-check` writes.
pub const FILES: [&str; 3] = ["spot_checks.csv", "notice.md", "notice.docx"];

/// The columns of the notice's list.
const NOTICE_COLUMNS: [&str; 6] = [
    "序号",
    "机构编号",
    "机构名称",
    "统一社会信用代码",
    "市州",
    "检查专家",
];

/// The notice, once, for its two renderings.
struct Notice {
    title: String,
    intro: String,
    rows: Vec<[String; 6]>,
    remarks: Vec<String>,
    /// (text, code shown as code or empty)
    method: Vec<(String, String)>,
    /// (file, SHA-256)
    inputs: Vec<(String, String)>,
}

/// Inspectors per institution (双随机: two, as the contract asks).
pub const INSPECTORS: usize = 2;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The case has no experts.csv (or experts.xlsx).
    #[error("the case has no experts.csv: inspectors are drawn from it")]
    NoExperts,
    /// `--rate` is not a decimal fraction in (0, 1].
    #[error("--rate expects a decimal fraction above 0 and at most 1 such as 0.1, got {0:?}")]
    Rate(String),
    #[error("cannot read {path} to hash it: {source}")]
    Hash {
        path: String,
        source: std::io::Error,
    },
}

/// The sampling rate as an exact decimal, `numerator / 10^digits`, so ⌈F × E⌉ has no rounding
/// error (0.1 × 30 is 3, not 3.0000000000000004).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    numerator: u64,
    digits: u32,
}

impl Rate {
    pub fn parse(text: &str) -> Result<Rate, Error> {
        let bad = || Error::Rate(text.to_string());
        let t = text.trim();
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        if whole.is_empty() && frac.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > 9
        {
            return Err(bad());
        }
        let digits = frac.len() as u32;
        let whole: u64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad())?
        };
        let frac: u64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| bad())?
        };
        let scale = 10u64.pow(digits);
        let numerator = whole
            .checked_mul(scale)
            .and_then(|w| w.checked_add(frac))
            .ok_or_else(bad)?;
        if numerator == 0 || numerator > scale {
            return Err(bad());
        }
        Ok(Rate { numerator, digits })
    }

    /// ⌈rate × count⌉, exactly.
    pub fn of(&self, count: usize) -> usize {
        let scale = 10u128.pow(self.digits);
        (u128::from(self.numerator) * count as u128).div_ceil(scale) as usize
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scale = 10u64.pow(self.digits);
        let (w, r) = (self.numerator / scale, self.numerator % scale);
        if self.digits == 0 {
            write!(f, "{w}")
        } else {
            write!(f, "{w}.{r:0width$}", width = self.digits as usize)
        }
    }
}

/// One drawn institution and its inspectors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub institution: usize,
    /// Expert indices, in the order drawn (fewer than two when too few experts may go).
    pub inspectors: Vec<usize>,
}

/// The whole draw, with what the notice must say about it.
#[derive(Debug)]
pub struct Draw {
    pub seed: String,
    pub rate: Rate,
    /// Eligible filed institutions, sorted by id: the list the draw shuffles.
    pub pool: Vec<usize>,
    /// ⌈rate × pool⌉.
    pub asked: usize,
    /// In the order of the notice: prefecture code, then institution id.
    pub checks: Vec<Check>,
    /// `(expert, institution, n)`: the expert's n-th inspection (n ≥ 2), taken only because
    /// everyone who may go there has inspected already. Listed in the notice.
    pub repeats: Vec<(usize, usize, usize)>,
    /// Institutions left with fewer than two inspectors: too few experts may go there at all.
    pub short: Vec<usize>,
    /// `(file name, SHA-256)` of every input file, in name order.
    pub inputs: Vec<(String, String)>,
}

/// The random stream of a draw: ChaCha20 keyed by SHA-256 of the seed text's UTF-8 bytes
/// (rand_chacha's `ChaCha20Rng::from_seed`: nonce 0, counter from 0).
pub fn stream(seed: &str) -> ChaCha20Rng {
    let key: [u8; 32] = Sha256::digest(seed.as_bytes()).into();
    ChaCha20Rng::from_seed(key)
}

/// Fisher–Yates, from the last position down: position i swaps with
/// j = ⌊u × (i + 1) / 2^64⌋ for the next 64-bit number u of the stream.
pub fn shuffle<T>(items: &mut [T], rng: &mut ChaCha20Rng) {
    for i in (1..items.len()).rev() {
        let u = rng.next_u64();
        let j = ((u128::from(u) * (i as u128 + 1)) >> 64) as usize;
        items.swap(i, j);
    }
}

/// Draws the institutions and their inspectors.
pub fn draw(case: &Case, seed: &str, rate: Rate) -> Result<Draw, Error> {
    let experts = case.experts.as_deref().ok_or(Error::NoExperts)?;
    let eligible = crate::vet::eligible(case);
    let mut pool: Vec<usize> = case
        .filed_institutions()
        .into_iter()
        .filter(|&i| eligible[i])
        .collect();
    pool.sort_by(|&a, &b| case.institutions[a].id.cmp(&case.institutions[b].id));
    let asked = rate.of(pool.len());
    let mut rng = stream(seed);

    // 1. institutions: one shuffle; the first of every prefecture, then the rest in order
    let mut order = pool.clone();
    shuffle(&mut order, &mut rng);
    let mut prefectures: Vec<usize> = order
        .iter()
        .map(|&i| case.institutions[i].prefecture)
        .collect();
    prefectures.sort_by(|&a, &b| case.prefectures[a].code.cmp(&case.prefectures[b].code));
    prefectures.dedup();
    let mut drawn: Vec<usize> = prefectures
        .iter()
        .filter_map(|&p| {
            order
                .iter()
                .copied()
                .find(|&i| case.institutions[i].prefecture == p)
        })
        .collect();
    for &i in &order {
        if drawn.len() >= asked {
            break;
        }
        if !drawn.contains(&i) {
            drawn.push(i);
        }
    }
    drawn.sort_by(|&a, &b| {
        let (ia, ib) = (&case.institutions[a], &case.institutions[b]);
        case.prefectures[ia.prefecture]
            .code
            .cmp(&case.prefectures[ib.prefecture].code)
            .then_with(|| ia.id.cmp(&ib.id))
    });

    // 2. inspectors: one shuffle of the experts by id; each institution, in the notice's order,
    //    takes the two who may go with the fewest inspections so far, ties in shuffled order
    let mut roster: Vec<usize> = (0..experts.len()).collect();
    roster.sort_by(|&a, &b| experts[a].expert_id.cmp(&experts[b].expert_id));
    shuffle(&mut roster, &mut rng);
    let mut times = vec![0usize; experts.len()];
    let (mut repeats, mut short) = (Vec::new(), Vec::new());
    let mut checks = Vec::new();
    for &i in &drawn {
        // those who may go, fewest inspections first, ties in shuffled order (a stable sort)
        let mut may_go: Vec<usize> = roster
            .iter()
            .copied()
            .filter(|&k| may_inspect(case, &experts[k], i))
            .collect();
        may_go.sort_by_key(|&k| times[k]);
        let inspectors: Vec<usize> = may_go.iter().copied().take(INSPECTORS).collect();
        for &k in inspectors.iter().filter(|&&k| times[k] > 0) {
            repeats.push((k, i, times[k] + 1));
        }
        if inspectors.len() < INSPECTORS {
            short.push(i);
        }
        for &k in &inspectors {
            times[k] += 1;
        }
        checks.push(Check {
            institution: i,
            inspectors,
        });
    }
    Ok(Draw {
        seed: seed.to_string(),
        rate,
        pool,
        asked,
        checks,
        repeats,
        short,
        inputs: input_hashes(case)?,
    })
}

/// May this expert inspect institution `i`: qualified, no conflict, not employed there, not
/// from its prefecture.
pub fn may_inspect(case: &Case, expert: &Expert, i: usize) -> bool {
    let institution = &case.institutions[i];
    expert.title.qualified()
        && !expert.recuses_from(i, institution)
        && expert.prefecture != institution.prefecture
}

/// SHA-256 of case.toml and every table file of the case, by file name.
pub fn input_hashes(case: &Case) -> Result<Vec<(String, String)>, Error> {
    let mut names: Vec<String> = crate::case::columns::TABLES
        .iter()
        .filter(|t| case.files.has(t))
        .map(|t| case.files.name(t))
        .collect();
    if case.dir.join("case.toml").is_file() {
        names.push("case.toml".to_string());
    }
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let path = case.dir.join(&name);
            let hash = file_sha256(&path).map_err(|source| Error::Hash {
                path: path.display().to_string(),
                source,
            })?;
            Ok((name, hash))
        })
        .collect()
}

#[derive(Debug, Default, serde::Serialize)]
struct CheckRow<'a> {
    institution_id: &'a str,
    institution: &'a str,
    prefecture: &'a str,
    inspector_ids: String,
    inspectors: String,
}

impl Draw {
    pub fn spot_checks_csv(&self, case: &Case) -> Vec<u8> {
        let experts = case.experts.as_deref().unwrap_or_default();
        crate::plan::csv_bytes::<CheckRow, _>(self.checks.iter().map(|c| {
            let inst = &case.institutions[c.institution];
            let join = |f: &dyn Fn(&Expert) -> &str| {
                c.inspectors
                    .iter()
                    .map(|&k| f(&experts[k]))
                    .collect::<Vec<_>>()
                    .join("|")
            };
            CheckRow {
                institution_id: &inst.id,
                institution: &inst.name,
                prefecture: &case.prefectures[inst.prefecture].name,
                inspector_ids: join(&|e| &e.expert_id),
                inspectors: join(&|e| &e.name),
            }
        }))
    }

    /// What the console says of inspectors being short, in a few lines however large the draw.
    pub fn shortfall_lines(&self, case: &Case) -> Vec<String> {
        let mut lines = Vec::new();
        if !self.repeats.is_empty() {
            let most = self.repeats.iter().map(|r| r.2).max().unwrap_or(0);
            lines.push(format!(
                "{} inspection(s) go to experts who inspect more than once in this draw (at most {most} each): every qualified expert who may go to those institutions had inspected already; notice.md lists them",
                self.repeats.len()
            ));
        }
        for &i in &self.short {
            lines.push(format!(
                "{} has fewer than {INSPECTORS} inspectors: no other qualified expert from outside {} is free of a conflict with it",
                case.institutions[i].id,
                case.prefectures[case.institutions[i].prefecture].name
            ));
        }
        lines
    }

    /// The notice's content, once: notice.md and notice.docx are two renderings of it.
    fn notice(&self, case: &Case) -> Notice {
        let experts = case.experts.as_deref().unwrap_or_default();
        let title = format!(
            "{} 职业技能等级认定备案评价机构“双随机、一公开”抽查名单",
            case.name
        );
        let intro = format!(
            "按照“双随机、一公开”要求，从 {} 家已备案且符合条件的评价机构中，按 {} 的比例随机抽取 {} 家（有此类机构的每个市州至少 1 家），实际抽取 {} 家，并为每家随机选派 {} 名检查专家（具备高级技师或副高级及以上职称，与被检查机构无利害关系，非该机构人员，且不来自该机构所在市州）。",
            self.pool.len(),
            self.rate,
            self.asked,
            self.checks.len(),
            INSPECTORS
        );
        let rows = self
            .checks
            .iter()
            .enumerate()
            .map(|(n, c)| {
                let inst = &case.institutions[c.institution];
                let inspectors: Vec<String> = c
                    .inspectors
                    .iter()
                    .map(|&k| format!("{}（{}）", experts[k].name, experts[k].expert_id))
                    .collect();
                [
                    (n + 1).to_string(),
                    inst.id.clone(),
                    inst.name.clone(),
                    inst.credit_code.clone(),
                    case.prefectures[inst.prefecture].name.clone(),
                    inspectors.join("、"),
                ]
            })
            .collect();
        let mut remarks = Vec::new();
        for &i in &self.short {
            let inst = &case.institutions[i];
            remarks.push(format!(
                "{}（{}）：符合条件且须回避以外的检查专家不足 {INSPECTORS} 名，仅选派 {} 名。",
                inst.name,
                inst.id,
                self.checks
                    .iter()
                    .find(|c| c.institution == i)
                    .map_or(0, |c| c.inspectors.len())
            ));
        }
        for &(k, i, n) in &self.repeats {
            remarks.push(format!(
                "{}（{}）第 {n} 次参加本次检查（{}）：可派往该机构的专家均已参加本次检查。",
                experts[k].name, experts[k].expert_id, case.institutions[i].id
            ));
        }
        let key = sha256_hex(self.seed.as_bytes());
        let method = vec![
            ("随机种子（文本）：".to_string(), self.seed.clone()),
            ("种子的 SHA-256（ChaCha20 密钥）：".to_string(), key),
            (
                format!(
                    "抽取比例：{}；符合条件的已备案机构 {} 家，应抽 ⌈{} × {}⌉ = {} 家",
                    self.rate,
                    self.pool.len(),
                    self.rate,
                    self.pool.len(),
                    self.asked
                ),
                String::new(),
            ),
            (
                "算法：以上述密钥初始化 ChaCha20 随机流（nonce 为 0，计数器从 0 开始），依次取 64 位无符号整数 u。先将机构按编号排序后做 Fisher–Yates 洗牌（从最后一位 i 向前，与 j = ⌊u × (i+1) / 2^64⌋ 交换）；按市州代码顺序，每个市州取洗牌后最靠前的一家，再按洗牌顺序补足。随后用同一随机流将专家按编号排序后洗牌，每家机构（按名单顺序）从符合回避要求的专家中，取本次已检查次数最少者两名，次数相同时取洗牌顺序靠前者。详见 README「The spot-check draw」。".to_string(),
                String::new(),
            ),
        ];
        Notice {
            title,
            intro,
            rows,
            remarks,
            method,
            inputs: self.inputs.clone(),
        }
    }

    /// notice.md: the notice as Markdown.
    pub fn notice_md(&self, case: &Case) -> String {
        use std::fmt::Write as _;
        let n = self.notice(case);
        let mut md = String::new();
        let _ = writeln!(md, "# {}\n", n.title);
        let _ = writeln!(md, "{}\n", n.intro);
        let _ = writeln!(md, "## 抽查名单\n");
        let _ = writeln!(md, "| {} |", NOTICE_COLUMNS.join(" | "));
        let _ = writeln!(md, "| --- | --- | --- | --- | --- | --- |");
        for r in &n.rows {
            let _ = writeln!(md, "| {} |", r.join(" | "));
        }
        if !n.remarks.is_empty() {
            let _ = writeln!(md, "\n## 说明\n");
            for r in &n.remarks {
                let _ = writeln!(md, "- {r}");
            }
        }
        let _ = writeln!(md, "\n## 随机方法（任何人可复核）\n");
        for (text, code) in &n.method {
            if code.is_empty() {
                let _ = writeln!(md, "- {text}");
            } else {
                let _ = writeln!(md, "- {text}`{code}`");
            }
        }
        let _ = writeln!(md, "\n## 输入文件 SHA-256\n");
        let _ = writeln!(md, "| 文件 | SHA-256 |");
        let _ = writeln!(md, "| --- | --- |");
        for (name, hash) in &n.inputs {
            let _ = writeln!(md, "| {name} | `{hash}` |");
        }
        md
    }

    /// notice.docx: the same notice as a Word document (A4, 宋体), as government offices
    /// exchange it; deterministic (fixed dates inside the package).
    pub fn notice_docx(&self, case: &Case) -> std::io::Result<Vec<u8>> {
        use docx_rs::{AlignmentType, Docx, Paragraph, Run, RunFonts, Table, TableCell, TableRow};
        let n = self.notice(case);
        let text = |t: &str| Paragraph::new().add_run(Run::new().add_text(t));
        let heading = |t: &str, size: usize| {
            Paragraph::new().add_run(Run::new().add_text(t).size(size).bold())
        };
        let cell = |t: &str| TableCell::new().add_paragraph(text(t));
        let table = |header: &[&str], rows: Vec<Vec<String>>| {
            let mut all = vec![TableRow::new(
                header
                    .iter()
                    .map(|h| {
                        TableCell::new()
                            .add_paragraph(Paragraph::new().add_run(Run::new().add_text(*h).bold()))
                    })
                    .collect(),
            )];
            all.extend(
                rows.iter()
                    .map(|r| TableRow::new(r.iter().map(|c| cell(c)).collect())),
            );
            Table::new(all)
        };
        let mut doc = Docx::new()
            .page_size(11906, 16838) // A4, in twips
            .default_fonts(RunFonts::new().east_asia("宋体"))
            .default_size(21) // 五号, in half-points
            .add_paragraph(heading(&n.title, 32).align(AlignmentType::Center))
            .add_paragraph(text(&n.intro))
            .add_paragraph(heading("抽查名单", 28))
            .add_table(table(
                &NOTICE_COLUMNS,
                n.rows.iter().map(|r| r.to_vec()).collect(),
            ));
        if !n.remarks.is_empty() {
            doc = doc.add_paragraph(heading("说明", 28));
            for r in &n.remarks {
                doc = doc.add_paragraph(text(r));
            }
        }
        doc = doc.add_paragraph(heading("随机方法（任何人可复核）", 28));
        for (t, code) in &n.method {
            doc = doc.add_paragraph(text(&format!("{t}{code}")));
        }
        doc = doc
            .add_paragraph(heading("输入文件 SHA-256", 28))
            .add_table(table(
                &["文件", "SHA-256"],
                n.inputs
                    .iter()
                    .map(|(name, hash)| vec![name.clone(), hash.clone()])
                    .collect(),
            ));
        let mut bytes = std::io::Cursor::new(Vec::new());
        doc.build()
            .pack(&mut bytes)
            .map_err(std::io::Error::other)?;
        Ok(bytes.into_inner())
    }

    /// Writes spot_checks.csv, notice.md and notice.docx into `out`, all or nothing.
    pub fn write(&self, case: &Case, out: &Path) -> std::io::Result<()> {
        let staging = crate::output::staging::Staging::new(out)?;
        staging.add_bytes("spot_checks.csv", &self.spot_checks_csv(case))?;
        staging.add_bytes("notice.md", self.notice_md(case).as_bytes())?;
        staging.add_bytes("notice.docx", &self.notice_docx(case)?)?;
        staging.commit(&FILES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_exact_decimals() {
        let r = Rate::parse("0.1").unwrap();
        assert_eq!(r.of(30), 3, "no float rounding");
        assert_eq!(r.of(31), 4);
        assert_eq!(Rate::parse("1").unwrap().of(7), 7);
        assert_eq!(Rate::parse(".25").unwrap().of(5), 2);
        assert_eq!(Rate::parse("0.10").unwrap().to_string(), "0.10");
        for bad in ["0", "1.5", "-0.1", "abc", "", ".", "0.1.2", "1e-1"] {
            assert!(Rate::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn shuffle_is_a_permutation_and_depends_on_the_seed() {
        let mut a: Vec<u32> = (0..50).collect();
        let mut b = a.clone();
        shuffle(&mut a, &mut stream("2026 第三季度"));
        shuffle(&mut b, &mut stream("2026 第四季度"));
        assert_ne!(a, b);
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
    }
}
