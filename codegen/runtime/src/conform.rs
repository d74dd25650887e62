//! An answer's JSON checked against the shape its spec declares, before it
//! is decoded into the generated types.
//!
//! Always: serde's derived `Deserialize` reads a JSON array as a struct,
//! field by field in order, so `[{"id":"c1"}]` would decode as a contact.
//! An array where the spec declares an object is refused here, at any
//! depth: the nearest optional property that holds it is removed (it reads
//! as absent, as the tolerant reader reads any unforeseen shape), and with
//! no optional property up to the body, the body is refused (`Misfit`).
//! The body as received keeps everything.
//!
//! When drift is recorded, the same walk reports every departure: an
//! undeclared property, an unlisted enum value, an unexpected `null`,
//! another type or format, a missing required property. Without a recorder
//! it looks at objects and lists only.

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::drift::{Departure, DriftKind, JsonType, Observed};
use super::shape::{ObjectShape, PropertyShape, ShapeKind, ValueShape};

/// An array where an object is declared, with no optional property above
/// it to absorb it: the body cannot decode as the spec says.
#[derive(Debug)]
pub(super) struct Misfit {
    /// Where, as an RFC 6901 pointer with array indexes as `*`.
    pub pointer: String,
}

impl Misfit {
    /// The decode error the answer is kept with. It names the place, never
    /// a value.
    pub fn into_error(self) -> serde_json::Error {
        let place = if self.pointer.is_empty() {
            "the body".to_owned()
        } else {
            format!("`{}`", self.pointer)
        };
        serde::de::Error::custom(format!(
            "{place} is an array where the spec declares an object"
        ))
    }
}

/// Checks `value` against `shape`, removing the optional properties that
/// hold a misfit; `observe` receives each departure when drift is recorded.
pub(super) fn conform(
    value: &mut Value,
    shape: &ValueShape,
    observe: Option<&mut dyn FnMut(Departure)>,
) -> Result<(), Misfit> {
    Walk {
        observe,
        sensitive: false,
    }
    .value(value, shape, None)
}

/// Whether [`conform`] would leave the value of `body` as it is: no misfit
/// for `shape`, read from the text without building anything. A body that
/// is not JSON has no value to change, but is read as unfitting when it
/// holds a `[`, for [`conform`] to decide.
pub(super) fn fits(body: &[u8], shape: &ValueShape) -> bool {
    // Only an array can be a misfit.
    if !body.contains(&b'[') {
        return true;
    }
    let mut text = serde_json::Deserializer::from_slice(body);
    Scan(shape).deserialize(&mut text).is_ok() && text.end().is_ok()
}

/// [`fits`] for one value: an error at the first misfit.
struct Scan<'s>(&'s ValueShape);

impl<'de> DeserializeSeed<'de> for Scan<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        match self.0.kind {
            ShapeKind::Object(_) | ShapeKind::AnyObject | ShapeKind::List(_) => {
                deserializer.deserialize_any(self)
            }
            _ => deserializer.deserialize_ignored_any(IgnoredAny).map(drop),
        }
    }
}

impl<'de> Visitor<'de> for Scan<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut elements: A) -> Result<(), A::Error> {
        let ShapeKind::List(items) = self.0.kind else {
            return Err(serde::de::Error::custom(
                "an array where an object is declared",
            ));
        };
        while elements.next_element_seed(Scan(items))?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<(), A::Error> {
        let ShapeKind::Object(object) = self.0.kind else {
            while entries.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(());
        };
        while let Some(property) = entries.next_key_seed(Property(object))? {
            match property {
                Some(property) => entries.next_value_seed(Scan(&property.value))?,
                None => entries.next_value::<IgnoredAny>().map(drop)?,
            }
        }
        Ok(())
    }
}

/// A key, looked up among an object's declared properties without copying.
struct Property(&'static ObjectShape);

impl<'de> DeserializeSeed<'de> for Property {
    type Value = Option<&'static PropertyShape>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Property {
    type Value = Option<&'static PropertyShape>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a property name")
    }

    fn visit_str<E>(self, name: &str) -> Result<Self::Value, E> {
        Ok(self.0.properties.iter().find(|p| p.name == name))
    }
}

/// A place in the body: the segments from the root, on the stack.
#[derive(Clone, Copy)]
struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    segment: &'a str,
}

/// The RFC 6901 pointer to `at` (`""` for the body).
fn pointer(at: Option<&Path<'_>>) -> String {
    let mut segments = Vec::new();
    let mut next = at;
    while let Some(path) = next {
        segments.push(path.segment);
        next = path.parent;
    }
    segments
        .iter()
        .rev()
        .map(|segment| format!("/{}", segment.replace('~', "~0").replace('/', "~1")))
        .collect()
}

struct Walk<'o> {
    observe: Option<&'o mut dyn FnMut(Departure)>,
    /// Inside an `x-sensitive` property: no value is kept.
    sensitive: bool,
}

impl Walk<'_> {
    fn report(&mut self, kind: DriftKind, at: Option<&Path<'_>>, observed: Observed) {
        self.report_value(kind, at, observed, None);
    }

    fn report_value(
        &mut self,
        kind: DriftKind,
        at: Option<&Path<'_>>,
        observed: Observed,
        value: Option<Value>,
    ) {
        let value = value.filter(|_| !self.sensitive);
        if let Some(observe) = self.observe.as_mut() {
            observe(Departure {
                kind,
                pointer: pointer(at),
                observed,
                value,
            });
        }
    }

    fn value(
        &mut self,
        value: &mut Value,
        shape: &ValueShape,
        at: Option<&Path<'_>>,
    ) -> Result<(), Misfit> {
        let observing = self.observe.is_some();
        match (&shape.kind, value) {
            (ShapeKind::Any, _) => {}
            (_, Value::Null) if !shape.nullable => {
                self.report(
                    DriftKind::UnexpectedNull,
                    at,
                    Observed::of_type(JsonType::Null),
                );
            }
            (_, Value::Null) => {}
            (ShapeKind::Object(_) | ShapeKind::AnyObject, Value::Array(_)) => {
                self.report(DriftKind::OtherType, at, Observed::of_type(JsonType::Array));
                return Err(Misfit {
                    pointer: pointer(at),
                });
            }
            (ShapeKind::Object(object), Value::Object(map)) => self.object(map, object, at)?,
            (ShapeKind::AnyObject, Value::Object(_)) => {}
            (ShapeKind::List(items), Value::Array(elements)) => {
                let here = Path {
                    parent: at,
                    segment: "*",
                };
                for element in elements {
                    self.value(element, items, Some(&here))?;
                }
            }
            (_, value) if observing => self.scalar(value, shape, at),
            _ => {}
        }
        Ok(())
    }

    /// A value that is no object and no list where one is declared, or a
    /// scalar: its type, format and enum value.
    fn scalar(&mut self, value: &Value, shape: &ValueShape, at: Option<&Path<'_>>) {
        let fits = match (&shape.kind, value) {
            (ShapeKind::String | ShapeKind::Enum(_), Value::String(_))
            | (ShapeKind::Number, Value::Number(_))
            | (ShapeKind::Boolean, Value::Bool(_)) => true,
            (ShapeKind::Integer, Value::Number(_)) => JsonType::of(value) == JsonType::Integer,
            _ => false,
        };
        if !fits {
            self.report(DriftKind::OtherType, at, Observed::of(value));
            return;
        }
        let Value::String(text) = value else {
            return;
        };
        if let ShapeKind::Enum(values) = shape.kind
            && !values.contains(&text.as_str())
        {
            let observed = Observed::of(value);
            self.report_value(
                DriftKind::UnlistedEnumValue,
                at,
                observed,
                Some(value.clone()),
            );
        } else if let Some(format) = shape.format
            && super::formats::conforms(format, text) == Some(false)
        {
            self.report(DriftKind::OtherFormat, at, Observed::of(value));
        }
    }

    fn object(
        &mut self,
        map: &mut Map<String, Value>,
        shape: &ObjectShape,
        at: Option<&Path<'_>>,
    ) -> Result<(), Misfit> {
        let mut absorbed = Vec::new();
        for property in shape.properties {
            let here = Path {
                parent: at,
                segment: property.name,
            };
            match map.get_mut(property.name) {
                None if property.required => {
                    self.report(
                        DriftKind::MissingRequired,
                        Some(&here),
                        Observed::of_type(JsonType::Absent),
                    );
                }
                None => {}
                Some(value) => {
                    let outside = self.sensitive;
                    self.sensitive |= property.sensitive;
                    let walked = self.value(value, &property.value, Some(&here));
                    self.sensitive = outside;
                    match walked {
                        Ok(()) => {}
                        Err(_) if !property.required => absorbed.push(property.name),
                        Err(misfit) => return Err(misfit),
                    }
                }
            }
        }
        for name in absorbed {
            map.remove(name);
        }
        if self.observe.is_some() && !shape.open {
            for (name, value) in map.iter() {
                if !shape.properties.iter().any(|p| p.name == name.as_str()) {
                    let here = Path {
                        parent: at,
                        segment: name,
                    };
                    let observed = Observed::of(value);
                    self.report(DriftKind::UndeclaredProperty, Some(&here), observed);
                }
            }
        }
        Ok(())
    }
}
