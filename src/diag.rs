//! Diagnostics: every problem found in a case is a value with a position.
//!
//! Validation never stops at the first problem: readers push [`Diagnostic`]s into a
//! [`Diagnostics`] list and keep going, so an officer fixes a whole export in one pass.
//! A diagnostic prints as `file:line: column: message`, the shape editors and `grep -n` use.

use std::fmt;

/// How bad a problem is: errors stop `plan`, warnings are reported and planning goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem at one place in one input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file name inside the case folder, e.g. `candidates.csv`.
    pub file: String,
    /// The line as a text editor shows it (the header is line 1); `None` for whole-file problems.
    pub line: Option<u64>,
    /// The column (header name) the problem is in; `None` for whole-row or whole-file problems.
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}:", self.file)?;
        if let Some(line) = self.line {
            write!(f, "{line}:")?;
        }
        if let Some(column) = &self.column {
            write!(f, " {column}:")?;
        }
        write!(f, " {kind}: {}", self.message)
    }
}

/// The problems found so far, in the order they were found.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn error(&mut self, file: &str, line: Option<u64>, column: Option<&str>, message: String) {
        self.push(Severity::Error, file, line, column, message);
    }

    pub fn warning(
        &mut self,
        file: &str,
        line: Option<u64>,
        column: Option<&str>,
        message: String,
    ) {
        self.push(Severity::Warning, file, line, column, message);
    }

    fn push(
        &mut self,
        severity: Severity,
        file: &str,
        line: Option<u64>,
        column: Option<&str>,
        message: String,
    ) {
        self.items.push(Diagnostic {
            severity,
            file: file.to_string(),
            line,
            column: column.map(str::to_string),
            // a diagnostic may quote a cell: never an ID number in full (it reaches consoles,
            // logs and web pages)
            message: crate::privacy::mask_ids_in(&message).into_owned(),
        });
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Error)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }
}
