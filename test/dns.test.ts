import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolveTarget } from '../shared/dns.ts';
import { parseTarget } from '../shared/target.ts';
import { startDnsServer, type RunningDnsServer } from './helpers/servers.ts';

let dns: RunningDnsServer;
before(async () => {
  dns = await startDnsServer({
    records: {
      srv: {
        '_sipfederationtls._tcp.contoso.com': [
          { priority: 10, weight: 0, port: 5062, target: 'backup.contoso.com' },
          { priority: 0, weight: 10, port: 5061, target: 'sip.contoso.com' },
        ],
        '_sip._tls.dangling.com': [{ priority: 0, weight: 0, port: 5061, target: 'nowhere.dangling.com' }],
        '_sip._tls.notoffered.com': [{ priority: 0, weight: 0, port: 0, target: '.' }],
      },
      a: { 'sip.contoso.com': ['127.0.0.2', '127.0.0.3', '127.0.0.4'], 'backup.contoso.com': ['127.0.0.5'] },
      aaaa: { 'sip.contoso.com': ['::1'] },
      silent: ['slow.contoso.com'],
      refused: ['refused.contoso.com'],
    },
  });
});
after(() => dns.close());

const opts = () => ({ dnsServer: dns.address, testPool: true, timeoutMs: 1500 });

test('FED SRV: ordered records, every target, every pool address through the named server', async () => {
  const res = await resolveTarget(parseTarget({ input: 'contoso.com', type: 'FED' }), opts());
  assert.equal(res.srvName, '_sipfederationtls._tcp.contoso.com');
  assert.deepEqual(res.srvRecords.map((r) => r.target), ['sip.contoso.com', 'backup.contoso.com']);
  const endpoints = res.checks.map((c) => (c.kind === 'endpoint' ? c.endpoint : null));
  assert.deepEqual(endpoints.map((e) => `${e?.host} ${e?.ip}:${e?.port} ${e?.poolMember}`), [
    'sip.contoso.com 127.0.0.2:5061 false',
    'sip.contoso.com 127.0.0.3:5061 true',
    'sip.contoso.com 127.0.0.4:5061 true',
    'sip.contoso.com ::1:5061 true',
    'backup.contoso.com 127.0.0.5:5062 false',
  ]);
  assert.equal(endpoints[0]?.srv, '_sipfederationtls._tcp.contoso.com');
  assert.deepEqual(endpoints[0]?.poolAddresses, ['127.0.0.2', '127.0.0.3', '127.0.0.4', '::1']);
  // The SRV target's addresses came from the named server too.
  assert.ok(dns.queries.includes('A sip.contoso.com'));
});

test('Test DNSLB Pool off tests only the first address', async () => {
  const res = await resolveTarget(parseTarget({ input: 'sip.contoso.com:5061', type: 'DIR' }), { ...opts(), testPool: false });
  assert.equal(res.checks.length, 1);
  assert.equal(res.checks[0].kind === 'endpoint' && res.checks[0].endpoint.ip, '127.0.0.2');
});

test('an IP target needs no DNS', async () => {
  const res = await resolveTarget(parseTarget({ input: '127.0.0.9:5061', type: 'DIR' }), opts());
  assert.equal(res.checks[0].kind === 'endpoint' && res.checks[0].endpoint.host, '127.0.0.9');
});

test('DNS failures are results: NXDOMAIN, no SRV, dangling target, not offered, refused, silent server', async () => {
  const failure = async (input: string, type: 'DIR' | 'FED' | 'SIP') => {
    const res = await resolveTarget(parseTarget({ input, type }), opts());
    assert.equal(res.checks.length, 1);
    const check = res.checks[0];
    assert.equal(check.kind, 'failure');
    return check.kind === 'failure' ? check.failure.error : null;
  };
  assert.equal((await failure('nothere.contoso.com:443', 'DIR'))?.code, 'DNS_NXDOMAIN');
  const noSrv = await failure('fabrikam.com', 'FED');
  assert.equal(noSrv?.code, 'DNS_NXDOMAIN');
  assert.match(noSrv!.message, /Non-existent domain: SRV _sipfederationtls\._tcp\.fabrikam\.com/);
  const dangling = await failure('dangling.com', 'SIP');
  assert.match(dangling!.message, /No Hostname resolved for: nowhere\.dangling\.com/);
  assert.match((await failure('notoffered.com', 'SIP'))!.message, /No Port resolved/);
  assert.equal((await failure('refused.contoso.com:443', 'DIR'))?.code, 'DNS_REFUSED');
  const started = Date.now();
  assert.equal((await failure('slow.contoso.com:443', 'DIR'))?.code, 'DNS_TIMEOUT');
  assert.ok(Date.now() - started < 3000, 'a silent DNS server is given up on within the timeout');
});
