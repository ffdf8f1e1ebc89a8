#!/usr/bin/env node
// A small SMSC built on node-smpp (package `smpp`, `smpp.createServer`), for
// smpp-tokio/tests/interop_peers.rs (our client -> node-smpp server).
//
// Usage: NODE_PATH=target/interop/node/node_modules node interop/node_server.js [limit_ms]
//
// Listens on 127.0.0.1, port 0 (the OS picks), and reports on stdout, one JSON object per
// line:
//   {"event":"listening","port":N}
//   {"event":"bind","command":"bind_transceiver","system_id":..,"password":..,"interface_version":N}
//   {"event":"submit_sm","message_id":"node-1","data_coding":N,"esm_class":N,
//    "registered_delivery":N,"source_addr":..,"destination_addr":..,
//    "udh":["050003..", ...],"message":"<node-smpp's decoding>" | {"hex":..}}
//   {"event":"deliver_sm_resp","tag":..,"command_status":N}   // our answer to its deliver_sm
//   {"event":"enquire_link"} {"event":"unbind"} {"event":"closed"} {"event":"timeout"}
//
// Every submit_sm with registered_delivery bit 0 set gets a submit_sm_resp (message_id
// "node-<n>") followed by an Appendix B delivery receipt (deliver_sm, esm_class 0x04, TLVs
// receipted_message_id and message_state), tag "receipt:<message_id>".
//
// Commands on stdin, one JSON object per line:
//   {"cmd":"deliver","tag":"mo1","data_coding":N (optional: node-smpp picks),
//    "source_addr":..,"destination_addr":..,"parts":[{"udh":"050003..","message":"text"}]}
//     sends one deliver_sm per part (an MO), each answered as {"event":"deliver_sm_resp"}
//   {"cmd":"quit"}
//
// Exits 0 after the bound session unbound and closed, 2 after limit_ms (default 30 s).
'use strict';
const readline = require('readline');
const smpp = require('smpp');

const limit = Number(process.argv[2] || 30000);
const emit = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const finish = (code) => process.stdout.write('', () => process.exit(code));

setTimeout(() => {
	emit({ event: 'timeout' });
	finish(2);
}, limit).unref();
// The timer above is unref'd so that it alone does not keep node alive; this one does,
// and is long enough never to fire first.
const keepAlive = setInterval(() => {}, 1 << 30);

let current = null;
let ids = 0;

function pad(n) {
	return String(n).padStart(2, '0');
}
function smppDate(d) {
	return (
		pad(d.getUTCFullYear() % 100) + pad(d.getUTCMonth() + 1) + pad(d.getUTCDate()) +
		pad(d.getUTCHours()) + pad(d.getUTCMinutes())
	);
}

function decodedMessage(sm) {
	if (sm === undefined || sm === null) return '';
	const m = Buffer.isBuffer(sm) ? sm : sm.message;
	return Buffer.isBuffer(m) ? { hex: m.toString('hex') } : m;
}

function sendReceipt(session, id, submit, text) {
	const now = smppDate(new Date());
	const first20 = typeof text === 'string' ? text.replace(/[^A-Za-z0-9 ]/g, '.').slice(0, 20) : '';
	const receipt =
		`id:${id} sub:001 dlvrd:001 submit date:${now} done date:${now} stat:DELIVRD err:000 text:${first20}`;
	session.deliver_sm(
		{
			source_addr: submit.destination_addr,
			destination_addr: submit.source_addr,
			esm_class: smpp.ESM_CLASS.MC_DELIVERY_RECEIPT,
			short_message: receipt,
			receipted_message_id: id,
			message_state: smpp.MESSAGE_STATE.DELIVERED,
		},
		(resp) => emit({ event: 'deliver_sm_resp', tag: 'receipt:' + id, command_status: resp.command_status })
	);
}

function deliver(cmd) {
	if (!current) {
		emit({ event: 'error', error: 'deliver: no session' });
		return;
	}
	for (const part of cmd.parts) {
		const opts = {
			source_addr: cmd.source_addr || '4512345678',
			destination_addr: cmd.destination_addr || '1234',
			short_message: part.udh
				? { udh: Buffer.from(part.udh, 'hex'), message: part.message }
				: part.message,
		};
		if (cmd.data_coding !== undefined && cmd.data_coding !== null) {
			opts.data_coding = cmd.data_coding;
		}
		current.deliver_sm(opts, (resp) =>
			emit({ event: 'deliver_sm_resp', tag: cmd.tag, command_status: resp.command_status })
		);
	}
}

const server = smpp.createServer((session) => {
	current = session;
	let unbound = false;
	session.on('error', (e) => emit({ event: 'error', error: String(e) }));
	for (const command of ['bind_transceiver', 'bind_transmitter', 'bind_receiver']) {
		session.on(command, (pdu) => {
			emit({
				event: 'bind',
				command,
				system_id: pdu.system_id,
				password: pdu.password,
				interface_version: pdu.interface_version,
			});
			session.send(pdu.response({ system_id: 'node-smsc' }));
		});
	}
	session.on('submit_sm', (pdu) => {
		const id = 'node-' + ++ids;
		const sm = pdu.short_message;
		const message = decodedMessage(sm);
		emit({
			event: 'submit_sm',
			message_id: id,
			data_coding: pdu.data_coding,
			esm_class: pdu.esm_class,
			registered_delivery: pdu.registered_delivery,
			source_addr: pdu.source_addr,
			destination_addr: pdu.destination_addr,
			udh: sm && sm.udh ? sm.udh.map((b) => b.toString('hex')) : [],
			message,
		});
		session.send(pdu.response({ message_id: id }));
		if (pdu.registered_delivery & 1) {
			sendReceipt(session, id, pdu, message);
		}
	});
	session.on('enquire_link', (pdu) => {
		emit({ event: 'enquire_link' });
		session.send(pdu.response());
	});
	session.on('unbind', (pdu) => {
		unbound = true;
		emit({ event: 'unbind' });
		session.send(pdu.response(), () => session.close());
	});
	session.on('close', () => {
		emit({ event: 'closed', unbound });
		if (unbound) {
			clearInterval(keepAlive);
			server.close();
			finish(0);
		}
	});
});

server.listen(0, '127.0.0.1', () => emit({ event: 'listening', port: server.address().port }));

readline.createInterface({ input: process.stdin }).on('line', (line) => {
	if (!line.trim()) return;
	let cmd;
	try {
		cmd = JSON.parse(line);
	} catch (e) {
		emit({ event: 'error', error: 'bad command: ' + line });
		return;
	}
	if (cmd.cmd === 'deliver') deliver(cmd);
	else if (cmd.cmd === 'quit') finish(0);
	else emit({ event: 'error', error: 'unknown command: ' + cmd.cmd });
});
