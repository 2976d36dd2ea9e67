//! SHA-256 fingerprints in lowercase hex: what a what-if part and a spot-check notice quote so
//! anyone can tell that two runs read the same files.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// A digest in lowercase hex.
pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of a file, read in pieces (a seats.csv at 1,000,000 registrations is 150 MB).
pub fn file_sha256(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(hex(&h.finalize()));
        }
        h.update(&buf[..n]);
    }
}

/// SHA-256 of a case folder: every regular file by name order, each as its name, a zero
/// byte, its length and its bytes.
pub fn case_sha256(dir: &Path) -> std::io::Result<String> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    names.sort();
    let mut h = Sha256::new();
    for path in names {
        let bytes = std::fs::read(&path)?;
        h.update(path.file_name().unwrap_or_default().as_encoded_bytes());
        h.update([0]);
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
    }
    Ok(hex(&h.finalize()))
}
