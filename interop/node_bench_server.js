#!/usr/bin/env node
// A node-smpp SMSC (`smpp.createServer`) for `smpp bench` figures (BENCHMARKS.md §7).
//
// Usage: NODE_PATH=target/interop/node/node_modules \
//          node interop/node_bench_server.js [sessions] [limit_ms]
//
// Unlike node_server.js (one session, a JSON line per PDU, exits after the first unbind),
// this one serves any number of concurrent sessions, logs nothing per PDU, and sends no
// receipts. It accepts every bind, answers each submit_sm with message_id "nb-<n>",
// answers enquire_link and unbind.
//
// stdout, one JSON object per line:
//   {"event":"listening","port":N}               127.0.0.1, port 0 (the OS picks)
//   {"event":"done","submits":N,"sessions":N}    on exit
//
// Exits 0 once `sessions` sessions (default 1) have unbound and closed, or 2 after
// limit_ms (default 120 s), whichever comes first: it never outlives a bench run by much.
'use strict';
const smpp = require('smpp');

const want = Math.max(1, Number(process.argv[2] || 1));
const limit = Number(process.argv[3] || 120000);
const emit = (o) => process.stdout.write(JSON.stringify(o) + '\n');
let submits = 0;
let sessions = 0;
let closedAfterUnbind = 0;
const finish = (code) => {
	emit({ event: 'done', submits, sessions, code });
	process.stdout.write('', () => process.exit(code));
};

setTimeout(() => finish(2), limit);

const server = smpp.createServer((session) => {
	sessions += 1;
	let unbound = false;
	session.on('error', () => {});
	for (const command of ['bind_transceiver', 'bind_transmitter', 'bind_receiver']) {
		session.on(command, (pdu) => session.send(pdu.response({ system_id: 'node-bench' })));
	}
	session.on('submit_sm', (pdu) => {
		submits += 1;
		session.send(pdu.response({ message_id: 'nb-' + submits }));
	});
	session.on('enquire_link', (pdu) => session.send(pdu.response()));
	session.on('unbind', (pdu) => {
		unbound = true;
		session.send(pdu.response(), () => session.close());
	});
	session.on('close', () => {
		if (unbound) closedAfterUnbind += 1;
		if (closedAfterUnbind >= want) {
			server.close();
			finish(0);
		}
	});
});

server.listen(0, '127.0.0.1', () => emit({ event: 'listening', port: server.address().port }));
