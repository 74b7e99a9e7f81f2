//! The journal of a bulk job: what it set out to do and each token done, so that a job cut short
//! (Ctrl-C, `kill -9`, a crash, a budget stop) can be finished by `--resume` without missing a
//! token or sending one twice.
//!
//! JSON lines: a header (the job, the account it runs against, a hash of the selection, and the
//! selected tokens in order), then one line per request answered, and a closing line when a run
//! stops or finishes. Each line is written whole and fsync'd before the next request, so after a
//! kill the journal holds every answered request; at most the request in flight is unknown. A
//! line cut short by a kill is dropped on resume. The file holds token values (an agent token's
//! value is its id), so it is created 0600, in a 0700 directory when it is the default one.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::CliError;

/// What a journal file says it is.
const KIND: &str = "lwtokens-bulk-journal";
/// The version of the format.
const VERSION: u32 = 1;

/// The first line: the job and everything a resume must agree with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Always [`KIND`].
    pub kind: String,
    /// Always [`VERSION`].
    pub version: u32,
    /// `enable` or `disable`.
    pub job: String,
    /// The API's base URL.
    pub base_url: String,
    /// The sub-account, if any.
    pub sub_account: Option<String>,
    /// The API key id, if any.
    pub key_id: Option<String>,
    /// A hash of the selection (`--alias-like`, `--filter`s, or the list on stdin).
    pub selection: String,
    /// The selection in words, for messages.
    pub selection_text: String,
    /// The selected tokens, in the order they are done.
    pub tokens: Vec<Selected>,
}

impl Header {
    /// The header of a `job` over the selection `selection_key` (what identifies it: hashed
    /// here), against `base_url` as the sub-account and key given; its tokens come later.
    pub fn new(
        job: &str,
        base_url: &str,
        sub_account: Option<String>,
        key_id: Option<String>,
        selection_key: &str,
        selection_text: String,
    ) -> Header {
        Header {
            kind: KIND.into(),
            version: VERSION,
            job: job.into(),
            base_url: base_url.into(),
            sub_account,
            key_id,
            selection: stable_hash(&[selection_key]),
            selection_text,
            tokens: Vec::new(),
        }
    }

    /// The default journal of this job: `jobs/<job>-<hash>.jsonl` in the platform's state
    /// directory (the local data directory where there is none), the hash of everything a
    /// resume must agree with but the tokens.
    pub fn default_path(&self) -> Result<PathBuf, CliError> {
        let hash = stable_hash(&[
            &self.job,
            &self.base_url,
            self.sub_account.as_deref().unwrap_or(""),
            self.key_id.as_deref().unwrap_or(""),
            &self.selection,
        ]);
        let dirs = directories::ProjectDirs::from("", "", "lwtokens").ok_or_else(|| {
            CliError::Usage(
                "no home directory to keep the job's journal in: name one with --journal FILE".into(),
            )
        })?;
        let base = dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir());
        Ok(base.join("jobs").join(format!("{}-{hash}.jsonl", self.job)))
    }
}

/// One selected token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Selected {
    /// Its value (the API's id for it).
    pub id: String,
    /// Its alias, when known.
    pub alias: String,
    /// Whether it was enabled when selected, when known (a value given on stdin is not looked up).
    pub enabled: Option<bool>,
}

/// A line after the header.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "entry", rename_all = "snake_case")]
pub enum Entry {
    /// The request for token `index` was answered.
    Done {
        /// The token's place in the header's list.
        index: usize,
        /// Whether the API did it.
        ok: bool,
        /// Why not, if it did not.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    },
    /// A run stopped with work left.
    Stopped {
        /// Why.
        reason: String,
        /// The token whose request was in flight (Ctrl-C), if any: it may have been done.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        in_flight: Option<usize>,
    },
    /// Every token is done.
    Finished,
}

/// What earlier runs did, read back from a journal.
#[derive(Debug, Default)]
pub struct Earlier {
    /// Tokens done.
    pub done: HashSet<usize>,
    /// Tokens that failed, with why (they are tried again).
    pub failed: HashMap<usize, String>,
    /// A token whose request may have been sent without its answer being recorded: the run
    /// died with it in flight. It is sent again (updates are idempotent) and the summary says so.
    pub maybe_sent: Option<usize>,
    /// The journal says the job is finished.
    pub finished: bool,
}

/// An open journal, appended to as the job goes.
pub struct Journal {
    file: File,
    path: PathBuf,
}

/// A hash of `parts` that is the same on every run and platform (the start of their SHA-256):
/// it names the default journal file and ties a journal to its selection. Not for secrecy: the
/// file holds the values anyway.
fn stable_hash(parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in parts {
        // A separator no text holds, so that ("ab", "") and ("a", "b") differ.
        hasher.update(part.as_bytes());
        hasher.update([0xff]);
    }
    hasher.finalize()[..8].iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Reads the journal at `path`, if there is one: its header and what earlier runs did. A last
/// line cut short is ignored (and cut off when the journal is reopened).
pub fn read(path: &Path) -> Result<Option<(Header, Earlier, u64)>, CliError> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(CliError::Failed(format!("cannot read the journal {}: {e}", path.display()))),
    };
    let not_a_journal =
        |why: &str| CliError::Usage(format!("{} is not a journal of lwtokens: {why}", path.display()));
    let mut complete = 0u64;
    let mut lines = Vec::new();
    let mut rest = &bytes[..];
    while let Some(end) = rest.iter().position(|b| *b == b'\n') {
        lines.push(&rest[..end]);
        complete += end as u64 + 1;
        rest = &rest[end + 1..];
    }
    let Some((first, entries)) = lines.split_first() else {
        return Err(not_a_journal("it has no complete header line"));
    };
    let header: Header =
        serde_json::from_slice(first).map_err(|_| not_a_journal("its first line is not a header"))?;
    if header.kind != KIND || header.version != VERSION {
        return Err(not_a_journal("its header is of another kind or version"));
    }
    let mut earlier = Earlier::default();
    let mut last_done = None;
    let mut open_in_flight = true;
    for (number, line) in entries.iter().enumerate() {
        let entry: Entry = serde_json::from_slice(line)
            .map_err(|_| not_a_journal(&format!("line {} is damaged", number + 2)))?;
        match entry {
            Entry::Done { index, ok, error } if index < header.tokens.len() => {
                if ok {
                    earlier.done.insert(index);
                    earlier.failed.remove(&index);
                } else {
                    earlier.failed.insert(index, error.unwrap_or_default());
                }
                last_done = Some(index);
                open_in_flight = true;
            }
            Entry::Done { .. } => {
                return Err(not_a_journal(&format!("line {} names no selected token", number + 2)));
            }
            Entry::Stopped { in_flight, .. } => {
                earlier.maybe_sent = in_flight.filter(|i| !earlier.done.contains(i));
                open_in_flight = false;
            }
            Entry::Finished => {
                earlier.finished = true;
                open_in_flight = false;
            }
        }
    }
    if open_in_flight {
        // The run died: the next token it would have sent after its last answer may be done
        // (tokens already in the wanted state were passed over without a request).
        let wanted = Some(header.job == "enable");
        let from = last_done.map_or(0, |i| i + 1);
        earlier.maybe_sent = (from..header.tokens.len())
            .find(|i| !earlier.done.contains(i) && header.tokens[*i].enabled != wanted);
    }
    Ok(Some((header, earlier, complete)))
}

/// Why `journal` cannot be resumed by a command that would write `expected`, if it cannot.
pub fn mismatch(journal: &Header, expected: &Header, path: &Path) -> Option<String> {
    let path = path.display();
    if journal.job != expected.job {
        return Some(format!(
            "the journal {path} is of another job (agent {}), not this one (agent {})",
            journal.job, expected.job
        ));
    }
    if journal.base_url != expected.base_url
        || journal.sub_account != expected.sub_account
        || journal.key_id != expected.key_id
    {
        let who = |h: &Header| {
            format!(
                "{} (sub-account {}, key {})",
                h.base_url,
                h.sub_account.as_deref().unwrap_or("none"),
                h.key_id.as_deref().unwrap_or("none")
            )
        };
        return Some(format!(
            "the journal {path} is of a job against another account: {}, not {}",
            who(journal),
            who(expected)
        ));
    }
    if journal.selection != expected.selection {
        return Some(format!(
            "the journal {path} is of another selection ({}), not this one ({})",
            journal.selection_text, expected.selection_text
        ));
    }
    None
}

impl Journal {
    /// Starts a journal at `path` with `header`, replacing any finished one: written whole to a
    /// private temporary file beside it (`tempfile`: 0600, a fresh name, never a link followed),
    /// fsync'd, then moved into place, so a journal always has its header.
    pub fn create(path: &Path, header: &Header) -> Result<Journal, CliError> {
        let failed =
            |e: std::io::Error| CliError::Failed(format!("cannot write the journal {}: {e}", path.display()));
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        create_private_dir(dir).map_err(failed)?;
        let mut temporary = tempfile::NamedTempFile::new_in(dir).map_err(failed)?;
        let mut line = serde_json::to_string(header).expect("a header serializes");
        line.push('\n');
        temporary.write_all(line.as_bytes()).map_err(failed)?;
        temporary.as_file().sync_all().map_err(failed)?;
        // The file stays open, its position after the header: entries follow it.
        let file = temporary.persist(path).map_err(|e| failed(e.error))?;
        Ok(Journal { file, path: path.to_owned() })
    }

    /// Reopens the journal at `path` to append to it, cutting off a last line cut short, and
    /// making it private again if it was not.
    pub fn reopen(path: &Path, complete: u64) -> Result<Journal, CliError> {
        let failed =
            |e: std::io::Error| CliError::Failed(format!("cannot write the journal {}: {e}", path.display()));
        let file = OpenOptions::new().append(true).open(path).map_err(failed)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(fs::Permissions::from_mode(0o600)).map_err(failed)?;
        }
        file.set_len(complete).map_err(failed)?;
        Ok(Journal { file, path: path.to_owned() })
    }

    /// Appends `entry` and waits until it is on disk.
    pub fn write(&mut self, entry: &Entry) -> Result<(), CliError> {
        let mut line = serde_json::to_string(entry).expect("an entry serializes");
        line.push('\n');
        let failed = |e: std::io::Error| {
            CliError::Failed(format!("cannot write the journal {}: {e}", self.path.display()))
        };
        self.file.write_all(line.as_bytes()).map_err(failed)?;
        self.file.sync_data().map_err(failed)
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Creates `dir` and its parents, 0700 where created.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(selection: &str) -> Header {
        Header {
            kind: KIND.into(),
            version: VERSION,
            job: "disable".into(),
            base_url: "http://127.0.0.1:1".into(),
            sub_account: None,
            key_id: Some("KEY".into()),
            selection: stable_hash(&[selection]),
            selection_text: selection.into(),
            tokens: (0..4)
                .map(|i| Selected { id: format!("t{i}"), alias: format!("a{i}"), enabled: Some(true) })
                .collect(),
        }
    }

    #[test]
    fn a_line_cut_short_is_dropped_and_the_next_token_may_have_been_sent() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("jobs").join("j.jsonl");
        let mut journal = Journal::create(&path, &header("x")).unwrap();
        journal.write(&Entry::Done { index: 0, ok: true, error: None }).unwrap();
        journal.write(&Entry::Done { index: 1, ok: false, error: Some("404".into()) }).unwrap();
        drop(journal);
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(br#"{"entry":"done","ind"#).unwrap();
        let (read_header, earlier, complete) = read(&path).unwrap().unwrap();
        assert_eq!(read_header, header("x"));
        assert_eq!(earlier.done, HashSet::from([0]));
        assert_eq!(earlier.failed.get(&1).map(String::as_str), Some("404"));
        assert_eq!(earlier.maybe_sent, Some(2), "the token after the last answer was in flight");
        let mut passed_over = header("x");
        passed_over.tokens[2].enabled = Some(false);
        let other = dir.path().join("other.jsonl");
        let mut journal = Journal::create(&other, &passed_over).unwrap();
        journal.write(&Entry::Done { index: 1, ok: true, error: None }).unwrap();
        let (_, earlier, _) = read(&other).unwrap().unwrap();
        assert_eq!(earlier.maybe_sent, Some(3), "a token already disabled was never in flight");
        let mut journal = Journal::reopen(&path, complete).unwrap();
        journal.write(&Entry::Done { index: 2, ok: true, error: None }).unwrap();
        journal.write(&Entry::Stopped { reason: "budget".into(), in_flight: None }).unwrap();
        let (_, earlier, _) = read(&path).unwrap().unwrap();
        assert_eq!(earlier.done, HashSet::from([0, 2]));
        assert_eq!(earlier.maybe_sent, None, "a clean stop leaves nothing in flight");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
            assert_eq!(fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);
        }
    }

    #[test]
    fn journals_of_other_jobs_accounts_or_selections_are_refused() {
        let path = Path::new("j.jsonl");
        assert_eq!(mismatch(&header("x"), &header("x"), path), None);
        let other = mismatch(&header("x"), &header("y"), path).unwrap();
        assert!(other.contains("another selection (x), not this one (y)"), "{other}");
        let mut enable = header("x");
        enable.job = "enable".into();
        assert!(mismatch(&header("x"), &enable, path).unwrap().contains("another job"));
        let mut account = header("x");
        account.base_url = "https://acme.lacework.net".into();
        assert!(mismatch(&header("x"), &account, path).unwrap().contains("another account"));
    }

    #[test]
    fn garbage_is_not_a_journal() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("j.jsonl");
        fs::write(&path, "hello\n").unwrap();
        assert!(matches!(read(&path), Err(CliError::Usage(m)) if m.contains("not a journal")));
        fs::write(&path, "").unwrap();
        assert!(read(&path).is_err());
    }

    #[test]
    fn hashes_are_stable() {
        assert_eq!(stable_hash(&["a", "b"]), stable_hash(&["a", "b"]));
        assert_ne!(stable_hash(&["ab", ""]), stable_hash(&["a", "b"]));
    }
}
