//! The macro behind every wire enum: named values plus a lossless catch-all.
//!
//! Following rustls's `enum_builder!`, each enum converts from and to its integer
//! representation without loss: a value with no name decodes to the catch-all variant
//! (`Unknown(n)` or `Reserved(n)`) and encodes back to the same integer. Equality and
//! hashing compare the integer, so `Unknown(0x04)` equals the named variant for 0x04.

macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident: $repr:ty, catch_all = $other:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal => $wire_name:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value without a name in this crate, kept exactly as received.
            $other($repr),
        }

        impl $name {
            /// The integer sent on the wire.
            #[must_use]
            #[inline]
            pub const fn value(self) -> $repr {
                match self {
                    $( Self::$variant => $value, )*
                    Self::$other(v) => v,
                }
            }

            /// Maps a wire integer to its variant (the catch-all when it has no name).
            #[must_use]
            pub const fn from_value(v: $repr) -> Self {
                match v {
                    $( $value => Self::$variant, )*
                    other => Self::$other(other),
                }
            }

            /// The name the specification uses, or `None` for a value without one.
            #[must_use]
            pub const fn name(self) -> Option<&'static str> {
                match Self::from_value(self.value()) {
                    $( Self::$variant => Some($wire_name), )*
                    Self::$other(_) => None,
                }
            }

            /// Every named variant, in declaration order.
            pub const ALL: &'static [Self] = &[ $( Self::$variant, )* ];
        }

        impl From<$repr> for $name {
            fn from(v: $repr) -> Self {
                Self::from_value(v)
            }
        }

        impl From<$name> for $repr {
            fn from(v: $name) -> $repr {
                v.value()
            }
        }

        impl PartialEq for $name {
            #[inline]
            fn eq(&self, other: &Self) -> bool {
                self.value() == other.value()
            }
        }

        impl Eq for $name {}

        impl core::hash::Hash for $name {
            fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
                self.value().hash(state);
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                match self.name() {
                    Some(n) => write!(f, "{}", n),
                    None => write!(f, "{}({:#x})", stringify!($other), self.value()),
                }
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                match self.name() {
                    Some(n) => write!(f, "{} ({:#x})", n, self.value()),
                    None => write!(f, "{:#x}", self.value()),
                }
            }
        }
    };
}

pub(crate) use wire_enum;
