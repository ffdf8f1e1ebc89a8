//! PDU codec.
