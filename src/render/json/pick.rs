//! `--fields` without the whole record: a serializer that takes a record's top-level map
//! and keeps the values of the chosen keys only.

use std::ops::Range;

use serde::ser::{self, Impossible, Serialize, Serializer};
use serde_json::Error;

/// Serialises a record, filling `found[i]` with the value of `fields[i]` (the first
/// `i` naming it: a field asked for twice is written once). A key the record holds
/// twice keeps its last value, as a JSON object would.
pub(super) struct Picker<'f> {
    pub fields: &'f [String],
    /// Where each field's JSON is in `out`.
    pub found: &'f mut [Option<Range<usize>>],
    pub out: &'f mut Vec<u8>,
}

/// The map of a [`Picker`], with the chosen field of the key just seen.
pub(super) struct PickMap<'f> {
    picker: Picker<'f>,
    pending: Option<usize>,
}

impl PickMap<'_> {
    fn keep<T: ?Sized + Serialize>(&mut self, i: Option<usize>, v: &T) -> Result<(), Error> {
        if let Some(slot) = i.and_then(|i| self.picker.found.get_mut(i)) {
            let out = &mut *self.picker.out;
            let start = out.len();
            if sorted::write(out, v).is_err() {
                out.truncate(start);
                serde_json::to_writer(&mut *out, &serde_json::to_value(v)?)?;
            }
            *slot = Some(start..out.len());
        }
        Ok(())
    }

    fn index(&self, key: &str) -> Option<usize> {
        self.picker.fields.iter().position(|f| f == key)
    }
}

fn not_an_object() -> Error {
    ser::Error::custom("a record is a JSON object")
}

impl ser::SerializeMap for PickMap<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Error> {
        self.pending = key.serialize(KeyName(self.picker.fields))?;
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        let i = self.pending.take();
        self.keep(i, value)
    }
    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

impl ser::SerializeStruct for PickMap<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let i = self.index(key);
        self.keep(i, value)
    }
    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

/// Serialises a map key to the index of the field it names, if any (record keys are
/// strings: any other key names none).
struct KeyName<'f>(&'f [String]);

/// The `Serializer` methods of a serializer that accepts only maps/structs (`Picker`)
/// or only strings (`KeyName`): everything else is refused with `$err`.
macro_rules! refuse {
    ($err:expr; $($name:ident($($t:ty),*)),* $(,)?) => {$(
        fn $name(self, $(_: $t),*) -> Result<Self::Ok, Error> { $err }
    )*};
}

macro_rules! refuse_all_but_maps {
    ($err:expr) => {
        type Error = Error;
        type SerializeSeq = Impossible<Self::Ok, Error>;
        type SerializeTuple = Impossible<Self::Ok, Error>;
        type SerializeTupleStruct = Impossible<Self::Ok, Error>;
        type SerializeTupleVariant = Impossible<Self::Ok, Error>;
        type SerializeStructVariant = Impossible<Self::Ok, Error>;
        refuse!($err; serialize_bool(bool), serialize_i8(i8), serialize_i16(i16),
            serialize_i32(i32), serialize_i64(i64), serialize_u8(u8), serialize_u16(u16),
            serialize_u32(u32), serialize_u64(u64), serialize_f32(f32), serialize_f64(f64),
            serialize_char(char), serialize_bytes(&[u8]), serialize_none(),
            serialize_unit(), serialize_unit_struct(&'static str),
            serialize_unit_variant(&'static str, u32, &'static str));
        fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<Self::Ok, Error> {
            $err
        }
        fn serialize_newtype_struct<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: &T,
        ) -> Result<Self::Ok, Error> {
            $err
        }
        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<Self::Ok, Error> {
            $err
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
            Err(not_an_object())
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
            Err(not_an_object())
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, Error> {
            Err(not_an_object())
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, Error> {
            Err(not_an_object())
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, Error> {
            Err(not_an_object())
        }
    };
}

impl<'f> Serializer for Picker<'f> {
    type Ok = ();
    type SerializeMap = PickMap<'f>;
    type SerializeStruct = PickMap<'f>;
    refuse_all_but_maps!(Err(not_an_object()));
    fn serialize_str(self, _: &str) -> Result<(), Error> {
        Err(not_an_object())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<PickMap<'f>, Error> {
        Ok(PickMap {
            picker: self,
            pending: None,
        })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<PickMap<'f>, Error> {
        self.serialize_map(None)
    }
}

impl Serializer for KeyName<'_> {
    type Ok = Option<usize>;
    type SerializeMap = Impossible<Self::Ok, Error>;
    type SerializeStruct = Impossible<Self::Ok, Error>;
    refuse_all_but_maps!(Ok(None));
    fn serialize_str(self, key: &str) -> Result<Self::Ok, Error> {
        Ok(self.0.iter().position(|f| f == key))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(not_an_object())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(not_an_object())
    }
}

/// JSON text of a value as `serde_json::to_value` and then `to_writer` give it (objects'
/// keys sorted, a key given twice keeping its last value), written straight into a buffer:
/// `--fields` records without a `Value` per field (a `BTreeMap` and a `String` per key).
/// What it does not write the same way for certain (non-string map keys, 128-bit
/// integers) is an error, and the caller goes through `Value` instead.
mod sorted {
    use std::borrow::Cow;
    use std::ops::Range;

    use serde::ser::{self, Impossible, Serialize};
    use serde_json::Error;

    use super::not_an_object;

    /// Appends `value`'s JSON to `out`; on an error `out` may hold part of it.
    pub(super) fn write<T: ?Sized + Serialize>(out: &mut Vec<u8>, value: &T) -> Result<(), Error> {
        value.serialize(Writer { out })
    }

    fn unsure() -> Error {
        ser::Error::custom("written through a Value")
    }

    /// Writes one value into `out`.
    pub(super) struct Writer<'o> {
        out: &'o mut Vec<u8>,
    }

    impl Writer<'_> {
        fn json<T: ?Sized + Serialize>(self, v: &T) -> Result<(), Error> {
            serde_json::to_writer(&mut *self.out, v)
        }
    }

    /// Writes `{"variant":` before a variant's content (closed after it with `}`).
    fn open_variant(out: &mut Vec<u8>, variant: Option<&str>) -> Result<(), Error> {
        if let Some(v) = variant {
            out.push(b'{');
            serde_json::to_writer(&mut *out, v)?;
            out.push(b':');
        }
        Ok(())
    }

    /// An object's entries, written apart and put in key order at the end.
    pub(super) struct Object<'o> {
        out: &'o mut Vec<u8>,
        /// Each entry's value, one after the other.
        values: Vec<u8>,
        entries: Vec<(Cow<'static, str>, Range<usize>)>,
        /// `{"variant":` written before the object, closed after it.
        variant: bool,
    }

    /// An object's buffers, emptied.
    type Buffers = (Vec<u8>, Vec<(Cow<'static, str>, Range<usize>)>);

    thread_local! {
        /// Buffers of objects written before, for the next ones: a record's nested
        /// objects (its `source`) would otherwise allocate and free two per record.
        static SPARE: std::cell::RefCell<Vec<Buffers>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }

    /// Most buffers kept per thread (one per level of nesting in use), and the largest.
    const SPARE_COUNT: usize = 8;
    const SPARE_BYTES: usize = 64 << 10;

    impl<'o> Object<'o> {
        fn new(out: &'o mut Vec<u8>, variant: Option<&str>) -> Result<Object<'o>, Error> {
            open_variant(out, variant)?;
            let (values, entries) = SPARE
                .with_borrow_mut(|spare| spare.pop())
                .unwrap_or_default();
            Ok(Object {
                out,
                values,
                entries,
                variant: variant.is_some(),
            })
        }

        fn entry<T: ?Sized + Serialize>(
            &mut self,
            key: Cow<'static, str>,
            v: &T,
        ) -> Result<(), Error> {
            let start = self.values.len();
            write(&mut self.values, v)?;
            self.entries.push((key, start..self.values.len()));
            Ok(())
        }

        fn finish(mut self) -> Result<(), Error> {
            // Stable: of two entries with one key, the later is the one a map keeps.
            self.entries.sort_by(|a, b| a.0.cmp(&b.0));
            self.out.push(b'{');
            let mut first = true;
            for (i, (key, range)) in self.entries.iter().enumerate() {
                if self.entries.get(i + 1).is_some_and(|(next, _)| next == key) {
                    continue;
                }
                if !first {
                    self.out.push(b',');
                }
                first = false;
                serde_json::to_writer(&mut *self.out, key.as_ref())?;
                self.out.push(b':');
                let value = self.values.get(range.clone()).ok_or_else(unsure)?;
                self.out.extend_from_slice(value);
            }
            self.out.push(b'}');
            if self.variant {
                self.out.push(b'}');
            }
            let (mut values, mut entries) = (self.values, self.entries);
            if values.capacity() <= SPARE_BYTES && entries.capacity() <= SPARE_BYTES / 16 {
                values.clear();
                entries.clear();
                SPARE.with_borrow_mut(|spare| {
                    if spare.len() < SPARE_COUNT {
                        spare.push((values, entries));
                    }
                });
            }
            Ok(())
        }
    }

    /// An array's elements, written in place.
    pub(super) struct Array<'o> {
        out: &'o mut Vec<u8>,
        first: bool,
        variant: bool,
    }

    impl<'o> Array<'o> {
        fn new(out: &'o mut Vec<u8>, variant: Option<&str>) -> Result<Array<'o>, Error> {
            open_variant(out, variant)?;
            out.push(b'[');
            Ok(Array {
                out,
                first: true,
                variant: variant.is_some(),
            })
        }

        fn element<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Error> {
            if !self.first {
                self.out.push(b',');
            }
            self.first = false;
            write(self.out, v)
        }

        fn finish(self) -> Result<(), Error> {
            self.out.push(b']');
            if self.variant {
                self.out.push(b'}');
            }
            Ok(())
        }
    }

    macro_rules! scalars {
        ($($name:ident($t:ty)),* $(,)?) => {$(
            fn $name(self, v: $t) -> Result<(), Error> {
                self.json(&v)
            }
        )*};
    }

    impl<'o> ser::Serializer for Writer<'o> {
        type Ok = ();
        type Error = Error;
        type SerializeSeq = Array<'o>;
        type SerializeTuple = Array<'o>;
        type SerializeTupleStruct = Array<'o>;
        type SerializeTupleVariant = Array<'o>;
        type SerializeMap = Object<'o>;
        type SerializeStruct = Object<'o>;
        type SerializeStructVariant = Object<'o>;

        scalars!(
            serialize_bool(bool),
            serialize_i8(i8),
            serialize_i16(i16),
            serialize_i32(i32),
            serialize_i64(i64),
            serialize_u8(u8),
            serialize_u16(u16),
            serialize_u32(u32),
            serialize_u64(u64),
            serialize_f64(f64),
            serialize_char(char),
            serialize_str(&str),
            serialize_bytes(&[u8])
        );

        fn serialize_f32(self, v: f32) -> Result<(), Error> {
            // A `Value` holds it as an f64, and writes that.
            self.json(&f64::from(v))
        }
        fn serialize_i128(self, _: i128) -> Result<(), Error> {
            Err(unsure())
        }
        fn serialize_u128(self, _: u128) -> Result<(), Error> {
            Err(unsure())
        }
        fn serialize_none(self) -> Result<(), Error> {
            self.json(&())
        }
        fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<(), Error> {
            v.serialize(self)
        }
        fn serialize_unit(self) -> Result<(), Error> {
            self.json(&())
        }
        fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
            self.json(&())
        }
        fn serialize_unit_variant(
            self,
            _: &'static str,
            _: u32,
            variant: &'static str,
        ) -> Result<(), Error> {
            self.json(variant)
        }
        fn serialize_newtype_struct<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            v: &T,
        ) -> Result<(), Error> {
            v.serialize(self)
        }
        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            variant: &'static str,
            v: &T,
        ) -> Result<(), Error> {
            let mut o = Object::new(self.out, None)?;
            o.entry(Cow::Borrowed(variant), v)?;
            o.finish()
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Array<'o>, Error> {
            Array::new(self.out, None)
        }
        fn serialize_tuple(self, _: usize) -> Result<Array<'o>, Error> {
            Array::new(self.out, None)
        }
        fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Array<'o>, Error> {
            Array::new(self.out, None)
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            variant: &'static str,
            _: usize,
        ) -> Result<Array<'o>, Error> {
            Array::new(self.out, Some(variant))
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Object<'o>, Error> {
            Object::new(self.out, None)
        }
        fn serialize_struct(self, _: &'static str, _: usize) -> Result<Object<'o>, Error> {
            Object::new(self.out, None)
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            variant: &'static str,
            _: usize,
        ) -> Result<Object<'o>, Error> {
            Object::new(self.out, Some(variant))
        }
    }

    macro_rules! array_impl {
        ($($trait:ident::$method:ident),*) => {$(
            impl ser::$trait for Array<'_> {
                type Ok = ();
                type Error = Error;
                fn $method<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Error> {
                    self.element(v)
                }
                fn end(self) -> Result<(), Error> {
                    self.finish()
                }
            }
        )*};
    }
    array_impl!(
        SerializeSeq::serialize_element,
        SerializeTuple::serialize_element,
        SerializeTupleStruct::serialize_field,
        SerializeTupleVariant::serialize_field
    );

    macro_rules! object_impl {
        ($($trait:ident),*) => {$(
            impl ser::$trait for Object<'_> {
                type Ok = ();
                type Error = Error;
                fn serialize_field<T: ?Sized + Serialize>(
                    &mut self,
                    key: &'static str,
                    v: &T,
                ) -> Result<(), Error> {
                    self.entry(Cow::Borrowed(key), v)
                }
                fn end(self) -> Result<(), Error> {
                    self.finish()
                }
            }
        )*};
    }
    object_impl!(SerializeStruct, SerializeStructVariant);

    impl ser::SerializeMap for Object<'_> {
        type Ok = ();
        type Error = Error;
        fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Error> {
            let key = key.serialize(Key)?;
            // The value comes next: its range is filled in by `serialize_value`.
            let at = self.values.len();
            self.entries.push((Cow::Owned(key), at..at));
            Ok(())
        }
        fn serialize_value<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Error> {
            let start = self.values.len();
            write(&mut self.values, v)?;
            let end = self.values.len();
            let last = self.entries.last_mut().ok_or_else(unsure)?;
            last.1 = start..end;
            Ok(())
        }
        fn end(self) -> Result<(), Error> {
            self.finish()
        }
    }

    /// A map key as a `Value` keeps it: strings only here.
    struct Key;

    impl ser::Serializer for Key {
        type Ok = String;
        type SerializeMap = Impossible<String, Error>;
        type SerializeStruct = Impossible<String, Error>;
        refuse_all_but_maps!(Err(unsure()));
        fn serialize_str(self, v: &str) -> Result<String, Error> {
            Ok(v.to_string())
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
            Err(unsure())
        }
        fn serialize_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStruct, Error> {
            Err(unsure())
        }
    }

    #[cfg(test)]
    mod tests {
        use std::collections::{BTreeMap, HashMap};

        use serde::Serialize;

        #[derive(Serialize)]
        enum E {
            Unit,
            New(u8),
            Tuple(u8, &'static str),
            Struct { z: f32, a: Option<i64> },
        }

        #[derive(Serialize)]
        struct S {
            zeta: Vec<E>,
            alpha: (bool, char, &'static [u8]),
            #[serde(flatten)]
            more: BTreeMap<&'static str, f64>,
            middle: HashMap<u16, &'static str>,
            big: Option<u128>,
            text: &'static str,
        }

        /// Whatever the shape, the text is the `Value`'s (or the writer refuses it).
        #[test]
        fn writes_what_a_value_writes() {
            let s = S {
                zeta: vec![
                    E::Unit,
                    E::New(7),
                    E::Tuple(1, "x"),
                    E::Struct {
                        z: 0.1,
                        a: Some(-3),
                    },
                ],
                alpha: (true, 'é', b"\x01\x02"),
                more: BTreeMap::from([("text", 1.5), ("nan", f64::NAN), ("b", 2.0)]),
                middle: HashMap::new(),
                big: Some(5),
                text: "\"quoted\"\n\u{7}",
            };
            let via_value = |v: &dyn Erased| v.value();
            for part in [
                &s.zeta as &dyn Erased,
                &s.alpha,
                &s.more,
                &s.middle,
                &s.text,
                &E::Struct { z: 1e20, a: None },
            ] {
                let mut out = Vec::new();
                part.write(&mut out).unwrap();
                assert_eq!(String::from_utf8(out).unwrap(), via_value(part));
            }
            // A key given twice (`text`, in the flattened map and after it) keeps the later value, as a
            // map does; 128-bit numbers and integer keys are left to `Value`.
            assert!(super::write(&mut Vec::new(), &s).is_err());
            let keyed = HashMap::from([(1u16, "a")]);
            assert!(super::write(&mut Vec::new(), &keyed).is_err());
            let whole = S { big: None, ..s };
            let mut out = Vec::new();
            super::write(&mut out, &whole).unwrap();
            let out = String::from_utf8(out).unwrap();
            assert_eq!(out, serde_json::to_value(&whole).unwrap().to_string());
            assert!(out.contains(r#""text":"\"quoted"#), "{out}");
        }

        /// `write` and `to_value` for values of several types in one list.
        trait Erased {
            fn write(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error>;
            fn value(&self) -> String;
        }

        impl<T: Serialize> Erased for T {
            fn write(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
                super::write(out, self)
            }
            fn value(&self) -> String {
                serde_json::to_value(self).unwrap().to_string()
            }
        }
    }
}
