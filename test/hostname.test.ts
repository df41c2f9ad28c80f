// RFC 6125 host-name matching.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchHostname } from '../shared/engine/chain/hostname.ts';
import type { SanEntry } from '../shared/types.ts';

function names(dns: string[], opts: { ips?: string[]; cn?: string | null; other?: SanEntry[] } = {}) {
  const sanEntries: SanEntry[] = [
    ...dns.map((value) => ({ type: 'dns' as const, value })),
    ...(opts.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
    ...(opts.other ?? []),
  ];
  return { san: [...dns, ...(opts.ips ?? [])], sanEntries, commonName: opts.cn ?? null };
}

describe('matchHostname', () => {
  it('matches an exact SAN DNS name, case-insensitively and ignoring a trailing dot', () => {
    assert.deepEqual(matchHostname('sip.contoso.com', names(['sip.contoso.com'])), { matched: true, by: 'san-dns', wildcard: false, name: 'sip.contoso.com' });
    assert.equal(matchHostname('SIP.Contoso.COM', names(['sip.contoso.com'])).matched, true);
    assert.equal(matchHostname('sip.contoso.com.', names(['SIP.CONTOSO.COM'])).matched, true);
    assert.equal(matchHostname('sip.contoso.com', names(['sip.contoso.com.'])).matched, true);
    assert.equal(matchHostname('sip.contoso.com', names(['sip2.contoso.com', 'contoso.com'])).matched, false);
  });

  it('accepts a wildcard only as the whole left-most label, for exactly one label', () => {
    const wildcard = names(['*.contoso.com']);
    assert.deepEqual(matchHostname('a.contoso.com', wildcard), { matched: true, by: 'san-dns', wildcard: true, name: '*.contoso.com' });
    assert.equal(matchHostname('a.b.contoso.com', wildcard).matched, false);
    assert.equal(matchHostname('contoso.com', wildcard).matched, false);
    assert.equal(matchHostname('fa.contoso.com', names(['f*.contoso.com'])).matched, false);
    assert.equal(matchHostname('a.b.contoso.com', names(['a.*.contoso.com'])).matched, false);
    assert.equal(matchHostname('contoso.com', names(['*.com'])).matched, false);
    assert.equal(matchHostname('com', names(['*'])).matched, false);
  });

  it('prefers an exact name over a wildcard', () => {
    const both = names(['*.contoso.com', 'sip.contoso.com']);
    assert.deepEqual(matchHostname('sip.contoso.com', both), { matched: true, by: 'san-dns', wildcard: false, name: 'sip.contoso.com' });
  });

  it('uses the subject CN only when there is no SAN at all', () => {
    assert.deepEqual(matchHostname('sip.contoso.com', names([], { cn: 'sip.contoso.com' })), { matched: true, by: 'cn', wildcard: false, name: 'sip.contoso.com' });
    assert.equal(matchHostname('sip.contoso.com', names(['other.contoso.com'], { cn: 'sip.contoso.com' })).matched, false);
    // Any SAN entry, even a non-DNS one, turns the CN off.
    assert.equal(matchHostname('sip.contoso.com', names([], { cn: 'sip.contoso.com', other: [{ type: 'email', value: 'a@contoso.com' }] })).matched, false);
    assert.equal(matchHostname('a.contoso.com', names([], { cn: '*.contoso.com' })).wildcard, true);
  });

  it('matches IP targets against IP SANs only', () => {
    assert.deepEqual(matchHostname('192.0.2.10', names([], { ips: ['192.0.2.10'] })), { matched: true, by: 'san-ip', wildcard: false, name: '192.0.2.10' });
    assert.equal(matchHostname('192.0.2.10', names(['192.0.2.10'])).matched, false, 'an IP written as a DNS SAN does not count');
    assert.equal(matchHostname('192.0.2.10', names([], { cn: '192.0.2.10' })).matched, false, 'nor does the CN');
    assert.equal(matchHostname('2001:db8::1', names([], { ips: ['2001:DB8:0:0:0:0:0:1'] })).matched, true);
    assert.equal(matchHostname('[2001:db8::1]', names([], { ips: ['2001:db8::1'] })).matched, true);
    assert.equal(matchHostname('::ffff:192.0.2.1', names([], { ips: ['::ffff:c000:201'] })).matched, true);
    assert.equal(matchHostname('192.0.2.11', names([], { ips: ['192.0.2.10'] })).matched, false);
  });

  it('falls back to the plain san list when sanEntries is empty', () => {
    assert.equal(matchHostname('sip.contoso.com', { san: ['sip.contoso.com'], sanEntries: [], commonName: null }).by, 'san-dns');
    assert.equal(matchHostname('192.0.2.10', { san: ['192.0.2.10'], sanEntries: [], commonName: null }).by, 'san-ip');
  });

  it('does not match empty or garbage input', () => {
    assert.equal(matchHostname('', names(['*.contoso.com'])).matched, false);
    assert.equal(matchHostname('.contoso.com', names(['*.contoso.com'])).matched, false);
    assert.equal(matchHostname('sip.contoso.com', names([''])).matched, false);
  });
});
