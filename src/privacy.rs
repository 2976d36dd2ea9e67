//! ID numbers (居民身份证号) shown to people: masked everywhere but the files that must carry them.
//!
//! seats.csv and the files the contract names carry full ID numbers; a message, a log line, a
//! door list or a page shows `430102********3919`. Every console line goes through
//! [`mask_ids_in`] (in `progress`), so a message that quotes a cell cannot leak a number
//! whoever wrote it.

use std::borrow::Cow;

/// `430102********3919`: an ID number as a door list or a message may show it (first 6 and
/// last 4 characters; anything of 10 characters or fewer is starred whole).
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

/// `text` with every word shaped like a resident ID masked: 18 characters (17 digits and a
/// digit or X) or the old 15 digits, standing alone (not inside a longer run of letters or
/// digits, so a 22-digit ticket number is left as it is).
pub fn mask_ids_in(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut k = 0;
    while k < bytes.len() {
        if !word(bytes[k]) || (k > 0 && word(bytes[k - 1])) {
            k += 1;
            continue;
        }
        let end = (k..bytes.len())
            .find(|&e| !word(bytes[e]))
            .unwrap_or(bytes.len());
        let run = &bytes[k..end];
        let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
        let id_like = (run.len() == 18
            && digits(&run[..17])
            && (run[17].is_ascii_digit() || run[17] == b'X' || run[17] == b'x'))
            || (run.len() == 15 && digits(run));
        if id_like {
            let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
            o.push_str(&text[copied..k]);
            o.push_str(&mask_id(&text[k..end]));
            copied = end;
        }
        k = end;
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut o) => {
            o.push_str(&text[copied..]);
            Cow::Owned(o)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_masked_to_its_first_six_and_last_four() {
        assert_eq!(mask_id("43010219900101391X"), "430102********391X");
        assert_eq!(mask_id("123"), "***");
    }

    #[test]
    fn ids_inside_messages_are_masked_and_nothing_else() {
        let m = "candidates.csv:3: id_number: resident ID \"43010219900101391X\" has check character X, expected 9";
        assert_eq!(
            mask_ids_in(m),
            "candidates.csv:3: id_number: resident ID \"430102********391X\" has check character X, expected 9"
        );
        assert_eq!(
            mask_ids_in("old 430102900101391 and 430102199001013919."),
            "old 430102*****1391 and 430102********3919."
        );
        let ticket = "ticket 2026343010012030420701 and 91430100MA4L0000XY";
        assert!(matches!(mask_ids_in(ticket), Cow::Borrowed(_)), "{ticket}");
        assert_eq!(
            mask_ids_in("张三430102199001013919李四"),
            "张三430102********3919李四"
        );
    }
}
