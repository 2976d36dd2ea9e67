//! An uploaded case: a zip of the case folder's files, at the archive's root or inside one
//! folder, unpacked into a fresh folder and validated as the command line validates a folder.
//!
//! Nothing in a zip is trusted: an entry must be a plain relative name (no `..`, no absolute
//! path, no drive, no backslash, no link), and the archive is refused when it holds too many
//! entries, too many bytes once inflated, or an entry that inflates far beyond its packed size
//! (a zip bomb). Sizes are counted while inflating, not taken from the headers.

use crate::diag::{Diagnostic, Severity};
use std::io::Read;
use std::path::Path;

/// What an upload may be.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_entries: usize,
    /// Total bytes once inflated.
    pub max_total: u64,
    /// Inflated ÷ packed, for entries over 1 MiB inflated.
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_entries: 1_000,
            max_total: 4 << 30,
            max_ratio: 200,
        }
    }
}

fn refuse(file: &str, message: String) -> Vec<Diagnostic> {
    vec![Diagnostic {
        severity: Severity::Error,
        file: file.to_string(),
        line: None,
        column: None,
        message,
    }]
}

/// Is this entry name one we write to disk? (`Ok(None)`: skipped, e.g. macOS's `__MACOSX/`.)
fn entry_path(name: &str) -> Result<Option<Vec<String>>, String> {
    if name.starts_with("__MACOSX/") || name.ends_with("/.DS_Store") || name == ".DS_Store" {
        return Ok(None);
    }
    if name.contains('\\') || name.contains('\0') {
        return Err("a name with a backslash or NUL".into());
    }
    if name.starts_with('/') || name.chars().nth(1) == Some(':') {
        return Err("an absolute path".into());
    }
    let parts: Vec<String> = name
        .split('/')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    if parts.iter().any(|p| p == ".." || p == ".") {
        return Err("a path with `..` or `.`".into());
    }
    if parts.is_empty() {
        return Ok(None);
    }
    Ok(Some(parts))
}

/// Unpacks `zip` into `dir` (which exists and is empty). Errors are diagnostics naming the
/// archive or the entry.
pub fn unpack(zip: &[u8], dir: &Path, limits: Limits) -> Result<(), Vec<Diagnostic>> {
    const ARCHIVE: &str = "(上传的压缩包)";
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip))
        .map_err(|e| refuse(ARCHIVE, format!("not a zip archive: {e}")))?;
    if archive.len() > limits.max_entries {
        return Err(refuse(
            ARCHIVE,
            format!(
                "{} entries; at most {} are accepted",
                archive.len(),
                limits.max_entries
            ),
        ));
    }
    // first pass: names, kinds, and the one folder everything may sit in
    let mut entries: Vec<(usize, Vec<String>)> = Vec::new();
    for k in 0..archive.len() {
        let file = archive
            .by_index(k)
            .map_err(|e| refuse(ARCHIVE, format!("entry {}: {e}", k + 1)))?;
        let name = file.name().map(|n| n.into_owned()).unwrap_or_default();
        if file.is_symlink() {
            return Err(refuse(
                &name,
                "a link; only plain files are accepted".into(),
            ));
        }
        let parts = entry_path(&name)
            .map_err(|why| refuse(&name, format!("{why}: entries must be plain file names")))?;
        if let Some(parts) = parts {
            if !file.is_dir() {
                entries.push((k, parts));
            }
        }
    }
    let folder = common_folder(&entries);
    let depth = usize::from(folder.is_some());
    let mut total = 0u64;
    for (k, parts) in &entries {
        if parts.len() != depth + 1 {
            return Err(refuse(
                &parts.join("/"),
                "the case's files must sit at the archive's root or all inside one folder".into(),
            ));
        }
        let name = &parts[depth];
        let mut file = archive
            .by_index(*k)
            .map_err(|e| refuse(name, format!("cannot read: {e}")))?;
        let packed = file.compressed_size().max(1);
        let room = limits.max_total - total;
        let mut bytes = Vec::new();
        (&mut file)
            .take(room + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| refuse(name, format!("cannot inflate: {e}")))?;
        let size = bytes.len() as u64;
        if size > room {
            return Err(refuse(
                name,
                format!("the archive inflates beyond {} MiB", limits.max_total >> 20),
            ));
        }
        if size > 1 << 20 && size / packed > limits.max_ratio {
            return Err(refuse(
                name,
                format!(
                    "inflates {}× its packed size (at most {}×): refused as a zip bomb",
                    size / packed,
                    limits.max_ratio
                ),
            ));
        }
        total += size;
        let target = dir.join(name);
        if target.exists() {
            return Err(refuse(name, "the archive holds this name twice".into()));
        }
        std::fs::write(&target, bytes).map_err(|e| refuse(name, format!("cannot store: {e}")))?;
    }
    if entries.is_empty() {
        return Err(refuse(ARCHIVE, "the archive holds no files".into()));
    }
    Ok(())
}

/// The one folder every entry sits in, when there is one and no entry sits at the root.
fn common_folder(entries: &[(usize, Vec<String>)]) -> Option<String> {
    let first = entries.first()?.1.first()?.clone();
    entries
        .iter()
        .all(|(_, p)| p.len() > 1 && p[0] == first)
        .then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in files {
            w.start_file(*name, opts).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn try_unpack(files: &[(&str, &[u8])]) -> Result<Vec<String>, String> {
        let dir = tempfile::tempdir().unwrap();
        unpack(&zip_of(files), dir.path(), Limits::default()).map_err(|d| format!("{}", d[0]))?;
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        Ok(names)
    }

    #[test]
    fn files_at_the_root_or_in_one_folder_are_taken() {
        assert_eq!(
            try_unpack(&[("case.toml", b"x"), ("rooms.csv", b"y")]).unwrap(),
            ["case.toml", "rooms.csv"]
        );
        assert_eq!(
            try_unpack(&[
                ("湖南/case.toml", b"x"),
                ("湖南/rooms.csv", b"y"),
                ("__MACOSX/湖南/._rooms.csv", b"z")
            ])
            .unwrap(),
            ["case.toml", "rooms.csv"]
        );
    }

    #[test]
    fn hostile_names_are_refused() {
        for bad in [
            "../evil.csv",
            "/etc/passwd",
            "a/../../evil",
            "C:/x.csv",
            "a\\..\\b",
        ] {
            let e = try_unpack(&[(bad, b"x")]).unwrap_err();
            assert!(e.contains("plain file names"), "{bad}: {e}");
        }
        let e = try_unpack(&[("a/x.csv", b"x"), ("b/y.csv", b"y")]).unwrap_err();
        assert!(e.contains("one folder"), "{e}");
        assert!(try_unpack(&[]).unwrap_err().contains("no files"));
        let dir = tempfile::tempdir().unwrap();
        assert!(unpack(b"not a zip", dir.path(), Limits::default()).is_err());
    }

    #[test]
    fn a_zip_bomb_is_refused_by_what_it_inflates_to() {
        let zeros = vec![0u8; 50 << 20];
        let e = try_unpack(&[("candidates.csv", &zeros)]).unwrap_err();
        assert!(e.contains("zip bomb"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let small = Limits {
            max_total: 1 << 10,
            ..Limits::default()
        };
        let e = unpack(&zip_of(&[("a.csv", &[b'a'; 2000])]), dir.path(), small).unwrap_err();
        assert!(e[0].message.contains("inflates beyond"));
    }
}
