//! Scenario files and generated scenario lists: what each scenario asks to change.
//!
//! A scenario is read from TOML (`[[scenario]]` tables), made by `--sweep add-room:SEATS` (one
//! per eligible institution), or is a Monte Carlo demand draw. A scenario whose table does not
//! fit the schema is kept, with its reason, so it is reported `invalid` and the others still run.

use crate::case::Case;
use crate::vet;
use serde::Deserialize;
use std::path::Path;

use super::request::Error;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddRoom {
    pub institution_id: String,
    pub room_id: String,
    pub seats: u32,
    #[serde(default = "hd")]
    pub camera_p: u32,
}

fn hd() -> u32 {
    1080
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewFiling {
    pub occupation: String,
    #[serde(default)]
    pub work_type: String,
    pub levels: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddInstitution {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    pub prefecture: String,
    #[serde(default = "default_staff")]
    pub staff: u32,
    pub rooms: Vec<u32>,
    #[serde(default)]
    pub filings: Vec<NewFiling>,
}

fn default_staff() -> u32 {
    20
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleDemand {
    #[serde(default)]
    pub prefecture: Option<String>,
    #[serde(default)]
    pub occupation: Option<String>,
    pub factor: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddSession {
    pub date: String,
    pub start: String,
    pub end: String,
}

/// One scenario as written in the TOML file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub add_room: Vec<AddRoom>,
    #[serde(default)]
    pub add_institution: Vec<AddInstitution>,
    #[serde(default)]
    pub scale_demand: Vec<ScaleDemand>,
    #[serde(default)]
    pub remove_institution: Vec<String>,
    #[serde(default)]
    pub add_session: Vec<AddSession>,
    #[serde(default)]
    pub policy: Option<toml::Table>,
}

/// A scenario ready to run: edits, or the reason it is invalid.
pub struct Prepared {
    pub name: String,
    pub edit: Result<Scenario, String>,
    /// Monte Carlo draw number, if this is a draw.
    pub draw: Option<u64>,
}

/// TOML 1.0 forbids newlines inside `{ … }` but the contract's examples (TOML 1.1 style) use
/// them; inside braces (outside strings and comments) newlines become spaces.
fn join_inline_tables(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut comment = false;
    for c in text.chars() {
        match (quote, c) {
            _ if comment => {
                if c == '\n' {
                    comment = false;
                    out.push(if depth > 0 { ' ' } else { c });
                }
                continue;
            }
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') => {
                comment = true;
                continue;
            }
            (None, '{') => depth += 1,
            (None, '}') => depth = depth.saturating_sub(1),
            (None, '\n') if depth > 0 => {
                out.push(' ');
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

/// Parses a scenario file; a scenario that does not fit is kept with its reason.
pub fn read_scenarios(path: &Path) -> Result<Vec<Prepared>, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Case(format!("{}: {e}", path.display())))?;
    let value: toml::Table = toml::from_str(&join_inline_tables(&text))
        .map_err(|e| Error::Case(format!("{}: {}", path.display(), e.message())))?;
    let list = match value.get("scenario") {
        Some(toml::Value::Array(a)) => a.clone(),
        _ => {
            return Err(Error::Case(format!(
                "{}: expected [[scenario]] tables",
                path.display()
            )))
        }
    };
    Ok(list
        .into_iter()
        .enumerate()
        .map(|(k, v)| {
            let name = v
                .get("name")
                .and_then(|n| n.as_str())
                .map(str::to_string)
                .unwrap_or_else(|| format!("scenario {}", k + 1));
            let edit = v
                .try_into::<Scenario>()
                .map_err(|e| e.message().to_string());
            Prepared {
                name,
                edit,
                draw: None,
            }
        })
        .collect())
}

/// `--sweep add-room:SEATS`: one scenario per eligible institution, which gains a room of SEATS
/// seats (named SWEEP1, or the next free SWEEPk).
pub fn sweep(base: &Case, sweep: &str) -> Result<Vec<Prepared>, Error> {
    let seats: u32 = sweep
        .strip_prefix("add-room:")
        .and_then(|s| s.parse().ok())
        .filter(|&s| s > 0 && s <= 999)
        .ok_or_else(|| {
            Error::Usage(format!(
                "--sweep expects add-room:SEATS (1-999), got {sweep:?}"
            ))
        })?;
    let mut out = Vec::new();
    for (i, ok) in vet::eligible(base).into_iter().enumerate() {
        if !ok {
            continue;
        }
        let id = &base.institutions[i].id;
        let room_id = (1..)
            .map(|k| format!("SWEEP{k}"))
            .find(|r| {
                !base
                    .rooms
                    .iter()
                    .any(|x| x.institution == i && &x.room_id == r)
            })
            .expect("some SWEEPk is free");
        let s = Scenario {
            name: crate::words::sweep_scenario(id, seats),
            add_room: vec![AddRoom {
                institution_id: id.clone(),
                room_id,
                seats,
                camera_p: 1080,
            }],
            ..Scenario::default()
        };
        out.push(Prepared {
            name: s.name.clone(),
            edit: Ok(s),
            draw: None,
        });
    }
    Ok(out)
}

/// `--monte-carlo N`: N demand draws, numbered from 0 (a draw's random numbers depend on its
/// number and the seed only).
pub fn draws(n: usize) -> Vec<Prepared> {
    (0..n)
        .map(|d| Prepared {
            name: format!("monte-carlo draw {}", d + 1),
            edit: Ok(Scenario::default()),
            draw: Some(d as u64),
        })
        .collect()
}
