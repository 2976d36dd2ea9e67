//! Check characters of the two national identifiers the case carries.
//!
//! Both are weighted sums modulo a prime: the resident ID (GB 11643-1999) modulo 11, the
//! unified social credit code (GB 32100-2015) modulo 31. A wrong check character almost always
//! means a typo in the registration export, so it is an error, not a warning.

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// The check character of the first 17 digits of a resident ID, or `None` if they are not digits.
pub fn resident_id_check(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(ID_CHECK[(sum % 11) as usize] as char)
}

/// Why an identifier was rejected; the text goes into the diagnostic.
pub fn check_resident_id(id: &str) -> Result<(), String> {
    if id.chars().count() != 18 || !id.is_ascii() {
        return Err(format!(
            "expected an 18-character resident ID, found {id:?}"
        ));
    }
    let Some(expected) = resident_id_check(&id[..17]) else {
        return Err(format!(
            "the first 17 characters of resident ID {id:?} must be digits"
        ));
    };
    let given = id.as_bytes()[17].to_ascii_uppercase() as char;
    if given != expected {
        return Err(format!(
            "resident ID {id:?} has check character {given}, expected {expected}"
        ));
    }
    Ok(())
}

/// Why a text cannot be an identifier (`institution_id`, `room_id`, `candidate_id`,
/// `expert_id`, …): 1–64 characters, no control character, none of `/ \ : * ? " < > |`, not
/// starting with `.`. Identifiers become file names (`institutions/ID.xlsx`) and reach
/// spreadsheets and pages, so anything that could name another folder is refused where it is
/// read, and no output path is ever built from unchecked text.
pub fn check_identifier(id: &str) -> Result<(), String> {
    const FORBIDDEN: &[char] = &['/', '\\', ':', '*', '?', '"', '<', '>', '|'];
    let n = id.chars().count();
    if n == 0 || n > 64 {
        return Err(format!("an identifier has 1 to 64 characters, found {n}"));
    }
    if let Some(c) = id.chars().find(|c| c.is_control()) {
        return Err(format!(
            "an identifier may not hold a control character (U+{:04X})",
            u32::from(c)
        ));
    }
    if let Some(c) = id.chars().find(|c| FORBIDDEN.contains(c)) {
        return Err(format!(
            "an identifier may not hold {c:?} (none of / \\ : * ? \" < > |), found {id:?}"
        ));
    }
    if id.starts_with('.') {
        return Err(format!(
            "an identifier may not start with '.', found {id:?}"
        ));
    }
    Ok(())
}

const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn credit_value(c: u8) -> Option<u32> {
    CREDIT_ALPHABET
        .iter()
        .position(|&a| a == c)
        .map(|p| p as u32)
}

/// The check character of the first 17 characters of a unified social credit code.
pub fn credit_code_check(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (b, w) in bytes.iter().zip(CREDIT_WEIGHTS) {
        sum += credit_value(*b)? * w;
    }
    let c = (31 - sum % 31) % 31;
    Some(CREDIT_ALPHABET[c as usize] as char)
}

pub fn check_credit_code(code: &str) -> Result<(), String> {
    if code.len() != 18 || !code.is_ascii() {
        return Err(format!(
            "expected an 18-character unified social credit code, found {code:?}"
        ));
    }
    let Some(expected) = credit_code_check(&code[..17]) else {
        return Err(format!(
            "credit code {code:?} uses characters outside 0-9 and A-Y (without I, O, S, V, Z)"
        ));
    };
    let given = code.as_bytes()[17] as char;
    if given != expected {
        return Err(format!(
            "credit code {code:?} has check character {given}, expected {expected}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_that_could_name_a_path_are_refused() {
        for ok in ["I001", "R-1", "考场一", "a.b", &"x".repeat(64)] {
            assert_eq!(check_identifier(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "../../evil",
            "a/b",
            "a\\b",
            "C:",
            "x*",
            "?",
            "\"q\"",
            "<a>",
            "a|b",
            ".hidden",
            "..",
            "tab\there",
            "nl\n",
            &"x".repeat(65),
        ] {
            assert!(check_identifier(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn known_resident_ids() {
        assert!(check_resident_id("11010519491231002X").is_ok());
        assert!(check_resident_id("11010519491231002x").is_ok());
        assert!(check_resident_id("110105194912310021").is_err());
        assert!(check_resident_id("11010519491231002").is_err());
        assert!(check_resident_id("1101051949123100AX").is_err());
    }

    #[test]
    fn known_credit_codes() {
        assert!(check_credit_code("91350100M000100Y43").is_ok());
        assert!(check_credit_code("91350100M000100Y44").is_err());
        assert!(check_credit_code("91350100M000100I43").is_err());
        assert_eq!(credit_code_check("91350100M000100Y4"), Some('3'));
    }
}
