//! Roles, bind kinds, session states and the permission table (SMPP 3.4 Table 2-1).

use crate::pdu::CommandId;

/// Which side of the connection a session plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// The client: binds, submits, receives deliveries.
    Esme,
    /// The server: accepts binds, delivers, answers submits.
    Smsc,
}

impl Role {
    /// The other side.
    #[must_use]
    pub const fn peer(self) -> Self {
        match self {
            Self::Esme => Self::Smsc,
            Self::Smsc => Self::Esme,
        }
    }
}

/// The three kinds of bind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BindKind {
    /// bind_transmitter: the ESME submits.
    Transmitter,
    /// bind_receiver: the SMSC delivers.
    Receiver,
    /// bind_transceiver: both.
    Transceiver,
}

impl BindKind {
    /// The bind request's command id.
    #[must_use]
    pub const fn command_id(self) -> CommandId {
        match self {
            Self::Transmitter => CommandId::BindTransmitter,
            Self::Receiver => CommandId::BindReceiver,
            Self::Transceiver => CommandId::BindTransceiver,
        }
    }

    /// The kind a bind request (or response) id stands for.
    #[must_use]
    pub const fn from_command_id(id: CommandId) -> Option<Self> {
        match id {
            CommandId::BindTransmitter | CommandId::BindTransmitterResp => Some(Self::Transmitter),
            CommandId::BindReceiver | CommandId::BindReceiverResp => Some(Self::Receiver),
            CommandId::BindTransceiver | CommandId::BindTransceiverResp => Some(Self::Transceiver),
            _ => None,
        }
    }
}

/// Where a session is in its life.
///
/// ```text
///  ESME: Open --bind--> Binding(k) --bind_resp 0--> Bound(k) --unbind--> Unbinding --> Closed
///          \--outbind--> Outbound --bind--> Binding(k)     \--peer unbind / EOF / timer--> Closed
///  SMSC: Open --bind received--> Binding(k) --accept_bind--> Bound(k)   (reject_bind: Open)
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    /// Connected, not bound.
    Open,
    /// ESME only: the SMSC sent `outbind`; the application decides whether to bind.
    Outbound,
    /// A bind is on its way (ESME: sent, awaiting the response; SMSC: received, awaiting
    /// the application's decision).
    Binding(BindKind),
    /// Bound.
    Bound(BindKind),
    /// [`Session::unbind`](super::Session::unbind) was called: no new requests; in-flight
    /// ones finish, then `unbind` goes out and its response is awaited.
    Unbinding,
    /// Finished; see [`Event::Closed`](super::Event::Closed) for why.
    Closed,
}

/// Bit set of states a PDU is allowed in (one bit per column of the table).
pub(crate) type Phases = u8;
const O: Phases = 1; // Open
const OB: Phases = 1 << 1; // Outbound
const BI: Phases = 1 << 2; // Binding
const TX: Phases = 1 << 3; // Bound(Transmitter)
const RX: Phases = 1 << 4; // Bound(Receiver)
const TRX: Phases = 1 << 5; // Bound(Transceiver)
const UB: Phases = 1 << 6; // Unbinding
const ANY: Phases = O | OB | BI | TX | RX | TRX | UB;
const NO: Phases = 0;

#[inline(always)]
const fn phase_of(state: State) -> Phases {
    match state {
        State::Open => O,
        State::Outbound => OB,
        State::Binding(_) => BI,
        State::Bound(BindKind::Transmitter) => TX,
        State::Bound(BindKind::Receiver) => RX,
        State::Bound(BindKind::Transceiver) => TRX,
        State::Unbinding => UB,
        State::Closed => NO,
    }
}

/// The permission table: in which states may `by` send `id`?
///
/// One table for both directions: the session checks its own sends against it (a
/// synchronous [`SendError`](super::SendError)) and the peer's PDUs (an automatic error
/// response). Responses are allowed in `Unbinding` so that in-flight requests can finish
/// during a graceful unbind; `enquire_link` and `generic_nack` are allowed in every state
/// (5.0 behaviour, lenient with 3.4 peers); `data_sm` follows the 5.0 direction detail.
/// [`permitted_by_rule`] as a table, indexed by [`CommandId::ALL`] order and role
/// (the match over (command, role) pairs cost a search per call on the hot path).
const TABLE: [[Phases; 2]; CommandId::ALL.len()] = {
    let mut t = [[NO; 2]; CommandId::ALL.len()];
    let mut ids: &[CommandId] = CommandId::ALL;
    let mut rows: &mut [[Phases; 2]] = &mut t;
    while let ([id, more_ids @ ..], [row, more_rows @ ..]) = (ids, rows) {
        *row = [
            permitted_by_rule(*id, Role::Esme),
            permitted_by_rule(*id, Role::Smsc),
        ];
        ids = more_ids;
        rows = more_rows;
    }
    t
};

/// The phases in which `by` may send `id` (nothing for `Unknown`, whatever its value,
/// as in [`permitted_by_rule`]).
#[inline(always)]
pub(crate) fn permitted(id: CommandId, by: Role) -> Phases {
    let r = match by {
        Role::Esme => 0,
        Role::Smsc => 1,
    };
    id.index()
        .and_then(|i| TABLE.get(i))
        .and_then(|row| row.get(r))
        .copied()
        .unwrap_or(NO)
}

#[rustfmt::skip]
const fn permitted_by_rule(id: CommandId, by: Role) -> Phases {
    use CommandId as C;
    use Role::{Esme as E, Smsc as S};
    match (id, by) {
        (C::BindTransmitter | C::BindReceiver | C::BindTransceiver,          E) => O | OB,
        (C::BindTransmitterResp | C::BindReceiverResp | C::BindTransceiverResp, S) => BI,
        (C::Outbind,                                                         S) => O,
        (C::Unbind,                                                      E | S) => TX | RX | TRX | UB,
        (C::UnbindResp,                                                  E | S) => UB,
        (C::SubmitSm | C::SubmitMulti | C::QuerySm | C::CancelSm,            E) => TX | TRX,
        (C::SubmitSmResp | C::SubmitMultiResp | C::QuerySmResp | C::CancelSmResp, S) => TX | TRX | UB,
        (C::ReplaceSm,                                                       E) => TX | TRX,
        (C::ReplaceSmResp,                                                   S) => TX | TRX | UB,
        (C::DeliverSm,                                                       S) => RX | TRX,
        (C::DeliverSmResp,                                                   E) => RX | TRX | UB,
        (C::DataSm,                                                          E) => TX | TRX,
        (C::DataSm,                                                          S) => RX | TRX,
        (C::DataSmResp,                                                      E) => RX | TRX | UB,
        (C::DataSmResp,                                                      S) => TX | TRX | UB,
        (C::AlertNotification,                                               S) => RX | TRX,
        (C::EnquireLink | C::EnquireLinkResp | C::GenericNack,           E | S) => ANY,
        _                                                                       => NO,
    }
}

/// Why the table refuses a PDU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Denied {
    /// The sender's role never sends it.
    Role,
    /// Not in this state.
    State,
    /// A command id the table does not know.
    Unknown,
}

/// Checks one PDU against [`permitted`].
#[inline(always)]
pub(crate) fn check(by: Role, id: CommandId, state: State) -> Result<(), Denied> {
    let mine = permitted(id, by);
    if mine & phase_of(state) != 0 {
        Ok(())
    } else if mine != NO {
        Err(Denied::State)
    } else if permitted(id, by.peer()) != NO {
        Err(Denied::Role)
    } else {
        Err(Denied::Unknown)
    }
}

/// The bound kinds in which `by` may send `id` (for error messages).
pub(crate) fn needed_kind(id: CommandId, by: Role) -> Option<BindKind> {
    let p = permitted(id, by);
    if p & TX != 0 && p & RX == 0 {
        Some(BindKind::Transmitter)
    } else if p & RX != 0 && p & TX == 0 {
        Some(BindKind::Receiver)
    } else if p & TRX != 0 {
        Some(BindKind::Transceiver)
    } else {
        None
    }
}

/// Renders the permission table as the markdown table shown in the crate docs (a test keeps the
/// two identical).
#[must_use]
pub fn permission_table_markdown() -> String {
    use CommandId as C;
    let rows: [(&str, &[CommandId]); 18] = [
        (
            "bind_transmitter, bind_receiver, bind_transceiver",
            &[C::BindTransmitter],
        ),
        ("bind_*_resp", &[C::BindTransmitterResp]),
        ("outbind", &[C::Outbind]),
        ("unbind", &[C::Unbind]),
        ("unbind_resp", &[C::UnbindResp]),
        (
            "submit_sm, submit_multi, query_sm, cancel_sm",
            &[C::SubmitSm],
        ),
        ("their responses", &[C::SubmitSmResp]),
        ("replace_sm", &[C::ReplaceSm]),
        ("replace_sm_resp", &[C::ReplaceSmResp]),
        ("deliver_sm", &[C::DeliverSm]),
        ("deliver_sm_resp", &[C::DeliverSmResp]),
        ("data_sm", &[C::DataSm]),
        ("data_sm_resp", &[C::DataSmResp]),
        ("alert_notification", &[C::AlertNotification]),
        ("enquire_link", &[C::EnquireLink]),
        ("enquire_link_resp", &[C::EnquireLinkResp]),
        ("generic_nack", &[C::GenericNack]),
        ("anything else", &[C::Unknown(0x99)]),
    ];
    let cols = [
        (O, "Open"),
        (OB, "Outbound"),
        (BI, "Binding"),
        (TX, "TX"),
        (RX, "RX"),
        (TRX, "TRX"),
        (UB, "Unbinding"),
    ];
    let mut s = String::from("| PDU |");
    for (_, name) in cols {
        s.push(' ');
        s.push_str(name);
        s.push_str(" |");
    }
    s.push_str("\n|---|");
    for _ in cols {
        s.push_str("---|");
    }
    s.push('\n');
    for (name, ids) in rows {
        s.push_str("| ");
        s.push_str(name);
        s.push_str(" |");
        for (bit, _) in cols {
            let mut cell = String::new();
            for id in ids {
                if permitted(*id, Role::Esme) & bit != 0 {
                    cell.push('E');
                }
                if permitted(*id, Role::Smsc) & bit != 0 {
                    cell.push('S');
                }
            }
            if cell.is_empty() {
                cell.push('-');
            }
            s.push(' ');
            s.push_str(&cell);
            s.push_str(" |");
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lookup table says exactly what the rule says, for every named id, `Unknown`
    /// values (named or not) and both roles.
    #[test]
    fn permission_table_matches_the_rule() {
        let mut ids: Vec<CommandId> = CommandId::ALL.to_vec();
        ids.extend([0, 4, 0x8000_0004, 0x99].map(CommandId::Unknown));
        for id in ids {
            for by in [Role::Esme, Role::Smsc] {
                assert_eq!(
                    permitted(id, by),
                    permitted_by_rule(id, by),
                    "{id:?} {by:?}"
                );
            }
        }
    }
}
