#!/usr/bin/env python3
"""An ESME built on python-smpplib, for smpp-tokio/tests/interop_peers.rs
(python-smpplib client -> our server).

Input: one JSON line on stdin:
  {"port": N, "system_id": "..", "password": "..", "limit_s": 20,
   "messages": ["text", ...], "expect_receipts": N}

It connects to 127.0.0.1:port, binds transceiver, and sends every text split by
smpplib.gsm.make_parts (GSM 7-bit, falling back to UCS-2; UDH parts when long) with
registered_delivery 1. Then it reads PDUs until every submit_sm_resp and
`expect_receipts` deliver_sm arrived (set_message_received_handler; smpplib answers
deliver_sm_resp itself), unbinds and disconnects. Output on stdout, one JSON object per line:

  {"event": "bind_resp", "status": N, "system_id": ".."}
  {"event": "sent", "index": i, "parts": n, "data_coding": N, "esm_class": N, "sequences": [..]}
  {"event": "submit_sm_resp", "sequence": N, "status": N, "message_id": ".."}
  {"event": "deliver_sm", "esm_class": N, "data_coding": N, "short_message": "..",
   "receipted_message_id": ".."|null, "message_state": N|null}
  {"event": "unbind_resp", "status": N}
  {"event": "done"}

Socket reads time out after 1 s; smpplib then sends an enquire_link (read_once's
auto_send_enquire_link). Exits 0 when done, 2 after limit_s (SIGALRM), 1 on an error.
"""
import json
import signal
import sys
import time

import smpplib.client
import smpplib.consts as consts
import smpplib.gsm as gsm


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def text(value):
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def main():
    cfg = json.loads(sys.stdin.readline())
    limit = int(cfg.get("limit_s", 20))

    def on_alarm(_signum, _frame):
        emit({"event": "timeout"})
        sys.exit(2)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(limit)
    deadline = time.monotonic() + limit

    client = smpplib.client.Client("127.0.0.1", int(cfg["port"]), timeout=1)
    receipts = []
    responses = []

    def on_sent(pdu, **_kwargs):
        responses.append(pdu)
        emit({"event": "submit_sm_resp", "sequence": pdu.sequence,
              "status": int(pdu.status), "message_id": text(pdu.message_id)})

    def on_received(pdu, **_kwargs):
        emit({"event": "deliver_sm", "esm_class": pdu.esm_class,
              "data_coding": pdu.data_coding, "short_message": text(pdu.short_message),
              "receipted_message_id": text(getattr(pdu, "receipted_message_id", None)),
              "message_state": getattr(pdu, "message_state", None)})
        receipts.append(pdu)
        return consts.SMPP_ESME_ROK

    client.set_message_sent_handler(on_sent)
    client.set_message_received_handler(on_received)
    client.connect()
    resp = client.bind_transceiver(system_id=cfg["system_id"], password=cfg["password"])
    emit({"event": "bind_resp", "status": int(resp.status), "system_id": text(resp.system_id)})

    total_parts = 0
    for i, message in enumerate(cfg["messages"]):
        parts, data_coding, esm_class = gsm.make_parts(message)
        sequences = []
        for part in parts:
            pdu = client.send_message(
                source_addr_ton=consts.SMPP_TON_ALNUM,
                source_addr="PyShop",
                dest_addr_ton=consts.SMPP_TON_INTL,
                destination_addr="4512345678",
                short_message=part,
                data_coding=data_coding,
                esm_class=esm_class,
                registered_delivery=True,
            )
            sequences.append(pdu.sequence)
            total_parts += 1
        emit({"event": "sent", "index": i, "parts": len(parts), "data_coding": data_coding,
              "esm_class": esm_class, "sequences": sequences})

    expect = int(cfg.get("expect_receipts", 0))
    # Every submit_sm_resp and the receipts, so that unbind's read_pdu gets the unbind_resp.
    while (len(receipts) < expect or len(responses) < total_parts) and time.monotonic() < deadline:
        client.read_once()

    resp = client.unbind()
    emit({"event": "unbind_resp", "status": int(resp.status), "command": resp.command})
    client.disconnect()
    emit({"event": "done"})


if __name__ == "__main__":
    try:
        main()
    except SystemExit:
        raise
    except BaseException as e:  # report, then fail
        emit({"event": "error", "error": repr(e)})
        sys.exit(1)
