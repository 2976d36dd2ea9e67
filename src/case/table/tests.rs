use super::*;

#[test]
fn physical_lines_for_every_line_end() {
    for body in [&b"a\nb\nc\n"[..], b"a\r\nb\r\nc\r\n", b"a\rb\rc\r"] {
        let mut lines = Lines::new(body);
        let third = body.iter().position(|&b| b == b'c').unwrap() as u64;
        assert_eq!(lines.line_of(0), 1);
        assert_eq!(lines.line_of(third), 3, "{body:?}");
        // the csv crate's offset of a record after a CRLF is that CRLF's `\n`
        let mut lines = Lines::new(body);
        assert_eq!(lines.line_of(third - 1), 3, "{body:?}");
    }
}

#[test]
fn excel_columns_serials_and_fractions() {
    assert_eq!(column_letter(0), "A");
    assert_eq!(column_letter(25), "Z");
    assert_eq!(column_letter(26), "AA");
    assert_eq!(column_letter(27), "AB");
    assert_eq!(serial_date(46249.0), NaiveDate::from_ymd_opt(2026, 8, 15));
    assert_eq!(serial_date(46249.5), None);
    assert_eq!(
        day_fraction(0.354_166_666_666_666_7),
        NaiveTime::from_hms_opt(8, 30, 0)
    );
    assert_eq!(day_fraction(1.2), None);
}
