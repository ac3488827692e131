//! The JSON shapes of answers and responses (what an API client sends).
//!
//! An answer is a number, `null` (left blank) or `"does_not_apply"`; `"missing"` is accepted
//! for blank. Responses arrive in any of three shapes:
//!
//! - a **map** from item number to answer: `{"1": 4, "2": null, "3": 5}`;
//! - an **array in item order** (item 1 first): `[4, null, 5]`;
//! - an **object** tagging the instrument: `{"instrument": "wai-sr", "answers": <map or array>}`.
//!
//! They are written in one shape: `{"instrument": "wai-sr", "answers": {"1": 4.0, "2": null}}`
//! (`instrument` left out when untagged). A value of another shape is refused with a message
//! naming the shapes expected.

use std::fmt;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserializer, Serializer};

use crate::Answer;

/// What the error messages say is expected.
pub(crate) const RESPONSES_EXPECTED: &str = "responses as a map from item number to answer \
({\"1\": 4, \"2\": null}), an array of answers in item order ([4, null]), or {\"instrument\": \
\"id\", \"answers\": <map or array>}";

const ANSWER_EXPECTED: &str = "an answer: a number, null (blank) or \"does_not_apply\"";

/// Serialises one answer: the number, `null` or `"does_not_apply"`.
pub(crate) fn serialize_answer<S: Serializer>(a: Answer, s: S) -> Result<S::Ok, S::Error> {
    match a {
        Answer::Value(v) => s.serialize_f64(v),
        Answer::Missing => s.serialize_none(),
        Answer::DoesNotApply => s.serialize_str("does_not_apply"),
    }
}

struct AnswerVisitor;

impl<'de> Visitor<'de> for AnswerVisitor {
    type Value = Answer;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(ANSWER_EXPECTED)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Answer, E> {
        Ok(Answer::Value(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Answer, E> {
        Ok(Answer::Value(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Answer, E> {
        Ok(Answer::Value(v as f64))
    }
    fn visit_none<E: de::Error>(self) -> Result<Answer, E> {
        Ok(Answer::Missing)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Answer, E> {
        Ok(Answer::Missing)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Answer, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Answer, E> {
        match v {
            "missing" => Ok(Answer::Missing),
            "does_not_apply" => Ok(Answer::DoesNotApply),
            other => Err(E::invalid_value(de::Unexpected::Str(other), &self)),
        }
    }
}

/// Deserialises one answer.
pub(crate) fn deserialize_answer<'de, D: Deserializer<'de>>(d: D) -> Result<Answer, D::Error> {
    d.deserialize_any(AnswerVisitor)
}

struct AnswerSeed;

impl<'de> de::DeserializeSeed<'de> for AnswerSeed {
    type Value = Answer;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Answer, D::Error> {
        deserialize_answer(d)
    }
}

/// Responses as read from JSON, before validation (repeated items are kept, to be refused
/// by the caller with the item named).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct RawResponses {
    pub(crate) instrument: Option<String>,
    pub(crate) answers: Vec<(u16, Answer)>,
}

struct ResponsesVisitor {
    /// Inside `{"answers": …}`: only a map or an array may follow.
    nested: bool,
}

fn item_key<E: de::Error>(key: &str) -> Result<u16, E> {
    key.trim()
        .parse::<u16>()
        .ok()
        .filter(|&n| n >= 1)
        .ok_or_else(|| {
            E::custom(format_args!(
                "responses: key {key:?} is not an item number (1-65535); expected {RESPONSES_EXPECTED}"
            ))
        })
}

impl<'de> Visitor<'de> for ResponsesVisitor {
    type Value = RawResponses;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(RESPONSES_EXPECTED)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawResponses, A::Error> {
        let mut answers = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        let mut item: u16 = 0;
        while let Some(a) = seq.next_element_seed(AnswerSeed).map_err(|e| {
            de::Error::custom(format_args!(
                "responses: item {}: {e} (an array holds one answer per item, in item order)",
                u32::from(item) + 1
            ))
        })? {
            item = item.checked_add(1).ok_or_else(|| {
                de::Error::custom("responses: more than 65535 answers in the array")
            })?;
            answers.push((item, a));
        }
        Ok(RawResponses {
            instrument: None,
            answers,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawResponses, A::Error> {
        let mut out = RawResponses::default();
        let mut tagged = false;
        // A key that is not an item number: an unknown field of the tagged object (ignored,
        // for forward compatibility) or, if the object turns out to be a map of answers, an
        // error. Which one is known only at the end: JSON objects have no key order.
        let mut unknown: Option<String> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "instrument" if !self.nested => {
                    tagged = true;
                    out.instrument = map.next_value::<Option<String>>()?;
                }
                "answers" if !self.nested => {
                    tagged = true;
                    let inner = map.next_value_seed(ResponsesSeed { nested: true })?;
                    out.answers = inner.answers;
                }
                _ if !self.nested && item_key::<A::Error>(&key).is_err() => {
                    map.next_value::<de::IgnoredAny>()?;
                    unknown.get_or_insert(key);
                }
                _ => {
                    let item = item_key(&key)?;
                    let a = map.next_value_seed(AnswerSeed).map_err(|e| {
                        de::Error::custom(format_args!("responses: item {item}: {e}"))
                    })?;
                    out.answers.push((item, a));
                }
            }
        }
        if !tagged && let Some(key) = unknown {
            item_key::<A::Error>(&key)?; // the error naming the key and the shapes expected
        }
        Ok(out)
    }
}

struct ResponsesSeed {
    nested: bool,
}

impl<'de> de::DeserializeSeed<'de> for ResponsesSeed {
    type Value = RawResponses;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<RawResponses, D::Error> {
        d.deserialize_any(ResponsesVisitor {
            nested: self.nested,
        })
    }
}

/// Deserialises responses in any accepted shape.
pub(crate) fn deserialize_responses<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<RawResponses, D::Error> {
    d.deserialize_any(ResponsesVisitor { nested: false })
}

struct AnswersMap<'a>(&'a [(u16, Answer)]);

impl serde::Serialize for AnswersMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for &(item, a) in self.0 {
            m.serialize_entry(&item.to_string(), &AnswerJson(a))?;
        }
        m.end()
    }
}

struct AnswerJson(Answer);

impl serde::Serialize for AnswerJson {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_answer(self.0, s)
    }
}

/// Serialises responses in the one output shape.
pub(crate) fn serialize_responses<S: Serializer>(
    instrument: Option<&str>,
    answers: &[(u16, Answer)],
    s: S,
) -> Result<S::Ok, S::Error> {
    let mut m = s.serialize_map(Some(1 + usize::from(instrument.is_some())))?;
    if let Some(id) = instrument {
        m.serialize_entry("instrument", id)?;
    }
    m.serialize_entry("answers", &AnswersMap(answers))?;
    m.end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct R(RawResponses);
    impl<'de> serde::Deserialize<'de> for R {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize_responses(d).map(R)
        }
    }
    impl serde::Serialize for R {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            serialize_responses(self.0.instrument.as_deref(), &self.0.answers, s)
        }
    }

    fn read(json: &str) -> Result<RawResponses, String> {
        serde_json::from_str::<R>(json)
            .map(|r| r.0)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn three_input_shapes_one_output_shape() {
        let map = read(r#"{"1": 4, "2": null, "3": "does_not_apply"}"#).unwrap();
        let arr = read(r#"[4, null, "does_not_apply"]"#).unwrap();
        assert_eq!(map, arr);
        assert_eq!(
            map.answers,
            [
                (1, Answer::Value(4.0)),
                (2, Answer::Missing),
                (3, Answer::DoesNotApply)
            ]
        );
        let tagged =
            read(r#"{"instrument": "srs", "answers": [1.5, 2], "added_later": true}"#).unwrap();
        assert_eq!(tagged.instrument.as_deref(), Some("srs"));
        assert_eq!(tagged.answers[1], (2, Answer::Value(2.0)));
        let json = serde_json::to_string(&R(tagged)).unwrap();
        assert_eq!(json, r#"{"instrument":"srs","answers":{"1":1.5,"2":2.0}}"#);
        let back = read(&json).unwrap();
        assert_eq!(back.answers.len(), 2);
    }

    #[test]
    fn messages_name_the_expected_shape() {
        let e = read("[[1, 2]]").unwrap_err();
        assert!(e.contains("item 1") && e.contains("in item order"), "{e}");
        let e = read(r#"{"one": 4}"#).unwrap_err();
        assert!(
            e.contains("not an item number") && e.contains("{\"1\": 4"),
            "{e}"
        );
        let e = read(r#"{"1": "four"}"#).unwrap_err();
        assert!(e.contains("item 1") && e.contains("does_not_apply"), "{e}");
        let e = read("3").unwrap_err();
        assert!(e.contains("a map from item number"), "{e}");
        let e = read(r#"{"0": 1}"#).unwrap_err();
        assert!(e.contains("not an item number"), "{e}");
        let e = read(r#"{"answers": 3}"#).unwrap_err();
        assert!(e.contains("a map from item number"), "{e}");
    }
}
