// Big but valid certificates are read; past sane bounds the admin is told why; an empty serial is flagged.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCertificates } from '../shared/formats/certfile.ts';
import { certificateParses, decodeCertificate } from '../shared/engine/decode/index.ts';
import { parseCertificate } from '../shared/engine/chain/cert.ts';
import { inspectCertificates } from '../shared/engine/inspect.ts';
import { MAX_DER_BYTES } from '../shared/engine/decode/der.ts';
import type { IssuedCert, TestPki } from './helpers/pki.ts';
import { patchTbs, patchableChain, tlv, validity } from './helpers/der-patch.ts';

let pki: TestPki;
let root: IssuedCert;
let ca: IssuedCert;
let leaf: IssuedCert;

before(() => {
  ({ pki, root, ca, leaf } = patchableChain('Limits', 'limits.contoso.com'));
});

/** A Name of `count` OU RDNs (4 ASN.1 elements each) then a CN. */
function manyRdnName(count: number): Buffer {
  const ou = Buffer.from([0x06, 0x03, 0x55, 0x04, 0x0b]);
  const cn = Buffer.from([0x06, 0x03, 0x55, 0x04, 0x03]);
  const rdn = (type: Buffer, value: string) => tlv(0x31, tlv(0x30, Buffer.concat([type, tlv(0x0c, Buffer.from(value))])));
  const rdns: Buffer[] = [];
  for (let i = 0; i < count; i++) rdns.push(rdn(ou, `u${i}`));
  rdns.push(rdn(cn, 'limits.contoso.com'));
  return tlv(0x30, Buffer.concat(rdns));
}

test('a valid certificate with 3,000 RDNs made by openssl is read by the file reader, the decoder and the chain stage', () => {
  const subject = Array.from({ length: 3000 }, (_, i) => `/OU=u${i}`).join('') + '/CN=many.contoso.com';
  const file = join(pki.dir, 'many.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(pki.dir, 'many.key'), '-subj', subject, '-days', '30', '-out', file], { stdio: 'ignore' });
  const read = readCertificates(readFileSync(file), 'many.pem');
  assert.deepEqual(read.errors, []);
  assert.equal(read.certificates.length, 1);
  const info = decodeCertificate(read.certificates[0]);
  assert.equal(info.parseError, null);
  assert.equal(info.commonName, 'many.contoso.com');
  assert.match(info.subject, /OU=u2999/);
  const parsed = parseCertificate(read.certificates[0]);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  assert.equal(parsed.cert.subject.length, 3001);
  const parsesBefore = certificateParses();
  // pkijs's whole model (its chain engine's input) is built when asked, from the same parse.
  assert.equal(parsed.cert.pkijs.subject.typesAndValues.length, 3001);
  assert.deepEqual(new Uint8Array(parsed.cert.pkijs.serialNumber.valueBlock.valueHexView), parsed.cert.serial);
  assert.equal(certificateParses(), parsesBefore);
});

test('TBS fields outside X.509\'s structure make the certificate unreadable, names included', () => {
  const integer = tlv(0x02, Buffer.from([1]));
  const cn = Buffer.from([0x06, 0x03, 0x55, 0x04, 0x03]);
  const threePartAttribute = tlv(0x30, tlv(0x31, tlv(0x30, Buffer.concat([cn, tlv(0x0c, Buffer.from('a')), tlv(0x0c, Buffer.from('b'))]))));
  const cases: [string, Parameters<typeof patchTbs>[1]][] = [
    ['validity of two INTEGERs', { validity: validity(integer, integer) }],
    ['an INTEGER as the subject', { subject: integer }],
    ['an attribute of three parts in the issuer', { issuer: threePartAttribute }],
    ['a key that is no SubjectPublicKeyInfo', { spki: tlv(0x30, integer) }],
  ];
  for (const [what, replace] of cases) {
    const parsed = parseCertificate(patchTbs(leaf.der, replace, ca.keyPem));
    assert.equal(parsed.ok, false, what);
    assert.match(parsed.ok ? '' : parsed.error, /could not be decoded/, what);
  }
  // The unpatched certificate, re-signed the same way, reads: the faults above are the only ones.
  assert.ok(parseCertificate(patchTbs(leaf.der, {}, ca.keyPem)).ok);
});

test('past the bounds the message says so instead of "not a certificate file"', () => {
  // 30,000 RDNs: 120,000 elements, more than the 100,000 this tool reads.
  const der = patchTbs(leaf.der, { subject: manyRdnName(30_000) }, ca.keyPem);
  const read = readCertificates(der, 'huge.cer');
  assert.equal(read.certificates.length, 0);
  assert.match(read.errors.join(' '), /"huge\.cer" could not be read: it has more than 100,000 ASN\.1 elements/);
  assert.match(decodeCertificate(der).parseError ?? '', /more than 100,000 ASN\.1 elements/);
  const tooBig = tlv(0x30, Buffer.alloc(MAX_DER_BYTES));
  assert.match(readCertificates(tooBig, 'big.cer').errors.join(' '), /"big\.cer" could not be read: it is \d+ KB, more than the 4 MB this tool reads/);
});

test('an empty serial number: flagged serial-invalid, not trusted', async () => {
  const der = patchTbs(leaf.der, { serial: tlv(0x02, Buffer.alloc(0)) }, ca.keyPem);
  assert.equal(decodeCertificate(der).serialNumber, '');
  const result = await inspectCertificates([der, ca.der], { host: 'limits.contoso.com', extraRootsPem: [root.certPem] });
  const comment = result.comments.find((c) => c.id === 'serial-invalid');
  assert.ok(comment, JSON.stringify(result.comments.map((c) => c.id)));
  assert.equal(comment.severity, 'error');
  assert.match(comment.text, /"limits\.contoso\.com" \(server certificate\) has an empty serial number/);
  assert.equal(result.trust?.trusted, false);
  assert.ok(!result.comments.some((c) => c.id === 'valid' || c.id === 'chain-not-trusted'));
});
