//! Stored files, named by the SHA-256 of their bytes, in a folder beside the database.
//!
//! A blob is written once (to a temporary name, then renamed) and never changed, so a version's
//! files cannot drift from what its rows in the database say; two versions that share a file
//! share its blob. The database holds which paths a case, a version or a job has.

use crate::digest::sha256_hex;
use std::io;
use std::path::{Path, PathBuf};

/// The blob folder: `ab/abcdef…` per file, `ab` the first two hex digits.
#[derive(Debug, Clone)]
pub struct Blobs {
    dir: PathBuf,
}

/// A file put in the store: its hash and length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub sha256: String,
    pub size: u64,
}

impl Blobs {
    pub fn open(dir: PathBuf) -> io::Result<Blobs> {
        std::fs::create_dir_all(&dir)?;
        Ok(Blobs { dir })
    }

    fn path(&self, sha256: &str) -> PathBuf {
        self.dir.join(&sha256[..2]).join(sha256)
    }

    /// Stores bytes (once: a blob that exists is left as it is).
    pub fn put(&self, bytes: &[u8]) -> io::Result<Stored> {
        let sha256 = sha256_hex(bytes);
        let path = self.path(&sha256);
        if !path.exists() {
            let parent = path.parent().expect("a blob path has a parent");
            std::fs::create_dir_all(parent)?;
            let mut tmp = tempfile::NamedTempFile::new_in(parent)?;
            io::Write::write_all(&mut tmp, bytes)?;
            tmp.as_file().sync_all()?;
            tmp.persist(&path).map_err(|e| e.error)?;
        }
        Ok(Stored {
            sha256,
            size: bytes.len() as u64,
        })
    }

    /// Stores every file under `dir`, paths relative to it with `/` between folders, in path order.
    pub fn put_folder(&self, dir: &Path) -> io::Result<Vec<(String, Stored)>> {
        let mut files = Vec::new();
        collect(dir, "", &mut files)?;
        files.sort();
        files
            .into_iter()
            .map(|(rel, path)| Ok((rel, self.put(&std::fs::read(path)?)?)))
            .collect()
    }

    /// The bytes of a stored file.
    pub fn get(&self, sha256: &str) -> io::Result<Vec<u8>> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a SHA-256"));
        }
        std::fs::read(self.path(sha256))
    }

    /// Writes stored files back into a folder (a job's case or previous plan), byte for byte.
    pub fn restore(&self, files: &[(String, String)], dir: &Path) -> io::Result<()> {
        for (rel, sha256) in files {
            let target = dir.join(rel);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(target, self.get(sha256)?)?;
        }
        Ok(())
    }
}

fn collect(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect(&entry.path(), &rel, out)?;
        } else if kind.is_file() {
            out.push((rel, entry.path()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_goes_in_and_comes_back_byte_for_byte() {
        let root = tempfile::tempdir().unwrap();
        let blobs = Blobs::open(root.path().join("blobs")).unwrap();
        let src = root.path().join("src");
        std::fs::create_dir_all(src.join("institutions")).unwrap();
        std::fs::write(src.join("seats.csv"), "a,b\n1,2\n").unwrap();
        std::fs::write(src.join("institutions/I001.xlsx"), [0u8, 1, 2]).unwrap();
        let stored = blobs.put_folder(&src).unwrap();
        let names: Vec<&str> = stored.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(names, ["institutions/I001.xlsx", "seats.csv"]);
        let back = root.path().join("back");
        let list: Vec<(String, String)> = stored
            .iter()
            .map(|(p, s)| (p.clone(), s.sha256.clone()))
            .collect();
        blobs.restore(&list, &back).unwrap();
        assert_eq!(
            std::fs::read(back.join("seats.csv")).unwrap(),
            b"a,b\n1,2\n"
        );
        assert_eq!(
            std::fs::read(back.join("institutions/I001.xlsx")).unwrap(),
            [0u8, 1, 2]
        );
        assert!(blobs.get("../../etc/passwd").is_err());
    }
}
