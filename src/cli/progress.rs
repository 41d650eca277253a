//! A progress line on stderr: done / total, percent and rate. On a terminal it is redrawn in
//! place (`\r`) at most ten times a second; otherwise (logs, pipes) a line is printed at every
//! further tenth of the total.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Least time between two redraws on a terminal.
const REDRAW_EVERY: Duration = Duration::from_millis(100);

/// One progress line, e.g. `rebuild: 512000 / 1000000 events (51.2%), 84210 events/s`.
#[derive(Debug)]
pub struct ProgressLine {
    label: String,
    unit: &'static str,
    started: Instant,
    terminal: bool,
    last_draw: Option<Instant>,
    last_tenth: u64,
    drawn: bool,
}

impl ProgressLine {
    /// A line for `label`, counting `unit` (e.g. "events").
    pub fn new(label: impl Into<String>, unit: &'static str) -> Self {
        Self {
            label: label.into(),
            unit,
            started: Instant::now(),
            terminal: std::io::stderr().is_terminal(),
            last_draw: None,
            last_tenth: 0,
            drawn: false,
        }
    }

    /// Reports `done` of `total` (0: unknown).
    pub fn update(&mut self, done: u64, total: u64) {
        if self.terminal {
            let now = Instant::now();
            if self
                .last_draw
                .is_some_and(|last| now - last < REDRAW_EVERY && done < total)
            {
                return;
            }
            self.last_draw = Some(now);
            eprint!("\r{}\x1b[K", self.text(done, total));
            let _ = std::io::stderr().flush();
            self.drawn = true;
        } else {
            let tenth = (done * 10).checked_div(total).unwrap_or(0);
            if tenth > self.last_tenth {
                self.last_tenth = tenth;
                eprintln!("{}", self.text(done, total));
            }
        }
    }

    /// Ends the line (on a terminal, moves to the next one).
    pub fn finish(&mut self) {
        if self.terminal && self.drawn {
            eprintln!();
        }
        self.drawn = false;
    }

    fn text(&self, done: u64, total: u64) -> String {
        let rate = rate(done, self.started.elapsed());
        let percent = if total > 0 {
            format!(" ({:.1}%)", done as f64 * 100.0 / total as f64)
        } else {
            String::new()
        };
        format!(
            "{}: {done} / {total} {}{percent}, {rate:.0} {}/s",
            self.label, self.unit, self.unit
        )
    }
}

/// `count` per second over `elapsed`.
pub fn rate(count: u64, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64().max(1e-9)
}
