//! The fluent, `self`-consuming setters every model type offers.

/// Generates `#[must_use]` setters that consume and return `self`.
///
/// `set field: Type` assigns anything `Into<Type>`; `copy field: Type` takes the type
/// itself (so integer literals infer); `some field: Type` wraps it in `Some`;
/// `copy_some field: Type` takes the type itself and wraps it in `Some`.
macro_rules! setters {
    ($($kind:ident $field:ident : $ty:ty),* $(,)?) => {
        $( setters!(@one $kind $field : $ty); )*
    };
    (@one set $field:ident : $ty:ty) => {
        #[doc = concat!("Sets `", stringify!($field), "` (see the field's documentation).")]
        #[must_use]
        pub fn $field(mut self, value: impl Into<$ty>) -> Self {
            self.$field = value.into();
            self
        }
    };
    (@one copy $field:ident : $ty:ty) => {
        #[doc = concat!("Sets `", stringify!($field), "` (see the field's documentation).")]
        #[must_use]
        pub fn $field(mut self, value: $ty) -> Self {
            self.$field = value;
            self
        }
    };
    (@one copy_some $field:ident : $ty:ty) => {
        #[doc = concat!("Sets `", stringify!($field), "` (see the field's documentation).")]
        #[must_use]
        pub fn $field(mut self, value: $ty) -> Self {
            self.$field = Some(value);
            self
        }
    };
    (@one some $field:ident : $ty:ty) => {
        #[doc = concat!("Sets `", stringify!($field), "` (see the field's documentation).")]
        #[must_use]
        pub fn $field(mut self, value: impl Into<$ty>) -> Self {
            self.$field = Some(value.into());
            self
        }
    };
}

pub(crate) use setters;
