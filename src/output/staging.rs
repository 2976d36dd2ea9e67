//! Output folders written all-or-nothing, only where the user said, and never over their files.
//!
//! Every file goes into a hidden staging folder beside the target (`.NAME.staging-XXXXXX`),
//! is flushed and fsynced, and only then does the whole folder take the target's name by one
//! rename. The staging folder is a [`tempfile::TempDir`]: an error, an early return or a panic
//! removes it, and [`catch_interrupts`] removes it on Ctrl-C or SIGTERM before exiting 130.
//! When the target already exists it is first renamed aside (`.NAME.previous-…`) and removed
//! once the new folder is in place, so a reader sees the old folder or the new one, never a
//! mixture. README ("What a crash leaves behind") says what each moment of a crash leaves.
//!
//! An existing target is replaced only when this tool wrote it and it holds nothing else:
//! every folder written here carries [`MANIFEST`] (`sha256sum` format, so `sha256sum -c
//! SHA256SUMS` checks it), and a target whose files are not exactly those, with those bytes,
//! is refused ([`check_out`]). The case folder and any other input are never a target, nor
//! inside one.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The manifest every output folder carries: `HASH  PATH` per file, paths with `/`.
pub const MANIFEST: &str = "SHA256SUMS";

/// Why `--out` was refused before anything was written (the command exits 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// Folders being staged (and old folders being removed) that an interruption must remove.
/// Held while a commit renames, so an interruption never sees half a commit.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// From now on Ctrl-C (SIGINT) and SIGTERM remove every staging folder and exit 130 at once,
/// wherever the command is (inside HiGHS too): nothing new is left behind, and no folder of
/// ID numbers lies beside `--out`. `on_interrupt` runs first (it records the interruption, so
/// that a command whose files vanish under it waits for this exit instead of reporting a
/// write error, and says why on stderr).
pub fn catch_interrupts(on_interrupt: fn()) {
    let _ = ctrlc::set_handler(move || {
        on_interrupt();
        let mut folders = live();
        for dir in folders.drain(..) {
            remove_while_written(&dir);
        }
        std::process::exit(130);
    });
}

/// Removes a folder that other threads may still be writing into (the interrupt handler runs
/// while the workbooks are being written). It is first renamed aside, so no new entry can be
/// made through its old path ([`Staging::add`] never re-creates the staging folder itself);
/// a file created between the rename and the removal is caught by removing again.
fn remove_while_written(dir: &Path) {
    let doomed = match dir.file_name() {
        Some(name) => {
            let mut doomed = name.to_os_string();
            doomed.push(".removing");
            dir.with_file_name(doomed)
        }
        None => dir.to_path_buf(),
    };
    let target = if std::fs::rename(dir, &doomed).is_ok() {
        doomed.as_path()
    } else {
        dir
    };
    for _ in 0..20 {
        match std::fs::remove_dir_all(target) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => continue,
            _ => return,
        }
    }
}

/// Refuses an `--out` that could cost the user a file, before any work: a path that names no
/// folder of its own, one of the command's `inputs` (the case folder, `--previous`, a
/// scenario file …) or a folder containing one, a file, or an existing folder this tool did
/// not write ([`MANIFEST`] missing or not matching every file it holds) or that holds files
/// this command does not write (`owned`: top-level names).
pub fn check_out(out: &Path, inputs: &[&Path], owned: &[&str]) -> Result<(), Refused> {
    let refuse = |why: String| {
        Err(Refused(format!(
            "--out {}: {why}; nothing was written",
            out.display()
        )))
    };
    if out
        .file_name()
        .filter(|n| *n != "." && *n != "..")
        .is_none()
    {
        return refuse("names no folder of its own; give a new folder name".into());
    }
    let out_abs = absolute(out);
    for input in inputs {
        let input_abs = absolute(input);
        if input_abs.starts_with(&out_abs) {
            return refuse(format!(
                "it is, or holds, the input {}: choose another folder",
                input.display()
            ));
        }
    }
    match std::fs::symlink_metadata(out) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => refuse(format!("cannot be read ({e})")),
        Ok(m) if !m.is_dir() => refuse("exists and is not a folder".into()),
        Ok(_) => match foreign(out, owned) {
            None => Ok(()),
            Some(why) => refuse(format!(
                "{why}; exam-planner replaces only a folder it wrote that holds nothing else: move the file or choose another folder"
            )),
        },
    }
}

/// A path made absolute and free of `.`/`..` (resolving links where the path exists), so that
/// `case/../case` and a link to the case are recognised as the case.
fn absolute(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    // a path that does not exist yet: its nearest existing ancestor, then the rest
    let joined = std::env::current_dir().unwrap_or_default().join(p);
    let mut existing = joined.as_path();
    let mut rest = Vec::new();
    while std::fs::canonicalize(existing).is_err() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = std::fs::canonicalize(existing).unwrap_or_else(|_| existing.to_path_buf());
    for name in rest.into_iter().rev() {
        if name == ".." {
            out.pop();
        } else if name != "." {
            out.push(name);
        }
    }
    out
}

/// What makes an existing folder not this tool's to replace, if anything.
fn foreign(dir: &Path, owned: &[&str]) -> Option<String> {
    let listed = match read_manifest(dir) {
        Ok(m) => m,
        Err(why) => return Some(why),
    };
    let mut present = Vec::new();
    if let Err(e) = walk(dir, Path::new(""), &mut present) {
        return Some(format!("cannot be read ({e})"));
    }
    for (path, is_dir) in &present {
        let text = slash(path);
        if *is_dir {
            if !listed
                .iter()
                .any(|(p, _)| p.starts_with(&format!("{text}/")))
            {
                return Some(format!(
                    "it holds the folder {text}, which exam-planner did not write"
                ));
            }
            continue;
        }
        if text == MANIFEST {
            continue;
        }
        match listed.iter().find(|(p, _)| *p == text) {
            None => return Some(format!("it holds {text}, which exam-planner did not write")),
            Some((_, hash)) => match crate::digest::file_sha256(&dir.join(path)) {
                Ok(h) if &h == hash => {}
                Ok(_) => return Some(format!("{text} was changed since exam-planner wrote it")),
                Err(e) => return Some(format!("{text} cannot be read ({e})")),
            },
        }
        let top = text.split('/').next().unwrap_or_default();
        if !owned.contains(&top) {
            return Some(format!(
                "it holds {text}, which this command does not write"
            ));
        }
    }
    for (p, _) in &listed {
        if !present.iter().any(|(q, d)| !d && slash(q) == *p) {
            return Some(format!("{p}, listed in {MANIFEST}, is missing"));
        }
    }
    None
}

/// The manifest's (path, hash) lines.
fn read_manifest(dir: &Path) -> Result<Vec<(String, String)>, String> {
    let text = match std::fs::read_to_string(dir.join(MANIFEST)) {
        Ok(t) => t,
        Err(_) => {
            let empty = std::fs::read_dir(dir)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            return if empty {
                Ok(Vec::new())
            } else {
                Err(format!(
                    "it exists and has no {MANIFEST}, so exam-planner did not write it"
                ))
            };
        }
    };
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.split_once("  ")
                .filter(|(h, p)| h.len() == 64 && !p.is_empty())
                .map(|(h, p)| (p.to_string(), h.to_string()))
                .ok_or_else(|| format!("its {MANIFEST} is not one exam-planner wrote"))
        })
        .collect()
}

/// Every entry below `dir` (relative paths; folders flagged), links included as files.
fn walk(root: &Path, rel: &Path, out: &mut Vec<(PathBuf, bool)>) -> io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(root.join(rel))?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = rel.join(e.file_name());
        let is_dir = e.file_type()?.is_dir();
        out.push((path.clone(), is_dir));
        if is_dir {
            walk(root, &path, out)?;
        }
    }
    Ok(())
}

fn slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// The manifest of a folder's files (all but the manifest itself), in path order.
fn manifest_of(dir: &Path) -> io::Result<Vec<u8>> {
    let mut entries = Vec::new();
    walk(dir, Path::new(""), &mut entries)?;
    let mut text = String::new();
    for (path, is_dir) in entries {
        let rel = slash(&path);
        if is_dir || rel == MANIFEST {
            continue;
        }
        let hash = crate::digest::file_sha256(&dir.join(&path))?;
        text.push_str(&format!("{hash}  {rel}\n"));
    }
    Ok(text.into_bytes())
}

/// The SHA-256 of every file below `dir` but `except`, by path with `/`: what summary.json
/// records of a plan folder.
pub fn file_hashes(
    dir: &Path,
    except: &[&str],
) -> io::Result<std::collections::BTreeMap<String, String>> {
    let mut entries = Vec::new();
    walk(dir, Path::new(""), &mut entries)?;
    let mut out = std::collections::BTreeMap::new();
    for (path, is_dir) in entries {
        let rel = slash(&path);
        if !is_dir && !except.contains(&rel.as_str()) {
            out.insert(rel, crate::digest::file_sha256(&dir.join(&path))?);
        }
    }
    Ok(out)
}

/// A staging folder holding complete files, not yet in place.
pub struct Staging {
    dir: Option<tempfile::TempDir>,
    out: PathBuf,
    parent: PathBuf,
    base: String,
}

impl Staging {
    /// A fresh staging folder beside `out` (created with its parents if needed).
    pub fn new(out: &Path) -> io::Result<Staging> {
        let base = out
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .filter(|n| n != "." && n != "..")
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "{} names no folder of its own; give a new folder name",
                        out.display()
                    ),
                )
            })?;
        if out.exists() && !out.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} exists and is not a folder", out.display()),
            ));
        }
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)?;
        let mut folders = live();
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{base}.staging-"))
            .tempdir_in(&parent)?;
        folders.push(dir.path().to_path_buf());
        Ok(Staging {
            dir: Some(dir),
            out: out.to_path_buf(),
            parent,
            base,
        })
    }

    /// Where the staged files are (to verify them before they are put in place).
    pub fn path(&self) -> &Path {
        self.dir.as_ref().expect("staging folder").path()
    }

    /// Writes one file (`name` may hold a sub-folder, as `institutions/I001.xlsx`), buffered,
    /// then flushes and fsyncs it. `name` is built by this program from checked identifiers
    /// ([`crate::case::checks::check_identifier`]); a name that could leave the folder is
    /// refused all the same.
    pub fn add(
        &self,
        name: &str,
        write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
    ) -> io::Result<()> {
        let inside = Path::new(name)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !inside || name.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{name:?} is not a file name inside the output folder"),
            ));
        }
        let path = self.path().join(name);
        // the sub-folders one by one below the staging folder, never the staging folder
        // itself: an interrupted command has removed it and must not see it made again
        let mut folder = self.path().to_path_buf();
        let parts: Vec<_> = Path::new(name).components().collect();
        for part in &parts[..parts.len() - 1] {
            folder.push(part);
            match std::fs::create_dir(&folder) {
                Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
                _ => {}
            }
        }
        let mut w = BufWriter::with_capacity(1 << 20, File::create(&path)?);
        write(&mut w)?;
        w.flush()?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()
    }

    /// Writes one file from bytes in memory.
    pub fn add_bytes(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        self.add(name, |w| w.write_all(bytes))
    }

    /// Puts the staged folder in place of `out`, with its [`MANIFEST`]. An existing `out` is
    /// replaced only when [`check_out`] would accept it (this tool wrote it, it holds nothing
    /// else, and only names in `owned`); otherwise nothing is moved.
    pub fn commit(mut self, owned: &[&str]) -> io::Result<()> {
        let manifest = manifest_of(self.path())?;
        self.add_bytes(MANIFEST, &manifest)?;
        sync_dir(self.path())?;
        let dir = self.dir.take().expect("staging folder");
        let staged = dir.path().to_path_buf();
        let mut folders = live();
        let forget = |folders: &mut Vec<PathBuf>, p: &Path| folders.retain(|f| f != p);
        if !self.out.exists() {
            std::fs::rename(&staged, &self.out)?;
            forget(&mut folders, &staged);
            let _ = dir.keep();
            return sync_dir(&self.parent);
        }
        if let Some(why) = foreign(&self.out, owned) {
            forget(&mut folders, &staged);
            drop(dir);
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!(
                    "{} {why}; nothing was replaced: move it or choose another folder",
                    self.out.display()
                ),
            ));
        }
        let previous = tempfile::Builder::new()
            .prefix(&format!(".{}.previous-", self.base))
            .tempdir_in(&self.parent)?;
        let aside = previous.path().join(&self.base);
        std::fs::rename(&self.out, &aside)?;
        if let Err(e) = std::fs::rename(&staged, &self.out) {
            // put the old folder back; the staging folder goes with `dir`
            std::fs::rename(&aside, &self.out)?;
            forget(&mut folders, &staged);
            return Err(e);
        }
        forget(&mut folders, &staged);
        let _ = dir.keep();
        // the old folder is removed when `previous` drops; an interruption before then
        // removes it too
        folders.push(previous.path().to_path_buf());
        drop(folders);
        let synced = sync_dir(&self.parent);
        let old = previous.path().to_path_buf();
        drop(previous);
        forget(&mut live(), &old);
        synced
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            let mut folders = live();
            folders.retain(|f| f != dir.path());
            drop(dir);
        }
    }
}

/// Makes a folder's entries (new files, renames) durable.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_staging_folder_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("plan");
        {
            let s = Staging::new(&out).unwrap();
            s.add_bytes("a.csv", b"x\n").unwrap();
        }
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    }

    #[test]
    fn an_interruption_removes_a_folder_still_being_written() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let tmp = tempfile::tempdir().unwrap();
        let s = Staging::new(&tmp.path().join("plan")).unwrap();
        let written = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            let writer = scope.spawn(|| {
                // as the workbooks stage does: files in a sub-folder, one after another,
                // until the folder is gone
                for n in 0..20_000 {
                    if s.add_bytes(&format!("institutions/I{n}.xlsx"), b"x")
                        .is_err()
                    {
                        return;
                    }
                    written.store(n + 1, Ordering::SeqCst);
                }
                panic!("the folder outlived 20,000 files");
            });
            while written.load(Ordering::SeqCst) < 10 && !writer.is_finished() {
                std::thread::yield_now();
            }
            remove_while_written(s.path());
            writer.join().unwrap();
        });
        let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn a_panic_while_writing_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("plan");
        let r = std::panic::catch_unwind(|| {
            let s = Staging::new(&out).unwrap();
            s.add_bytes("a.csv", b"x\n").unwrap();
            panic!("boom");
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    }

    #[test]
    fn commit_replaces_an_earlier_folder_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("plan");
        let s = Staging::new(&out).unwrap();
        s.add_bytes("a.csv", b"old\n").unwrap();
        s.add_bytes("stale.csv", b"old\n").unwrap();
        s.commit(&["a.csv", "stale.csv"]).unwrap();
        let s = Staging::new(&out).unwrap();
        s.add_bytes("a.csv", b"new\n").unwrap();
        s.add_bytes("sub/b.csv", b"new\n").unwrap();
        s.commit(&["a.csv", "stale.csv", "sub"]).unwrap();
        assert_eq!(std::fs::read(out.join("a.csv")).unwrap(), b"new\n");
        assert_eq!(std::fs::read(out.join("sub/b.csv")).unwrap(), b"new\n");
        assert!(!out.join("stale.csv").exists(), "a file of the old folder");
        let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "only the plan folder remains");
    }

    #[test]
    fn a_folder_with_foreign_files_is_not_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("plan");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        let s = Staging::new(&out).unwrap();
        s.add_bytes("a.csv", b"new\n").unwrap();
        let e = s.commit(&["a.csv"]).unwrap_err();
        assert!(e.to_string().contains("has no SHA256SUMS"), "{e}");
        assert_eq!(std::fs::read(out.join("notes.txt")).unwrap(), b"mine");
        assert!(!out.join("a.csv").exists());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn dot_is_not_an_output_folder() {
        assert!(Staging::new(Path::new(".")).is_err());
    }

    #[test]
    fn a_file_put_into_a_written_folder_at_any_depth_keeps_it_from_being_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("plan");
        let s = Staging::new(&out).unwrap();
        s.add_bytes("institutions/I1.xlsx", b"book").unwrap();
        s.commit(&["institutions"]).unwrap();
        assert_eq!(check_out(&out, &[], &["institutions"]), Ok(()));
        std::fs::write(out.join("institutions/notes.txt"), "mine").unwrap();
        let e = check_out(&out, &[], &["institutions"]).unwrap_err();
        assert!(e.0.contains("institutions/notes.txt"), "{e}");
        let s = Staging::new(&out).unwrap();
        s.add_bytes("institutions/I1.xlsx", b"new").unwrap();
        assert!(s.commit(&["institutions"]).is_err());
        assert_eq!(
            std::fs::read(out.join("institutions/notes.txt")).unwrap(),
            b"mine"
        );
        // an edited file is the user's too
        std::fs::remove_file(out.join("institutions/notes.txt")).unwrap();
        std::fs::write(out.join("institutions/I1.xlsx"), "edited").unwrap();
        let e = check_out(&out, &[], &["institutions"]).unwrap_err();
        assert!(e.0.contains("institutions/I1.xlsx was changed"), "{e}");
    }

    #[test]
    fn an_input_or_a_folder_holding_one_is_never_an_output() {
        let tmp = tempfile::tempdir().unwrap();
        let case = tmp.path().join("case");
        std::fs::create_dir(&case).unwrap();
        std::fs::write(case.join("candidates.csv"), "x").unwrap();
        for out in [
            case.clone(),
            tmp.path().to_path_buf(),
            case.join("..").join("case"),
        ] {
            let e = check_out(&out, &[&case], &["a.csv"]).unwrap_err();
            assert!(e.0.contains("input"), "{e}");
        }
        assert_eq!(
            check_out(&tmp.path().join("new"), &[&case], &["a.csv"]),
            Ok(())
        );
    }

    #[test]
    fn a_written_folder_carries_a_manifest_sha256sum_can_check() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("plan");
        let s = Staging::new(&out).unwrap();
        s.add_bytes("a.csv", b"abc").unwrap();
        s.commit(&["a.csv"]).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join(MANIFEST)).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  a.csv\n"
        );
    }

    #[test]
    fn a_name_that_leaves_the_folder_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let s = Staging::new(&tmp.path().join("plan")).unwrap();
        for bad in ["../evil.xlsx", "institutions/../../evil", "/etc/x", ""] {
            assert!(s.add_bytes(bad, b"x").is_err(), "{bad}");
        }
        assert!(!tmp.path().join("evil.xlsx").exists());
    }
}
