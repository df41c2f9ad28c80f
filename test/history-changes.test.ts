// The change rules of the history (shared/history/changes.ts), one at a time: pure functions from two
// results of the same endpoint to typed change records with a severity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointResult } from '../shared/types.ts';
import { compareEndpoint, compareTarget, RENEWAL_WINDOW_DAYS, type ChangeRecord } from '../shared/history/changes.ts';
import { endpointResult, leafCert } from './helpers/history-fixtures.ts';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const CHECKED = '2026-11-24T08:00:00.000Z';

function fed(overrides: Partial<EndpointResult> = {}, leaf = leafCert('sip.contoso.com')): EndpointResult {
  return endpointResult({ target: 'contoso.com', type: 'FED', host: 'sip.contoso.com', ip: '127.0.0.10', port: 5061, checkedAt: CHECKED, ...overrides }, leaf);
}

const kinds = (changes: ChangeRecord[]) => changes.map((c) => `${c.severity} ${c.kind}`);

test('the same result twice is no change', () => {
  assert.deepEqual(compareEndpoint(fed(), fed()), []);
});

test('a new certificate is info, and says whether it was a renewal on schedule', () => {
  const soon = leafCert('old', { notAfter: new Date(Date.parse(CHECKED) + (RENEWAL_WINDOW_DAYS - 5) * 86_400_000).toISOString() });
  const renewed = compareEndpoint(fed({}, soon), fed({}, leafCert('new')));
  assert.deepEqual(kinds(renewed), ['info certificate-changed']);
  assert.match(renewed[0]!.text, /25 days left: a renewal on schedule/);
  assert.equal(renewed[0]!.from, soon.thumbprint);
  assert.equal(renewed[0]!.to, leafCert('new').thumbprint);
  const early = compareEndpoint(fed({}, leafCert('old', { notAfter: '2027-11-24T08:00:00.000Z' })), fed({}, leafCert('new')));
  assert.deepEqual(kinds(early), ['info certificate-changed']);
  assert.match(early[0]!.text, /still had 365 days left: not a renewal on schedule/);
  const expired = compareEndpoint(fed({}, leafCert('old', { notAfter: '2026-11-20T08:00:00.000Z' })), fed({}, leafCert('new')));
  assert.match(expired[0]!.text, /had expired 4 days before/);
});

test('losing Client Authentication is a warning on a FED target and info elsewhere; losing Server Authentication is an error', () => {
  const withoutClientAuth = leafCert('renewed', { ekus: [SERVER_AUTH] });
  assert.deepEqual(kinds(compareEndpoint(fed(), fed({}, withoutClientAuth))), ['info certificate-changed', 'warning eku-lost']);
  const dir = { type: 'DIR' as const, target: 'sbc.adatum.com:5061' };
  assert.deepEqual(kinds(compareEndpoint(fed(dir), fed(dir, withoutClientAuth))), ['info certificate-changed', 'info eku-lost']);
  const lost = compareEndpoint(fed(), fed({}, withoutClientAuth)).find((c) => c.kind === 'eku-lost')!;
  assert.equal(lost.from, 'Client Authentication');
  assert.match(lost.text, /client certificate/);
  const serverAuthLost = compareEndpoint(fed({}, leafCert('a')), fed({}, leafCert('a', { ekus: [CLIENT_AUTH] })));
  assert.deepEqual(kinds(serverAuthLost), ['error eku-lost']);
});

test('an absent EKU extension allows every usage, so an explicit list without Client Authentication loses it', () => {
  const changes = compareEndpoint(fed({}, leafCert('a', { ekus: null })), fed({}, leafCert('a', { ekus: [SERVER_AUTH] })));
  assert.deepEqual(kinds(changes), ['warning eku-lost']);
  assert.deepEqual(kinds(compareEndpoint(fed({}, leafCert('a', { ekus: [SERVER_AUTH] })), fed({}, leafCert('a', { ekus: [SERVER_AUTH, CLIENT_AUTH, '1.3.6.1.5.5.7.3.4'] })))), [
    'info eku-gained',
    'info eku-gained',
  ]);
});

test('issuer and root changes, trust lost and regained', () => {
  const before = fed();
  const after = fed({ trust: { trusted: false, store: null, root: 'CN=Other Root', reason: 'the root is in no trust store' } }, leafCert('sip.contoso.com', { issuer: 'CN=Other CA' }));
  assert.deepEqual(kinds(compareEndpoint(before, after)), ['info issuer-changed', 'warning root-changed', 'error trust-lost']);
  assert.deepEqual(kinds(compareEndpoint(after, before)), ['info issuer-changed', 'warning root-changed', 'ok trust-regained']);
});

test('protocol and version-matrix changes: a downgrade or an old version accepted again is a warning', () => {
  const tls = (protocol: string, versions: Record<string, boolean>) => fed({ tls: { ...fed().tls, protocol, versions: { 'TLSv1': false, 'TLSv1.1': false, 'TLSv1.2': false, 'TLSv1.3': false, ...versions } } });
  const modern = tls('TLSv1.3', { 'TLSv1.2': true, 'TLSv1.3': true });
  const older = tls('TLSv1.2', { 'TLSv1': true, 'TLSv1.2': true });
  const changes = compareEndpoint(modern, older);
  assert.deepEqual(kinds(changes), ['warning protocol-changed', 'warning versions-changed']);
  assert.equal(changes[1]!.text, 'The server now accepts TLSv1 and no longer accepts TLSv1.3.');
  assert.deepEqual(kinds(compareEndpoint(older, modern)), ['info protocol-changed', 'info versions-changed']);
  assert.deepEqual(kinds(compareEndpoint(modern, tls('TLSv1.3', { 'TLSv1.3': true }))), ['warning versions-changed'], 'TLS 1.2 gone');
});

test('new and resolved comments; ok comments are no news', () => {
  const warn = { id: 'client-eku-missing', severity: 'warning' as const, text: 'No Client Authentication EKU.' };
  const ok = { id: 'cn-match', severity: 'ok' as const, text: 'Common Name Match found.' };
  assert.deepEqual(kinds(compareEndpoint(fed({ comments: [ok] }), fed({ comments: [warn] }))), ['warning comment-new']);
  const resolved = compareEndpoint(fed({ comments: [warn] }), fed({ comments: [ok] }));
  assert.deepEqual(kinds(resolved), ['ok comment-resolved']);
  assert.equal(resolved[0]!.from, 'client-eku-missing');
});

test('reachability lost is an error, regained is ok, and two failures compare nothing else', () => {
  const refused = fed({ error: { code: 'CONNECT_REFUSED', message: 'Connection refused.' }, served: [], chain: [], trust: null, comments: [] });
  const timeout = fed({ error: { code: 'CONNECT_TIMEOUT', message: 'Timed out.' }, served: [], chain: [], trust: null, comments: [] });
  assert.deepEqual(kinds(compareEndpoint(fed(), refused)), ['error reachability-lost']);
  assert.deepEqual(kinds(compareEndpoint(refused, fed())), ['ok reachability-regained']);
  assert.deepEqual(compareEndpoint(refused, timeout), []);
});

test('pool members that appear are info and those that go are a warning, named as pool members', () => {
  const member = (ip: string) => fed({ ip, poolMember: ip !== '127.0.0.10' });
  const changes = compareTarget([member('127.0.0.10'), member('127.0.0.11')], [member('127.0.0.10'), member('127.0.0.12')]);
  assert.deepEqual(
    changes.map((c) => `${c.severity} ${c.kind} ${c.ip}`),
    ['info endpoint-appeared 127.0.0.12', 'warning endpoint-disappeared 127.0.0.11'],
  );
  assert.match(changes[1]!.text, /^Pool member sip\.contoso\.com 127\.0\.0\.11:5061 is gone/);
  assert.equal(changes[1]!.checkedAt, CHECKED, 'dated by the run that noticed');
});

test('a cancelled endpoint was not checked: no change, neither gone nor unreachable', () => {
  const cancelled = fed({ error: { code: 'CANCELLED', message: 'Cancelled.' }, served: [], chain: [], trust: null, comments: [] });
  assert.deepEqual(compareTarget([fed()], [cancelled]), []);
  assert.deepEqual(compareTarget([cancelled], [fed()]), []);
});
