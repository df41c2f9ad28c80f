// Malformed validity times are flagged and never turned into another date: asn1js read "abcdefghijklZ"
// as 1899-11-30 (and the chain was trusted), month 13 as the next January, year 0000 as 1900, "+2359"
// six days off. OpenSSL rejects such certificates; so must the chain stage.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCertificate } from '../shared/engine/decode/index.ts';
import { buildChain } from '../shared/engine/chain/index.ts';
import { inspectCertificates } from '../shared/engine/inspect.ts';
import type { IssuedCert, TestPki } from './helpers/pki.ts';
import { GENERALIZED_TIME, UTC_TIME, patchTbs, patchableChain, time, validity } from './helpers/der-patch.ts';

let pki: TestPki;
let root: IssuedCert;
let ca: IssuedCert;
let leaf: IssuedCert;
const AT = new Date('2027-06-01T00:00:00Z');
const LATER = time(GENERALIZED_TIME, '20991231235959Z');

before(() => {
  ({ pki, root, ca, leaf } = patchableChain('Dates', 'dates.contoso.com'));
});

/** The leaf with this notBefore, signed again by its CA. */
const withNotBefore = (tag: number, text: string) => patchTbs(leaf.der, { validity: validity(time(tag, text), LATER) }, ca.keyPem);

const chainOf = (der: Uint8Array) => buildChain({ served: [der, ca.der], anchors: [{ der: root.der, store: 'user' }], at: AT });

test('a well-formed re-signed certificate is trusted (the patching itself breaks nothing)', async () => {
  const der = withNotBefore(UTC_TIME, '260101000000Z');
  assert.equal(decodeCertificate(der).notBefore, '2026-01-01T00:00:00.000Z');
  assert.deepEqual(decodeCertificate(der).invalidDates, []);
  assert.equal((await chainOf(der)).trusted, true);
});

test('unreadable times get no date, an error naming the field and the raw text, and no trust', async () => {
  for (const [tag, text] of [[UTC_TIME, 'abcdefghijklZ'], [UTC_TIME, ''], [UTC_TIME, '261301000000Z'], [UTC_TIME, '260230000000Z'], [GENERALIZED_TIME, '20260101000000'], [UTC_TIME, '2601\u001b[2J00Z']] as const) {
    const der = withNotBefore(tag, text);
    const info = decodeCertificate(der);
    assert.equal(info.parseError, null);
    assert.equal(info.notBefore, '', `${JSON.stringify(text)} is given no date`);
    assert.equal(info.invalidDates?.length, 1);
    assert.equal(info.invalidDates![0].field, 'notBefore');
    assert.match(info.invalidDates![0].text, /^The Not Before date "[^"]*" is not a valid (UTCTime|GeneralizedTime)/);
    assert.doesNotMatch(info.invalidDates![0].text, /\u001b/, 'the raw text is escaped');
    const chain = await chainOf(der);
    assert.equal(chain.trusted, false, JSON.stringify(text));
    assert.match(chain.reason ?? '', /Not Before date/);
  }
  assert.match(decodeCertificate(withNotBefore(UTC_TIME, 'abcdefghijklZ')).invalidDates![0].text, /"abcdefghijklZ"/);
});

test('RFC 5280 forbids fractions, offsets and missing seconds: the right date is shown, flagged and not trusted', async () => {
  const cases: [number, string, string][] = [
    [GENERALIZED_TIME, '20261201180000+2359', '2026-11-30T18:01:00.000Z'],
    [GENERALIZED_TIME, '20261201180000.5Z', '2026-12-01T18:00:00.500Z'],
    [UTC_TIME, '2612011800Z', '2026-12-01T18:00:00.000Z'],
  ];
  for (const [tag, text, iso] of cases) {
    const der = withNotBefore(tag, text);
    const info = decodeCertificate(der);
    assert.equal(info.notBefore, iso, text);
    assert.match(info.invalidDates![0].text, /is not in the form RFC 5280 requires/);
    assert.equal((await chainOf(der)).trusted, false, text);
  }
  // Year 0000 is a real GeneralizedTime year: shown as 0000, not 1900.
  assert.equal(decodeCertificate(withNotBefore(GENERALIZED_TIME, '00000101000000Z')).notBefore, '0000-01-01T00:00:00.000Z');
});

test('the comment invalid-validity-date, and OpenSSL agrees the certificate is broken', async () => {
  const der = withNotBefore(UTC_TIME, 'abcdefghijklZ');
  const result = await inspectCertificates([der, ca.der], { host: 'dates.contoso.com', extraRootsPem: [root.certPem] });
  const comment = result.comments.find((c) => c.id === 'invalid-validity-date');
  assert.ok(comment, JSON.stringify(result.comments.map((c) => c.id)));
  assert.equal(comment.severity, 'error');
  assert.match(comment.text, /"dates\.contoso\.com" \(server certificate\): The Not Before date "abcdefghijklZ"/);
  assert.equal(result.trust?.trusted, false);
  assert.ok(!result.comments.some((c) => c.id === 'valid' || c.id === 'chain-not-trusted'));

  const pem = join(pki.dir, 'bad-date.pem');
  writeFileSync(pem, `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64')}\n-----END CERTIFICATE-----\n`);
  const verify = (() => {
    try {
      return execFileSync('openssl', ['verify', '-CAfile', root.certPath, '-untrusted', ca.certPath, pem], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      return String((error as { stdout?: string }).stdout ?? '') + String((error as { stderr?: string }).stderr ?? '');
    }
  })();
  assert.match(verify, /format error in certificate's notBefore field/, verify);
});
