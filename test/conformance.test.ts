// x509-limbo conformance: the score must not drop (OpenSSL 3.0 scores 106/135 on the same suite),
// and the harness reads the current suite's schema (CRLs, CLIENT cases with expected_peer_names).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LIMBO_PATH, runConformance, type RevocationHook } from '../scripts/conformance.ts';
import { readSuite, type LimboTestcase } from '../scripts/limbo-suite.ts';
import { runOpenssl } from '../scripts/openssl-limbo.ts';
import { TestPki, type IssuedCert } from './helpers/pki.ts';
import { RevocationCa } from './helpers/revocation-ca.ts';

/** The score reached when this test was written; raise it when the validator improves. */
const FLOOR = 132;

// With CI=true a missing suite is a failure: a silent skip would hide a broken checkout of ../shared.
const missing = !existsSync(DEFAULT_LIMBO_PATH) && `${DEFAULT_LIMBO_PATH} not found (expected ../shared beside the repository)`;

it(`x509-limbo verdicts match at least ${FLOOR}/135`, { skip: process.env.CI !== 'true' && missing }, async () => {
  assert.ok(!missing, missing || '');
  const report = await runConformance();
  assert.equal(report.schema, '2023');
  assert.equal(report.total, 135);
  const misses = report.mismatches.map((m) => `${m.id}: expected ${m.expected}, got ${m.actual}`).join('\n');
  assert.ok(report.matched >= FLOOR, `limbo: ${report.matched}/${report.total}, below ${FLOOR}\n${misses}`);
});

describe('current x509-limbo schema', () => {
  /** A two-certificate world made by openssl, written as a suite file in the current schema. */
  function writeSuite(): { path: string; crlDer: Buffer } {
    const pki = new TestPki();
    const root = pki.issue({ cn: 'Limbo Test Root', ca: true, key: 'ec:P-256', days: 3650 });
    const server = pki.issue({ cn: 'server.example', sans: ['DNS:server.example'], issuer: root, key: 'ec:P-256', keyUsage: 'critical, digitalSignature', eku: 'serverAuth' });
    const client = pki.issue({ cn: 'Alice', sans: ['email:alice@Example.com'], issuer: root, key: 'ec:P-256', keyUsage: 'critical, digitalSignature', eku: 'clientAuth' });
    const revoked = pki.issue({ cn: 'revoked.example', sans: ['DNS:revoked.example'], issuer: root, key: 'ec:P-256', keyUsage: 'critical, digitalSignature', eku: 'serverAuth' });
    const rootCa = new RevocationCa(root);
    rootCa.revoke(revoked);
    const crl = rootCa.crl();
    const testcase = (id: string, peer: IssuedCert, fields: Partial<LimboTestcase>) => ({
      id, conflicts_with: [], features: [], importance: 'undetermined', description: id, validation_kind: 'SERVER',
      trusted_certs: [root.certPem], untrusted_intermediates: [], peer_certificate: peer.certPem, peer_certificate_key: null,
      validation_time: new Date().toISOString(), signature_algorithms: [], key_usage: [], extended_key_usage: [],
      expected_result: 'SUCCESS', expected_peer_name: null, expected_peer_names: [], max_chain_depth: null, crls: [], ...fields,
    });
    const testcases = [
      testcase('server::with-crl', server, { expected_peer_name: { kind: 'DNS', value: 'server.example' }, extended_key_usage: ['serverAuth'], crls: [crl.pem], features: ['has-crl'] }),
      testcase('server::revoked', revoked, { expected_peer_name: { kind: 'DNS', value: 'revoked.example' }, crls: [crl.pem], expected_result: 'FAILURE' }),
      testcase('server::wrong-name', server, { expected_peer_name: { kind: 'DNS', value: 'other.example' }, expected_result: 'FAILURE' }),
      testcase('client::mailbox', client, { validation_kind: 'CLIENT', extended_key_usage: ['clientAuth'], expected_peer_names: [{ kind: 'RFC822', value: 'alice@example.COM' }] }),
      testcase('client::other-mailbox', client, { validation_kind: 'CLIENT', expected_peer_names: [{ kind: 'RFC822', value: 'Alice@example.com' }], expected_result: 'FAILURE' }),
      testcase('client::server-eku', client, { validation_kind: 'CLIENT', extended_key_usage: ['serverAuth'], expected_result: 'FAILURE' }),
    ];
    const path = join(mkdtempSync(join(tmpdir(), 'limbo-')), 'limbo.json');
    writeFileSync(path, JSON.stringify({ version: 1, testcases }));
    return { path, crlDer: crl.der };
  }

  const world = writeSuite();

  it('reads the current schema and runs SERVER cases by default, CRLs judged by the revocation stage', async () => {
    assert.equal(readSuite(world.path).schema, 'current');
    for (const profile of ['strict', 'client'] as const) {
      const report = await runConformance(world.path, { profile });
      assert.deepEqual(report.results.map((r) => r.id), ['server::with-crl', 'server::revoked', 'server::wrong-name']);
      assert.deepEqual(report.mismatches, []);
      assert.match(report.results[1]!.reason ?? '', /CN=revoked\.example is revoked \(keyCompromise\), per its CA's CRL/);
      assert.ok(report.results.every((r) => r.notes.length === 0 && Number.isFinite(r.ms)));
      // Without a revocation stage the revoked certificate passes: that is what the note owns up to.
      const ignored = await runConformance(world.path, { profile, revocation: null });
      assert.deepEqual(ignored.mismatches.map((r) => [r.id, r.notes]), [['server::revoked', ['crls ignored']]]);
      assert.deepEqual(ignored.results[0]!.notes, ['crls ignored']);
    }
  });

  it('judges CLIENT cases by their expected e-mail names and EKU', async () => {
    const report = await runConformance(world.path, { kind: 'CLIENT' });
    assert.equal(report.total, 3);
    assert.equal(report.matched, 3, JSON.stringify(report.mismatches));
    const reason = (id: string) => report.results.find((r) => r.id === id)!.reason ?? '';
    assert.match(reason('client::other-mailbox'), /does not name Alice@example\.com/);
    assert.doesNotMatch(reason('client::server-eku'), /does not name/);
  });

  it('hands the CRLs to a revocation hook, whose objection rejects the case', async () => {
    const seen: Uint8Array[][] = [];
    const revocation: RevocationHook = ({ crls }) => {
      seen.push(crls);
      return 'Revoked by its CA';
    };
    const report = await runConformance(world.path, { kind: 'all', revocation });
    assert.equal(report.total, 6);
    assert.deepEqual(seen, [[new Uint8Array(world.crlDer)], [new Uint8Array(world.crlDer)]]);
    const withCrl = report.results.find((r) => r.id === 'server::with-crl')!;
    assert.deepEqual([withCrl.actual, withCrl.reason, withCrl.notes], ['FAILURE', 'Revoked by its CA', []]);
  });

  it('the OpenSSL yardstick judges the same suite, CRLs and e-mail names included', async () => {
    for (const harnessFlags of [false, true]) {
      const results = await runOpenssl(world.path, { kind: 'all', harnessFlags });
      const misses = results.filter((r) => r.actual !== r.expected);
      assert.deepEqual(misses, [], `harness flags ${harnessFlags}`);
      assert.equal(results.length, 6);
    }
  });

  it('names the testcase and field when a suite file does not fit the schema', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'limbo-')), 'bad.json');
    writeFileSync(path, JSON.stringify({ version: 1, testcases: [{ id: 'x::broken', validation_kind: 'SERVER' }] }));
    assert.throws(() => readSuite(path), /testcase x::broken: field expected_result/);
  });
});
