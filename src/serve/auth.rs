//! Passwords, sessions and the login throttle.
//!
//! Passwords are stored only as Argon2id hashes (PHC strings, a random salt each). A session is
//! a random token in an HttpOnly, SameSite=Strict cookie, with its own CSRF token that every
//! state-changing request must echo in `X-CSRF-Token`. Five failed logins for one user name
//! within fifteen minutes close that name to logins until the oldest of them is out of the window.

use super::store::{now_seconds, Store, StoreError, User};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;

/// How long a session lasts (a working day and some).
pub const SESSION_SECONDS: i64 = 12 * 3600;
/// The throttle window and how many failures it allows.
pub const WINDOW_SECONDS: i64 = 15 * 60;
pub const MAX_FAILURES: usize = 5;
/// The session cookie's name.
pub const COOKIE: &str = "ep_session";

/// Random bytes as lowercase hex (tokens, generated passwords).
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// A password to print once: 16 letters and digits without look-alikes (0/O, 1/l/I).
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut buf = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    buf.iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

/// The Argon2id hash of a password (argon2's defaults: 19 MiB, 2 passes).
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2 with default parameters hashes any password")
        .to_string()
}

/// Does the password match the stored hash?
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// What a login attempt came to.
pub enum Login {
    /// A new session: its cookie token and CSRF token, and the user.
    Ok {
        token: String,
        csrf: String,
        user: User,
    },
    /// Wrong name or password (the same answer for both), or a disabled user.
    Refused,
    /// Too many failures: retry after this many seconds.
    Throttled(i64),
}

/// Checks a name and password, counting failures; on success opens a session.
pub fn login(store: &Store, name: &str, password: &str) -> Result<Login, StoreError> {
    let now = now_seconds();
    let since = now - WINDOW_SECONDS;
    if store.failures_since(name, since)? >= MAX_FAILURES {
        let first = store.first_failure_since(name, since)?.unwrap_or(now);
        return Ok(Login::Throttled((first + WINDOW_SECONDS - now).max(1)));
    }
    let user = store.login_user(name)?;
    // a missing user costs the same hash as a wrong password, so timing does not tell
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password(&random_hex(16)));
    let ok = match &user {
        Some((u, hash)) => verify_password(password, hash) && !u.disabled,
        None => {
            verify_password(password, dummy);
            false
        }
    };
    match user {
        Some((user, _)) if ok => {
            let (token, csrf) = (random_hex(32), random_hex(32));
            store.add_session(&token, user.id, &csrf, now + SESSION_SECONDS)?;
            Ok(Login::Ok { token, csrf, user })
        }
        _ => {
            store.add_failure(name, now)?;
            Ok(Login::Refused)
        }
    }
}

/// The `Set-Cookie` value of a new session (`Secure` when the request came over TLS).
pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={SESSION_SECONDS}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that ends a session in the browser.
pub fn cleared_cookie(secure: bool) -> String {
    format!(
        "{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The session token in a `Cookie` header, if any.
pub fn token_in(cookie_header: &str) -> Option<&str> {
    cookie_header
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

/// Constant-time comparison of two tokens.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_argon2id_and_checks_only_its_password() {
        let h = hash_password("秘密 password");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("秘密 password", &h));
        assert!(!verify_password("秘密 passwore", &h));
        assert!(!verify_password("x", "not a hash"));
        assert_ne!(h, hash_password("秘密 password"), "a fresh salt each time");
    }

    #[test]
    fn the_fifth_failure_closes_the_name_and_the_window_reopens_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        store
            .add_user("zz", "province", None, &hash_password("right"))
            .unwrap();
        for _ in 0..MAX_FAILURES {
            assert!(matches!(
                login(&store, "zz", "wrong").unwrap(),
                Login::Refused
            ));
        }
        assert!(matches!(
            login(&store, "zz", "right").unwrap(),
            Login::Throttled(s) if s > 0 && s <= WINDOW_SECONDS
        ));
        // failures older than the window no longer count
        let dir2 = tempfile::tempdir().unwrap();
        let store2 = Store::open(&dir2.path().join("t.db")).unwrap();
        store2
            .add_user("zz", "province", None, &hash_password("right"))
            .unwrap();
        for _ in 0..MAX_FAILURES {
            store2
                .add_failure("zz", now_seconds() - WINDOW_SECONDS - 5)
                .unwrap();
        }
        assert!(matches!(
            login(&store2, "zz", "right").unwrap(),
            Login::Ok { .. }
        ));
    }

    #[test]
    fn cookies_are_http_only_and_strict() {
        let c = session_cookie("abc", true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Secure"));
        assert!(!session_cookie("abc", false).contains("Secure"));
        assert_eq!(token_in("a=1; ep_session=xyz; b=2"), Some("xyz"));
        assert_eq!(token_in("ep_session="), None);
        assert!(same_token("ab", "ab") && !same_token("ab", "ac") && !same_token("a", "ab"));
    }
}
