#!/usr/bin/env node
// Encodes texts with node-smpp (package `smpp`) and decodes our parts with it, for the text
// cross-check.
//
// Input (stdin, or the file named as the first argument): a JSON array of objects with
// "name" and "text", and optionally "ours": [{"data_coding": n, "parts": [{"sm": hex,
// "udhi": bool}]}, ...] -- one or more of our splits, the short_message of each part.
// Output (stdout): a JSON array, one object per input:
//
//   {"name": ..., "node_smpp": "0.5.1",
//    "detected": "ASCII" | "LATIN1" | "UCS2",    // encodings.detect(): ASCII means GSM 03.38
//    "data_coding": 1,                           // what submit_sm would carry
//    "encoded": hex,                             // short_message node-smpp would send
//    "self_decoded": "...",                      // its decoder on its own bytes and label
//    "ours_decoded": [[{"text": "..."} | {"raw": hex}, ...], ...]}  // per split and part,
//                                                // via a real deliver_sm PDU round trip
//
// Run: NODE_PATH=target/interop/node/node_modules node interop/text_crosscheck.js \
//        < interop/text_corpus.json
'use strict';
const fs = require('fs');
const smpp = require('smpp');
const version = require('smpp/package.json').version;

const input = fs.readFileSync(process.argv[2] || 0, 'utf8');
const corpus = JSON.parse(input);

function decodeOurPart(dataCoding, part) {
	// Build a deliver_sm as an SMSC would send it and let node-smpp parse it (this applies
	// its data_coding handling, including the 0x0F mask, and its UDH handling).
	const pdu = new smpp.PDU('deliver_sm', {
		source_addr: '1',
		destination_addr: '2',
		data_coding: dataCoding,
		esm_class: part.udhi ? 0x40 : 0,
		short_message: Buffer.from(part.sm, 'hex'),
	});
	const parsed = new smpp.PDU(pdu.toBuffer());
	const m = parsed.short_message.message;
	return Buffer.isBuffer(m) ? { raw: m.toString('hex') } : { text: m };
}

const result = corpus.map((entry) => {
	const ctx = { data_coding: null, esm_class: 0 };
	const encoded = smpp.filters.message.encode.call(ctx, entry.text);
	const bytes = Buffer.isBuffer(encoded) ? encoded : Buffer.alloc(0);
	const self = smpp.filters.message.decode.call(
		{ data_coding: ctx.data_coding === null ? 0 : ctx.data_coding, esm_class: 0 },
		bytes
	).message;
	const r = {
		name: entry.name,
		node_smpp: version,
		detected: entry.text === '' ? null : smpp.encodings.detect(entry.text),
		data_coding: ctx.data_coding,
		encoded: bytes.toString('hex'),
		self_decoded: Buffer.isBuffer(self) ? self.toString('utf8') : self,
	};
	if (entry.ours) {
		r.ours_decoded = entry.ours.map((split) =>
			split.parts.map((p) => decodeOurPart(split.data_coding, p))
		);
	}
	return r;
});
process.stdout.write(JSON.stringify(result, null, 1) + '\n');
