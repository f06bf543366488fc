//! The PDF gate's process boundary (`pdf::gate` says what is checked and why): every PDF from
//! outside is read first by a child process — this same program, run as `opuntia pdf-gate` —
//! with its address space, processor time and stack bounded, so that a file made to overflow
//! the reader's stack or exhaust its memory stops the child, never the server.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{ExitCode, Stdio};
use std::time::Duration;

use pdf::gate::{Accepted, Limits, Refusal};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::error::ApiError;

/// The argument that makes the program the gate's child.
pub const SUBCOMMAND: &str = "pdf-gate";

/// The child's reading thread's stack: half of what the server's blocking threads have (tokio's
/// 2 MiB), so that whatever the child could read, the server reads again without overflowing.
const CHILD_STACK_BYTES: usize = 1024 * 1024;
/// The child's address space: the program's own mappings, the file, what the reader makes of
/// it, decompressed object streams up to `Limits::max_inflated_bytes` and some.
const CHILD_ADDRESS_SPACE_BYTES: u64 = 1024 * 1024 * 1024;
/// The child's processor time, in seconds; the parent waits a little longer.
const CHILD_CPU_SECONDS: u64 = 10;
const CHILD_WALL_TIME: Duration = Duration::from_secs(15);
/// Children at once: hostile uploads in parallel cannot use more than this many times the
/// child's bounds.
const CHILDREN_AT_ONCE: usize = 2;

/// The parent's side: runs the child on each PDF.
#[derive(Debug)]
pub struct PdfGate {
    program: PathBuf,
    permits: tokio::sync::Semaphore,
}

/// What became of a PDF at the gate.
#[derive(Debug)]
pub enum GateError {
    /// The PDF is refused, and why.
    Refused(Refusal),
    /// The gate itself failed (its program could not run): not the PDF's fault.
    Unavailable(String),
}

impl PdfGate {
    /// A gate running `program` (empty: this program) as its child.
    pub fn new(program: PathBuf) -> std::io::Result<Self> {
        let program = if program.as_os_str().is_empty() {
            std::env::current_exe()?
        } else {
            program
        };
        Ok(Self {
            program,
            permits: tokio::sync::Semaphore::new(CHILDREN_AT_ONCE),
        })
    }

    /// Checks `bytes`: the bounded first pass here, then the whole reading in a child.
    pub async fn check(&self, bytes: &[u8]) -> Result<Accepted, GateError> {
        pdf::gate::precheck(bytes, &Limits::PLATFORM).map_err(GateError::Refused)?;
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| GateError::Unavailable(e.to_string()))?;
        let mut child = tokio::process::Command::new(&self.program)
            .arg(SUBCOMMAND)
            .env("MALLOC_ARENA_MAX", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| GateError::Unavailable(format!("{}: {e}", self.program.display())))?;
        let (Some(mut stdin), Some(mut stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(GateError::Unavailable("the child's pipes".into()));
        };
        let talk = async {
            // A child that dies while reading closes its end: its verdict (none) says the rest.
            let _ = stdin.write_all(bytes).await;
            drop(stdin);
            let mut answer = String::new();
            let _ = stdout.read_to_string(&mut answer).await;
            let _ = child.wait().await;
            answer
        };
        let answer = tokio::time::timeout(CHILD_WALL_TIME, talk)
            .await
            .unwrap_or_default();
        match verdict(&answer) {
            Some(Ok(accepted)) => Ok(accepted),
            Some(Err(refusal)) => Err(GateError::Refused(refusal)),
            // Killed (stack overflow, memory, processor time) or silent: the file exhausted it.
            None => {
                tracing::warn!(
                    bytes = bytes.len(),
                    "a PDF stopped the gate's child before its verdict"
                );
                Err(GateError::Refused(Refusal::Exhausting))
            }
        }
    }

    /// [`PdfGate::check`], refusals as a 422 on `field` with code `invalid_pdf`.
    pub async fn admit(&self, bytes: &[u8], field: &str) -> Result<Accepted, ApiError> {
        self.check(bytes).await.map_err(|error| match error {
            GateError::Refused(refusal) => {
                ApiError::field(field, api_types::codes::INVALID_PDF, refusal.message())
            }
            GateError::Unavailable(why) => ApiError::internal(format!("pdf gate: {why}")),
        })
    }
}

/// The child's one line: `accepted <pages>` or `refused <refusal>`.
fn verdict(answer: &str) -> Option<Result<Accepted, Refusal>> {
    let line = answer.lines().next()?;
    if let Some(pages) = line.strip_prefix("accepted ") {
        return Some(Ok(Accepted {
            pages: pages.trim().parse().ok()?,
        }));
    }
    Some(Err(Refusal::from_line(line.strip_prefix("refused ")?)?))
}

/// The child: reads the PDF on standard input, writes its verdict on standard output.
pub fn child_main() -> ExitCode {
    bound_resources();
    let limits = Limits::PLATFORM;
    let mut bytes = Vec::new();
    let read = std::io::stdin()
        .take(limits.max_bytes as u64 + 1)
        .read_to_end(&mut bytes);
    let verdict = match read {
        Err(_) => Err(Refusal::Truncated),
        Ok(_) => std::thread::Builder::new()
            .stack_size(CHILD_STACK_BYTES)
            .spawn(move || pdf::gate::inspect(&bytes, &limits))
            .map_err(|_| Refusal::Exhausting)
            .and_then(|reading| {
                // A panic inside the reader: it could not read the file.
                reading
                    .join()
                    .unwrap_or_else(|_| Err(Refusal::Unreadable("the reader panicked".into())))
            }),
    };
    let line = match verdict {
        Ok(accepted) => format!("accepted {}", accepted.pages),
        Err(refusal) => format!("refused {}", refusal.to_line()),
    };
    let mut out = std::io::stdout();
    if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// The child's memory and processor time, bounded by the kernel: past them it is stopped.
fn bound_resources() {
    use rustix::process::{Resource, Rlimit, setrlimit};
    let limit = |value: u64| Rlimit {
        current: Some(value),
        maximum: Some(value),
    };
    // Where the kernel refuses (an operator's lower hard limit), the lower limit stands.
    let _ = setrlimit(Resource::As, limit(CHILD_ADDRESS_SPACE_BYTES));
    let _ = setrlimit(Resource::Cpu, limit(CHILD_CPU_SECONDS));
    let _ = setrlimit(Resource::Core, limit(0));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_childs_verdict_is_read_back_and_anything_else_is_no_verdict() {
        assert_eq!(
            verdict("accepted 3\n").map(|v| v.ok()),
            Some(Some(Accepted { pages: 3 }))
        );
        assert!(matches!(
            verdict("refused too_deep 64\n"),
            Some(Err(Refusal::TooDeep(64)))
        ));
        assert!(verdict("").is_none());
        assert!(verdict("running 0 tests\n").is_none());
    }
}
