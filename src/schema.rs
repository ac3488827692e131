//! JSON Schema support (feature `schema`): hand-written schemas of the small value types
//! whose serde form is custom; every other document type derives `schemars::JsonSchema`.
//! The committed schemas under `schemas/` are generated from these (see `tests/schemas.rs`).

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use crate::monitor::Series;
use crate::{Answer, Comparison, Cutoff, Direction, Responses, Verification};

impl JsonSchema for Answer {
    fn schema_name() -> Cow<'static, str> {
        "Answer".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "a number, null (left blank) or \"does_not_apply\" (\"missing\" is read as blank)",
            "oneOf": [
                {"type": "number"},
                {"type": "null"},
                {"type": "string", "enum": ["does_not_apply", "missing"]}
            ]
        })
    }
}

impl JsonSchema for Responses {
    fn schema_name() -> Cow<'static, str> {
        "Responses".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let answer = generator.subschema_for::<Answer>();
        let by_item = json_schema!({
            "description": "a map from item number (1-65535) to answer",
            "type": "object",
            "propertyNames": {"pattern": "^\\s*0*[1-9][0-9]{0,4}\\s*$"},
            "additionalProperties": answer
        });
        let in_order = json_schema!({
            "description": "answers in item order, item 1 first",
            "type": "array",
            "maxItems": 65535,
            "items": answer
        });
        json_schema!({
            "description": "responses: a map from item number to answer, an array in item order, or a tagged object (unknown fields of the tagged object are ignored)",
            "oneOf": [
                by_item,
                in_order,
                {
                    "type": "object",
                    "properties": {
                        "instrument": {"type": ["string", "null"]},
                        "answers": {"oneOf": [by_item, in_order]}
                    },
                    "required": ["answers"]
                }
            ]
        })
    }
}

impl JsonSchema for Comparison {
    fn schema_name() -> Cow<'static, str> {
        "Comparison".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "enum": ["<", "<=", ">", ">="]})
    }
}

impl JsonSchema for Verification {
    fn schema_name() -> Cow<'static, str> {
        "Verification".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "enum": ["verified", "primary", "secondary", "unverified"]})
    }
}

impl JsonSchema for Direction {
    fn schema_name() -> Cow<'static, str> {
        "Direction".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "enum": ["higher_is_better", "lower_is_better", "higher_is_worse"]})
    }
}

impl JsonSchema for Cutoff {
    fn schema_name() -> Cow<'static, str> {
        "Cutoff".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let comparison = generator.subschema_for::<Comparison>();
        json_schema!({
            "type": "object",
            "properties": {"value": {"type": "number"}, "comparison": comparison},
            "required": ["value", "comparison"],
            "additionalProperties": false
        })
    }
}

impl JsonSchema for Series {
    fn schema_name() -> Cow<'static, str> {
        "Series".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "[session, value] pairs, sessions strictly increasing",
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "array",
                "prefixItems": [{"type": "integer", "minimum": 0}, {"type": "number"}],
                "minItems": 2,
                "maxItems": 2
            }
        })
    }
}
