//! Documentation only: the design rationale, the error-to-status table and the provider
//! quirks this crate handles, versioned with the code (rustls's `manual` idea).
//!
//! * [`_01_design`]: why sans-IO, and the rules the core keeps.
//! * [`_02_errors`]: which `command_status` answers which malformed input.
//! * [`_03_providers`]: what real providers need, and where the crate handles it.

pub mod _01_design {
    //! # Design
    //!
    //! The core never asks the world anything: no socket, thread, clock, RNG or sleep.
    //! `smpp-proto/clippy.toml` bans `Instant::now`, `SystemTime::now`, `thread::spawn`,
    //! `thread::sleep` and the std socket types, so the rule is mechanical.
    //!
    //! * Four kinds of method: getters, `handle_*` (bytes, EOF, timer), commands (`bind`,
    //!   `send_request`, `respond`, `unbind`, `close`) and `poll_*` (transmit, event,
    //!   timeout). After any `handle_*` or command, drain every `poll_*`.
    //! * Every sequence number the session hands out resolves in exactly one
    //!   `Event::Response`; a timeout means *unknown*, not failed, and a late answer is its
    //!   own event. That is what stops duplicate SMS after an application retries.
    //! * Framing by hand, bodies with nom in complete mode over exactly one frame; the
    //!   length is checked before any allocation.
    //! * Wire enums keep unknown values (`Unknown(n)`), TLVs keep their octets and order:
    //!   `encode(decode(x)) == x`.
    //! * Fuzz bodies live in the library (`__fuzzing`), so stable `cargo test` replays the
    //!   corpus.
}

pub mod _02_errors {
    //! # Which status answers what
    //!
    //! | input | status | answered with |
    //! |---|---|---|
    //! | `command_length` < 16 or > the limit | ESME_RINVCMDLEN (0x02) | `generic_nack`, then close (framing is lost) |
    //! | `command_length` differs from the frame | ESME_RINVCMDLEN | `generic_nack` |
    //! | unknown request `command_id` | ESME_RINVCMDID (0x03) | `generic_nack` echoing the sequence |
    //! | mandatory field cut short (missing NUL, `sm_length` past the end) | ESME_RINVCMDLEN | the request's own response |
    //! | `source_addr` over its maximum | ESME_RINVSRCADR (0x0A) | own response |
    //! | `destination_addr` over its maximum | ESME_RINVDSTADR (0x0B) | own response |
    //! | `system_id` / `password` / `system_type` over maximum | ESME_RINVSYSID / ESME_RINVPASWD / ESME_RINVSYSTYP | own response |
    //! | `service_type` over maximum | ESME_RINVSERTYP (0x15) | own response |
    //! | `message_id` over maximum | ESME_RINVMSGID (0x0C) | own response |
    //! | `schedule_delivery_time` / `validity_period` over maximum or invalid | ESME_RINVSCHED (0x61) / ESME_RINVEXPIRY (0x62) | own response |
    //! | `number_of_dests` 0 | ESME_RINVNUMDESTS (0x33) | own response |
    //! | unknown `dest_flag` | ESME_RINVDESTFLAG (0x40) | own response |
    //! | TLV running past the end (strict) | ESME_RINVOPTPARSTREAM (0xC0) | own response |
    //! | known TLV with a bad length (strict) | ESME_RINVPARLEN (0xC2) | own response |
    //! | `data_sm` without `message_payload` (strict) | ESME_RMISSINGOPTPARAM (0xC3) | own response |
    //! | `short_message` and `message_payload` both set (strict) | ESME_RINVMSGLEN (0x01) | own response |
    //! | a request not allowed in the bind state | ESME_RINVBNDSTS (0x04) | own response |
    //! | a second bind | ESME_RALYBND (0x05) | own response |
    //! | any malformed response | — | never answered (a nack to a response can loop) |
    //! | malformed `outbind` | — | close the connection |
    //! | malformed `alert_notification` | — | nothing |
}

pub mod _03_providers {
    //! # Provider quirks
    //!
    //! * Passwords longer than 8 characters (Wavix): accepted and encoded up to 64.
    //! * Error responses with a body, with a lone NUL, or header-only: all accepted.
    //! * Vendor TLVs (GatewayAPI 0x2900, SMSPortal 0x1400/0x1401, 0x1416...) are kept
    //!   byte-exact and re-encoded unchanged.
    //! * Stray octets after the last field (seen from real SMSCs) are kept as
    //!   `Tlvs::trailing` instead of nacking a delivery receipt.
    //! * enquire_link every 30 s (GatewayAPI, Wavix) is the session default; window 10
    //!   (Wavix's recommendation) is the default window.
    //! * Receipts: the `receipt` module reads every Appendix B variant in its corpus,
    //!   GatewayAPI's `err` quirk and Vonage's hex/decimal ids.
}
