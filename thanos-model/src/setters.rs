//! The fluent, `self`-consuming setters every model type offers.

/// Generates `#[must_use]` setters that consume and return `self`.
///
/// `set field: Type` assigns the value; `some field: Type` wraps it in `Some`.
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
