//! A settings check ("Test connection") as the steps a user can follow: each named, passed or
//! failed with what it found, and those after a failure not reached. The page shows them where
//! the button is, so "signed in, but the live socket refused the token" reads as two lines, not
//! one sentence to decode.

use super::EngineError;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepOutcome {
    Passed,
    Failed,
    NotReached,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckStep {
    pub label: &'static str,
    pub outcome: StepOutcome,
    /// What the step found ("as Tess Trader", "12 rooms in the directory").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A check that went through every step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    pub summary: String,
    pub steps: Vec<CheckStep>,
}

/// The steps of one check, in order; each is passed or failed in turn.
#[derive(Debug)]
pub struct Steps {
    planned: &'static [&'static str],
    done: Vec<CheckStep>,
}

impl Steps {
    pub fn new(planned: &'static [&'static str]) -> Self {
        Steps {
            planned,
            done: Vec::with_capacity(planned.len()),
        }
    }

    /// The next step passed, having found `detail`.
    pub fn passed(&mut self, detail: impl Into<Option<String>>) {
        if let Some(label) = self.planned.get(self.done.len()) {
            self.done.push(CheckStep {
                label,
                outcome: StepOutcome::Passed,
                detail: detail.into(),
            });
        }
    }

    /// The next step failed with `error`: the error now carries every step, the later ones
    /// not reached.
    pub fn failed(mut self, error: EngineError) -> EngineError {
        let mut outcome = StepOutcome::Failed;
        for label in &self.planned[self.done.len().min(self.planned.len())..] {
            self.done.push(CheckStep {
                label,
                outcome,
                detail: None,
            });
            outcome = StepOutcome::NotReached;
        }
        EngineError::AtStep {
            steps: self.done,
            source: Box::new(error),
        }
    }

    /// Every step passed.
    pub fn report(self, summary: String) -> CheckReport {
        CheckReport {
            summary,
            steps: self.done,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &[&str] = &["Server reached", "Signed in", "Live socket authenticated"];

    #[test]
    fn a_failure_marks_its_step_and_leaves_the_later_ones_not_reached() {
        let mut steps = Steps::new(PLAN);
        steps.passed(None);
        let e = steps.failed(EngineError::Invalid("the password was refused".into()));
        let outcomes: Vec<_> = e.steps().iter().map(|s| (s.label, s.outcome)).collect();
        assert_eq!(
            outcomes,
            [
                ("Server reached", StepOutcome::Passed),
                ("Signed in", StepOutcome::Failed),
                ("Live socket authenticated", StepOutcome::NotReached),
            ]
        );
        assert_eq!(
            e.to_string(),
            "the password was refused",
            "the cause speaks"
        );
        assert_eq!(e.kind(), super::super::ErrorKind::InvalidInput);
    }
}
