//! JSON Schema support (feature `schema`): hand-written schemas of the small value types
//! whose serde form is custom; every other document type derives `schemars::JsonSchema`.
//! The committed schemas under `schemas/` are generated from these (see `tests/schemas.rs`).

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use crate::monitor::Series;
use crate::{Comparison, Cutoff, Direction, Verification};

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
