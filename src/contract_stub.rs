//! STUB of the foundation branch's scoring contract, so that the domain branch compiles on its
//! own. The lead deletes this file at merge; the real types replace it. Nothing else lives here.
#![allow(missing_docs, clippy::missing_errors_doc, clippy::must_use_candidate)]

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One answer to one item.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Value(f64),
    Missing,
    DoesNotApply,
}

/// Answers by item number (1-based).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Responses {
    answers: BTreeMap<u16, Answer>,
}

impl Responses {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn get(&self, item: u16) -> Option<Answer> {
        self.answers.get(&item).copied()
    }
    pub fn len(&self) -> usize {
        self.answers.len()
    }
    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = (u16, Answer)> + '_ {
        self.answers.iter().map(|(k, v)| (*k, *v))
    }
}

impl FromIterator<(u16, Answer)> for Responses {
    fn from_iter<T: IntoIterator<Item = (u16, Answer)>>(iter: T) -> Self {
        Self {
            answers: iter.into_iter().collect(),
        }
    }
}

/// The score of one administration.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub instrument: String,
    pub total: f64,
    pub subscales: Vec<SubscaleScore>,
    pub answered: usize,
    pub prorated: bool,
    pub imputed: usize,
    pub band: Option<String>,
    pub flagged: Option<bool>,
}

impl Score {
    pub fn subscale(&self, name: &str) -> Option<f64> {
        self.subscales
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.value)
    }
}

/// One subscale's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscaleScore {
    pub name: String,
    pub value: f64,
}
