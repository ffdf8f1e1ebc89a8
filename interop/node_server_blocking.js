// node-smpp as the SMSC for smpp-blocking's interop test
// (smpp-blocking/tests/interop_node.rs).
//
// Listens on 127.0.0.1 (ephemeral port) and prints `PORT <n>` first. Accepts one ESME
// bind (user / secret, any bind kind; a wrong password gets ESME_RINVPASWD), answers each
// submit_sm with message id `node-<n>` and then sends its delivery receipt as deliver_sm.
// Prints one line per event: `BIND <kind>`, `SUBMIT <data_coding> <udhi>`,
// `DELIVER_RESP <status>`, `ENQUIRE_LINK`, `UNBIND`; exits 0 after the unbind (2 after 20 s).
'use strict';
const smpp = require('smpp');

let ids = 0;
const server = smpp.createServer((session) => {
    session.on('error', (e) => console.log('ERROR ' + e.message));
    const bind = (kind) => (pdu) => {
        session.pause();
        if (pdu.password !== 'secret') {
            console.log('BIND_REFUSED ' + kind);
            session.send(pdu.response({ command_status: smpp.ESME_RINVPASWD }));
            session.resume();
            return;
        }
        console.log('BIND ' + kind);
        session.send(pdu.response({ system_id: 'node-smsc' }));
        session.resume();
    };
    session.on('bind_transceiver', bind('transceiver'));
    session.on('bind_transmitter', bind('transmitter'));
    session.on('bind_receiver', bind('receiver'));
    session.on('enquire_link', (pdu) => {
        console.log('ENQUIRE_LINK');
        session.send(pdu.response());
    });
    session.on('submit_sm', (pdu) => {
        const id = 'node-' + ++ids;
        const udhi = (pdu.esm_class & 0x40) ? 1 : 0;
        console.log('SUBMIT ' + pdu.data_coding + ' ' + udhi);
        session.send(pdu.response({ message_id: id }));
        const text = 'id:' + id + ' sub:001 dlvrd:001 submit date:2311231200 ' +
            'done date:2311231201 stat:DELIVRD err:000 text:';
        session.deliver_sm({
            source_addr: pdu.destination_addr,
            destination_addr: pdu.source_addr,
            esm_class: 0x04,
            short_message: text,
        }, (resp) => console.log('DELIVER_RESP ' + resp.command_status));
    });
    session.on('unbind', (pdu) => {
        console.log('UNBIND');
        session.send(pdu.response());
        setTimeout(() => {
            session.close();
            server.close();
            process.exit(0);
        }, 50);
    });
});

server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
setTimeout(() => {
    console.log('TIMEOUT');
    process.exit(2);
}, 20000);
