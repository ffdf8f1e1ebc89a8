#!/usr/bin/env node
// An ESME built on node-smpp (package `smpp`, `smpp.connect`), for
// smpp-tokio/tests/interop_peers.rs (node-smpp client -> our server).
//
// Usage: NODE_PATH=target/interop/node/node_modules node interop/node_client.js '<config>'
// where <config> is JSON:
//   {"port":N, "system_id":"..", "password":"..", "limit_ms":20000,
//    "messages":[{"text":"..", "data_coding":N (optional: node-smpp picks),
//                 "payload":true (optional: send it in message_payload)}, ...],
//    "expect_deliveries":N}
//
// It connects to 127.0.0.1:port, binds transceiver with node-smpp's defaults (notably
// interface_version 0x50), submits each message in turn (registered_delivery 1), waits
// for `expect_deliveries` deliver_sm (answering each with deliver_sm_resp), sends an
// enquire_link, unbinds and closes. On stdout, one JSON object per line:
//   {"event":"bind_resp","command_status":N,"system_id":..,"sc_interface_version":N|null}
//   {"event":"submit_sm_resp","index":i,"command_status":N,"message_id":..,"data_coding":N}
//   {"event":"deliver_sm","esm_class":N,"data_coding":N,"message":"..."|{"hex":..},
//    "receipted_message_id":..|null,"message_state":N|null}
//   {"event":"enquire_link_resp","command_status":N}
//   {"event":"unbind_resp","command_status":N}
//   {"event":"closed"}
// Exits 0 when done, 1 on a socket error, 2 after limit_ms (default 20 s).
'use strict';
const smpp = require('smpp');

const cfg = JSON.parse(process.argv[2]);
const emit = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const finish = (code) => process.stdout.write('', () => process.exit(code));

setTimeout(() => {
	emit({ event: 'timeout' });
	finish(2);
}, cfg.limit_ms || 20000);

const session = smpp.connect({ url: `smpp://127.0.0.1:${cfg.port}` });
session.on('error', (e) => {
	emit({ event: 'error', error: String(e) });
	finish(1);
});

let deliveries = 0;
let submitted = false;
let ending = false;
const expect = cfg.expect_deliveries || 0;

session.on('deliver_sm', (pdu) => {
	const sm = pdu.short_message;
	const m = Buffer.isBuffer(sm) ? sm : sm && sm.message;
	emit({
		event: 'deliver_sm',
		esm_class: pdu.esm_class,
		data_coding: pdu.data_coding,
		message: Buffer.isBuffer(m) ? { hex: m.toString('hex') } : m,
		receipted_message_id: pdu.receipted_message_id || null,
		message_state: pdu.message_state === undefined ? null : pdu.message_state,
	});
	session.send(pdu.response());
	deliveries++;
	maybeEnd();
});

function maybeEnd() {
	if (ending || !submitted || deliveries < expect) return;
	ending = true;
	session.enquire_link((r) => {
		emit({ event: 'enquire_link_resp', command_status: r.command_status });
		session.unbind((u) => {
			emit({ event: 'unbind_resp', command_status: u.command_status });
			session.close(() => {
				emit({ event: 'closed' });
				finish(0);
			});
		});
	});
}

function submit(i) {
	if (i >= cfg.messages.length) {
		submitted = true;
		maybeEnd();
		return;
	}
	const msg = cfg.messages[i];
	const opts = {
		source_addr: 'NodeShop',
		destination_addr: '4512345678',
		registered_delivery: 1,
	};
	if (msg.payload) {
		opts.message_payload = msg.text; // the whole text in the TLV, short_message empty
	} else {
		opts.short_message = msg.text;
	}
	if (msg.data_coding !== undefined && msg.data_coding !== null) {
		opts.data_coding = msg.data_coding;
	}
	const pdu = new smpp.PDU('submit_sm', opts);
	// node-smpp's encoder (run by send -> toBuffer) sets data_coding when it was not given.
	session.send(pdu, (r) => {
		emit({
			event: 'submit_sm_resp',
			index: i,
			command_status: r.command_status,
			message_id: r.message_id,
			data_coding: pdu.data_coding,
		});
		submit(i + 1);
	});
}

session.on('connect', () => {
	session.bind_transceiver({ system_id: cfg.system_id, password: cfg.password }, (pdu) => {
		emit({
			event: 'bind_resp',
			command_status: pdu.command_status,
			system_id: pdu.system_id,
			sc_interface_version: pdu.sc_interface_version === undefined ? null : pdu.sc_interface_version,
		});
		if (pdu.command_status !== 0) {
			finish(1);
			return;
		}
		submit(0);
	});
});
