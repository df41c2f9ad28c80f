import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTarget, UsageError, hostPort } from '../shared/engine/target.ts';
import { parseDnsServer, orderSrvRecords } from '../shared/engine/dns.ts';

test('DIR targets: host, host:port, IPv4, [IPv6]:port, bare IPv6', () => {
  assert.deepEqual(parseTarget({ input: 'SIP.Contoso.com', type: 'DIR' }), { input: 'SIP.Contoso.com', type: 'DIR', host: 'sip.contoso.com', port: 443, isIp: false });
  assert.equal(parseTarget({ input: 'sip.contoso.com:5061', type: 'DIR' }).port, 5061);
  assert.equal(parseTarget({ input: 'sip.contoso.com', type: 'DIR', port: 5061 }).port, 5061);
  assert.deepEqual(parseTarget({ input: '10.0.0.1:5061', type: 'DIR' }), { input: '10.0.0.1:5061', type: 'DIR', host: '10.0.0.1', port: 5061, isIp: true });
  assert.deepEqual(parseTarget({ input: '[::1]:5061', type: 'DIR' }), { input: '[::1]:5061', type: 'DIR', host: '::1', port: 5061, isIp: true });
  assert.equal(parseTarget({ input: '2001:db8::5', type: 'DIR', port: 443 }).host, '2001:db8::5');
  assert.equal(hostPort('::1', 5061), '[::1]:5061');
});

test('SRV targets take a domain and no port', () => {
  assert.deepEqual(parseTarget({ input: 'contoso.com', type: 'FED' }), { input: 'contoso.com', type: 'FED', host: 'contoso.com', port: null, isIp: false });
  assert.throws(() => parseTarget({ input: 'contoso.com:5061', type: 'FED' }), /Cannot have both Port and Domain type/);
  assert.throws(() => parseTarget({ input: 'contoso.com', type: 'SIP', port: 5061 }), /Cannot have both Port/);
  assert.throws(() => parseTarget({ input: '10.0.0.1', type: 'SIPINT' }), /not a SIP domain/);
});

test('bad input is a clear usage error', () => {
  for (const input of ['', '   ', 'bad host', 'sip.contoso.com:0', 'sip.contoso.com:65536', 'sip.contoso.com:abc', 'a..b', '-a.com', 'sip.contoso.com:5061:1', '[::1', '<script>']) {
    assert.throws(() => parseTarget({ input, type: 'DIR' }), UsageError, `"${input}" should be rejected`);
  }
});

test('DNS server field: IP or IP:port, IPv4 or IPv6', () => {
  assert.equal(parseDnsServer('8.8.8.8'), '8.8.8.8:53');
  assert.equal(parseDnsServer('127.0.0.1:5353'), '127.0.0.1:5353');
  assert.equal(parseDnsServer('::1'), '[::1]:53');
  assert.equal(parseDnsServer('[::1]:5353'), '[::1]:5353');
  for (const bad of ['dns.google', '1.2.3', '127.0.0.1:0', '[::1]', 'x:53']) assert.throws(() => parseDnsServer(bad), UsageError);
});

test('SRV answers are ordered by priority, then weight (RFC 2782)', () => {
  const r = (priority: number, weight: number, target: string) => ({ name: 's', priority, weight, port: 5061, target });
  assert.deepEqual(orderSrvRecords([r(10, 5, 'c'), r(0, 10, 'b'), r(0, 50, 'a'), r(5, 0, 'd')]).map((x) => x.target), ['a', 'b', 'd', 'c']);
});

test('pasted addresses: the host and port are taken from a URL or a SIP URI', () => {
  const dir = (input: string) => parseTarget({ input, type: 'DIR' });
  assert.deepEqual([dir('https://sip.contoso.com/').host, dir('https://sip.contoso.com/').port], ['sip.contoso.com', 443]);
  assert.deepEqual([dir('https://sip.contoso.com:4443/path?x=1').host, dir('https://sip.contoso.com:4443/path?x=1').port], ['sip.contoso.com', 4443]);
  assert.deepEqual([dir('sip:sip.contoso.com;transport=tls').host, dir('sip:sip.contoso.com;transport=tls').port], ['sip.contoso.com', 5061]);
  assert.deepEqual([dir('sips:edge.contoso.com:5062').host, dir('sips:edge.contoso.com:5062').port], ['edge.contoso.com', 5062]);
  assert.equal(dir('sip:alice@sbc.contoso.com:5067;transport=tls').port, 5067);
  assert.deepEqual([dir('https://[::1]:8443/').host, dir('https://[::1]:8443/').port], ['::1', 8443]);
  assert.equal(parseTarget({ input: 'sip:contoso.com', type: 'FED' }).host, 'contoso.com');
  // The input is kept as typed, for display.
  assert.equal(dir('https://sip.contoso.com/').input, 'https://sip.contoso.com/');
});

test('every input error names the field at fault: host, port, dns-server', () => {
  const fieldOf = (run: () => unknown) => {
    try {
      run();
    } catch (err) {
      assert.ok(err instanceof UsageError);
      return { field: err.field, message: err.message };
    }
    assert.fail('expected a UsageError');
  };
  assert.equal(fieldOf(() => parseTarget({ input: 'sip.contoso.com:99999', type: 'DIR' })).field, 'port');
  assert.equal(fieldOf(() => parseTarget({ input: 'sip.contoso.com', type: 'DIR', port: 99999 })).field, 'port');
  assert.equal(fieldOf(() => parseTarget({ input: 'bad host', type: 'DIR' })).field, 'host');
  assert.equal(fieldOf(() => parseTarget({ input: 'contoso.com:5061', type: 'FED' })).field, 'port');
  assert.equal(fieldOf(() => parseDnsServer('999.1.1.1')).field, 'dns-server');
  const dnsPort = fieldOf(() => parseDnsServer('1.1.1.1:99999'));
  assert.equal(dnsPort.field, 'dns-server');
  assert.match(dnsPort.message, /Invalid DNS server "1\.1\.1\.1:99999"/);
});
