// Handshake reassembly must cost time linear in the bytes received, however the peer fragments them:
// a hostile or broken server sending a large message in 1-byte records must not pin a core.
import test from 'node:test';
import assert from 'node:assert/strict';
import { HandshakeAssembler, RecordStream } from '../shared/engine/capture/tls/records.ts';

const MESSAGE_BYTES = 512 * 1024;

/** One handshake message of `size` body bytes, cut into TLS records of one byte each. */
function oneByteRecords(size: number): Uint8Array {
  const message = new Uint8Array(4 + size);
  message[0] = 11; // Certificate
  message[1] = (size >> 16) & 0xff;
  message[2] = (size >> 8) & 0xff;
  message[3] = size & 0xff;
  for (let i = 4; i < message.length; i++) message[i] = i & 0xff;
  const stream = new Uint8Array(message.length * 6);
  message.forEach((byte, i) => stream.set([22, 3, 3, 0, 1, byte], i * 6));
  return stream;
}

test('a 512 KB handshake message in 1-byte records is reassembled in linear time', () => {
  const stream = oneByteRecords(MESSAGE_BYTES);
  const records = new RecordStream();
  const handshake = new HandshakeAssembler();
  const started = process.cpuUsage();
  let message = null;
  // Delivered as TCP would, in segments that do not line up with records.
  for (let offset = 0; offset < stream.length && !message; offset += 1000) {
    records.push(stream.subarray(offset, offset + 1000));
    for (let record = records.next(); record; record = records.next()) {
      assert.ok(record.ok);
      handshake.push(record.value.fragment);
      const next = handshake.next();
      if (next) message = next;
    }
  }
  const used = process.cpuUsage(started);
  const seconds = (used.user + used.system) / 1e6;
  assert.ok(message?.ok, 'the message was reassembled');
  assert.equal(message.value.body.length, MESSAGE_BYTES);
  assert.equal(message.value.body[100], (104) & 0xff);
  // Quadratic copying took ~19 s here; linear work takes well under a second even on a loaded machine.
  assert.ok(seconds < 3, `reassembly took ${seconds.toFixed(2)} s of CPU`);
});
