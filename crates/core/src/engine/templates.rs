//! Saved replies ("reply templates") the composer offers in every service: kept in the
//! profile's config (they are not secrets), in the user's order, each for one service or all.
//! The page fills their `{variables}`; here they are only checked and stored.

use super::{Engine, EngineError};
use crate::services::ServiceKind;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Most templates kept (an import of a huge file is refused, not half taken).
const MAX_TEMPLATES: usize = 500;
const MAX_NAME_CHARS: usize = 100;
const MAX_TEXT_BYTES: usize = 64 * 1024;
const MAX_ID_CHARS: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyTemplate {
    pub id: String,
    pub name: String,
    pub text: String,
    /// The service it is offered in; `None`: every service.
    #[serde(default)]
    pub service: Option<ServiceKind>,
}

impl Engine {
    pub fn templates(&self) -> Vec<ReplyTemplate> {
        self.config().templates
    }

    /// Replaces the whole ordered list, after checking every template: one bad template
    /// changes nothing.
    pub fn set_templates(
        &self,
        templates: Vec<ReplyTemplate>,
    ) -> Result<Vec<ReplyTemplate>, EngineError> {
        let checked = checked(templates)?;
        self.update_config(|c| c.templates = checked)?;
        Ok(self.templates())
    }

    /// Writes every template to a new `parley-templates….json` in `folder` (never over an
    /// existing file) for the user to keep or import elsewhere; returns its path.
    pub fn export_templates(&self, folder: &Path) -> Result<PathBuf, EngineError> {
        let file = TemplateFile {
            templates: self.templates(),
        };
        // Plain strings and enums: serializing cannot fail.
        let json = serde_json::to_vec_pretty(&file).unwrap_or_default();
        let written = crate::new_file::create_new_file(folder, "parley-templates.json")
            .and_then(|(mut file, path)| std::io::Write::write_all(&mut file, &json).map(|_| path));
        written.map_err(|source| EngineError::WriteFile {
            folder: folder.display().to_string(),
            source,
        })
    }
}

/// What an export holds (and what Settings imports back).
#[derive(Serialize)]
struct TemplateFile {
    templates: Vec<ReplyTemplate>,
}

fn checked(templates: Vec<ReplyTemplate>) -> Result<Vec<ReplyTemplate>, EngineError> {
    if templates.len() > MAX_TEMPLATES {
        return Err(EngineError::Invalid(format!(
            "at most {MAX_TEMPLATES} templates are kept ({} given)",
            templates.len()
        )));
    }
    let mut ids = std::collections::HashSet::new();
    templates
        .into_iter()
        .enumerate()
        .map(|(i, mut t)| {
            let which = format!("template {}", i + 1);
            t.name = t.name.trim().to_owned();
            if t.name.is_empty() || t.name.chars().count() > MAX_NAME_CHARS {
                return Err(EngineError::Invalid(format!(
                    "{which}: give it a name of at most {MAX_NAME_CHARS} characters"
                )));
            }
            if t.name.chars().any(char::is_control) {
                return Err(EngineError::Invalid(format!(
                    "{which}: the name has control characters"
                )));
            }
            if t.text.trim().is_empty() || t.text.len() > MAX_TEXT_BYTES {
                return Err(EngineError::Invalid(format!(
                    "\"{}\": the text must be between 1 byte and {} KB",
                    t.name,
                    MAX_TEXT_BYTES / 1024
                )));
            }
            if t.id.is_empty()
                || t.id.chars().count() > MAX_ID_CHARS
                || t.id.chars().any(char::is_control)
                || !ids.insert(t.id.clone())
            {
                return Err(EngineError::Invalid(format!(
                    "\"{}\": its id is empty, too long or used twice",
                    t.name
                )));
            }
            Ok(t)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(id: &str, name: &str, text: &str) -> ReplyTemplate {
        ReplyTemplate {
            id: id.into(),
            name: name.into(),
            text: text.into(),
            service: None,
        }
    }

    #[test]
    fn templates_are_checked_whole_and_kept_in_order() {
        let ok = checked(vec![
            t(
                "a",
                " Payment details ",
                "IBAN {iban}, reference {order_no}",
            ),
            t("b", "Thanks", "Released, thanks {counterparty}!"),
        ])
        .unwrap();
        assert_eq!(ok[0].name, "Payment details", "trimmed");
        assert_eq!(ok[1].id, "b");
        assert!(
            checked(vec![t("a", "x", "y"), t("a", "z", "w")]).is_err(),
            "ids are unique"
        );
        assert!(checked(vec![t("a", "", "y")]).is_err());
        assert!(checked(vec![t("a", "x", "  ")]).is_err());
        assert!(checked(vec![t("a", "x", &"y".repeat(MAX_TEXT_BYTES + 1))]).is_err());
        assert!(checked(
            (0..=MAX_TEMPLATES)
                .map(|i| t(&i.to_string(), "n", "t"))
                .collect()
        )
        .is_err());
        let json = r#"{"id":"m","name":"Mixin only","text":"hi","service":"mixin"}"#;
        let parsed: ReplyTemplate = serde_json::from_str(json).unwrap();
        assert_eq!(parsed.service, Some(ServiceKind::Mixin));
    }

    #[tokio::test]
    async fn an_export_is_a_new_file_that_imports_back() {
        let engine = Engine::new(
            crate::store::Store::open_in_memory().unwrap(),
            None,
            crate::config::AppConfig::default(),
            std::sync::Arc::new(crate::secrets::SessionOnlyStore::default()),
            crate::supervisor::Tuning::default(),
        );
        engine
            .set_templates(vec![t("a", "Pay", "IBAN {iban}")])
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let first = engine.export_templates(dir.path()).unwrap();
        let second = engine.export_templates(dir.path()).unwrap();
        assert!(
            second.ends_with("parley-templates (2).json"),
            "never over the first"
        );
        let file: serde_json::Value =
            serde_json::from_slice(&std::fs::read(first).unwrap()).unwrap();
        assert_eq!(file["templates"][0]["text"], "IBAN {iban}");
    }
}
