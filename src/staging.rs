//! Output folders written all-or-nothing.
//!
//! Every file goes into a hidden staging folder beside the target (`.NAME.staging-XXXXXX`),
//! is flushed and fsynced, and only then does the whole folder take the target's name by one
//! rename. The staging folder is a [`tempfile::TempDir`]: an error, an early return or a panic
//! removes it. When the target already exists it is first renamed aside (`.NAME.previous-…`)
//! and removed once the new folder is in place, so a reader sees the old folder or the new one,
//! never a mixture. README ("What a crash leaves behind") says what each moment of a crash
//! leaves on disk.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A staging folder holding complete files, not yet in place.
pub struct Staging {
    dir: tempfile::TempDir,
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
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{base}.staging-"))
            .tempdir_in(&parent)?;
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
            parent,
            base,
        })
    }

    /// Where the staged files are (to verify them before they are put in place).
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes one file (`name` may hold a sub-folder, as `institutions/I001.xlsx`), buffered,
    /// then flushes and fsyncs it.
    pub fn add(
        &self,
        name: &str,
        write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
    ) -> io::Result<()> {
        let path = self.dir.path().join(name);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)?;
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

    /// Puts the staged folder in place of `out`. An existing `out` may only hold names in
    /// `owned` (what this command writes): anything else is refused, nothing is moved, so a
    /// mistyped `--out` never deletes a user's folder.
    pub fn commit(self, owned: &[&str]) -> io::Result<()> {
        sync_dir(self.dir.path())?;
        if !self.out.exists() {
            std::fs::rename(self.dir.path(), &self.out)?;
            let _ = self.dir.keep();
            return sync_dir(&self.parent);
        }
        let mut foreign = Vec::new();
        for entry in std::fs::read_dir(&self.out)? {
            let name = entry?.file_name().to_string_lossy().to_string();
            if !owned.contains(&name.as_str()) {
                foreign.push(name);
            }
        }
        if !foreign.is_empty() {
            foreign.sort();
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!(
                    "{} exists and holds files this command does not write ({}); nothing was replaced: move them or choose another folder",
                    self.out.display(),
                    foreign.join(", ")
                ),
            ));
        }
        let previous = tempfile::Builder::new()
            .prefix(&format!(".{}.previous-", self.base))
            .tempdir_in(&self.parent)?;
        let aside = previous.path().join(&self.base);
        std::fs::rename(&self.out, &aside)?;
        if let Err(e) = std::fs::rename(self.dir.path(), &self.out) {
            // put the old folder back; the staging folder goes with `self.dir`
            std::fs::rename(&aside, &self.out)?;
            return Err(e);
        }
        let _ = self.dir.keep();
        sync_dir(&self.parent)
        // `previous` (the old folder) is removed here, when it is dropped
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
        assert!(e.to_string().contains("notes.txt"), "{e}");
        assert_eq!(std::fs::read(out.join("notes.txt")).unwrap(), b"mine");
        assert!(!out.join("a.csv").exists());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn dot_is_not_an_output_folder() {
        assert!(Staging::new(Path::new(".")).is_err());
    }
}
