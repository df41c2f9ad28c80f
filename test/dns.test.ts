import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import nodeDns from 'node:dns';
import { spawn } from 'node:child_process';
import { DEFAULT_MAX_ENDPOINTS_PER_TARGET, resolveTarget } from '../shared/engine/dns.ts';
import { createLimiter } from '../shared/engine/limiter.ts';
import { parseTarget } from '../shared/engine/target.ts';
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

/** A second server for the fan-out cases: names that answer at once and names that never do. */
async function startFanOutServer(): Promise<RunningDnsServer> {
  const a: Record<string, string[]> = { 'wide.fanout.test': Array.from({ length: 100 }, (_, i) => `127.0.1.${i + 1}`) };
  const silent: string[] = [];
  for (let i = 0; i < 20; i++) a[`ok${i}.fanout.test`] = [`127.0.2.${i + 1}`];
  for (let i = 0; i < 40; i++) silent.push(`stuck${i}.fanout.test`);
  const srv = {
    '_sipfederationtls._tcp.wide.test': Array.from({ length: 10 }, (_, i) => ({ priority: 0, weight: 10 - i, port: 5061 + i, target: 'wide.fanout.test' })),
    '_sipfederationtls._tcp.stuck.test': silent.map((target, i) => ({ priority: 0, weight: i, port: 5061, target })),
    '_sipfederationtls._tcp.mixed.test': [
      ...silent.slice(0, 4).map((target) => ({ priority: 0, weight: 0, port: 5061, target })),
      ...Array.from({ length: 20 }, (_, i) => ({ priority: 1, weight: 0, port: 5061, target: `ok${i}.fanout.test` })),
    ],
  };
  return startDnsServer({ records: { srv, a, silent } });
}

test('system resolver: names that never answer are cancelled alone and do not starve the ones behind them', async () => {
  const fanOut = await startFanOutServer();
  const systemServers = nodeDns.getServers();
  // "The system resolver" is Node's default one: point it at the loopback server for this test only.
  nodeDns.setServers([fanOut.address]);
  try {
    const system = { dnsServer: null, testPool: true, timeoutMs: 1000 };
    const started = Date.now();
    const stuck = Array.from({ length: 4 }, (_, i) => resolveTarget(parseTarget({ input: `stuck${i}.fanout.test:443`, type: 'DIR' }), system));
    const answered = Array.from({ length: 20 }, (_, i) => resolveTarget(parseTarget({ input: `ok${i}.fanout.test:443`, type: 'DIR' }), system));
    const results = await Promise.all(answered);
    assert.deepEqual(results.map((r) => r.checks[0].kind), Array(20).fill('endpoint'));
    assert.deepEqual((await Promise.all(stuck)).map((r) => r.checks[0].kind === 'failure' && r.checks[0].failure.error.code), Array(4).fill('DNS_TIMEOUT'));
    assert.ok(Date.now() - started < 6000, `took ${Date.now() - started} ms`);
  } finally {
    nodeDns.setServers(systemServers);
    await fanOut.close();
  }
});

test('a process whose lookups timed out exits as soon as its work is done', async () => {
  const fanOut = await startFanOutServer();
  try {
    const dnsModule = new URL('../shared/engine/dns.ts', import.meta.url).href;
    const targetModule = new URL('../shared/engine/target.ts', import.meta.url).href;
    const script = `
      import dns from 'node:dns';
      import { resolveTarget } from ${JSON.stringify(dnsModule)};
      import { parseTarget } from ${JSON.stringify(targetModule)};
      dns.setServers([process.env.FANOUT_DNS]);
      const runs = Array.from({ length: 24 }, (_, i) => resolveTarget(parseTarget({ input: 'stuck' + i + '.fanout.test:443', type: 'DIR' }), { dnsServer: null, testPool: true, timeoutMs: 500 }));
      const codes = (await Promise.all(runs)).map((r) => r.checks[0].failure.error.code);
      console.log(codes.every((c) => c === 'DNS_TIMEOUT') ? 'all timed out' : codes.join());`;
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, FANOUT_DNS: fanOut.address }, stdio: ['ignore', 'pipe', 'inherit'] });
    const killer = setTimeout(() => child.kill(), 30_000);
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    clearTimeout(killer);
    assert.equal(output.trim(), 'all timed out');
    assert.equal(code, 0);
    // tsx start-up takes a few seconds on a loaded machine; a lingering lookup would add 20 s or more.
    assert.ok(Date.now() - started < 12_000, `the process exited after ${Date.now() - started} ms`);
  } finally {
    await fanOut.close();
  }
});

test('SRV targets resolve in parallel: 40 targets that never answer take about one timeout, not 40', async () => {
  const fanOut = await startFanOutServer();
  try {
    const started = Date.now();
    const res = await resolveTarget(parseTarget({ input: 'stuck.test', type: 'FED' }), { dnsServer: fanOut.address, testPool: true, timeoutMs: 500, limit: createLimiter(16) });
    assert.equal(res.checks.length, 40);
    assert.ok(res.checks.every((c) => c.kind === 'failure' && c.failure.error.code === 'DNS_TIMEOUT'));
    assert.ok(Date.now() - started < 8000, `took ${Date.now() - started} ms`);
  } finally {
    await fanOut.close();
  }
});

test('one stuck SRV target does not cancel the lookups of the others', async () => {
  const fanOut = await startFanOutServer();
  try {
    const res = await resolveTarget(parseTarget({ input: 'mixed.test', type: 'FED' }), { dnsServer: fanOut.address, testPool: true, timeoutMs: 800, limit: createLimiter(16) });
    assert.deepEqual(res.checks.map((c) => c.kind), [...Array(4).fill('failure'), ...Array(20).fill('endpoint')]);
  } finally {
    await fanOut.close();
  }
});

test('a target expands to at most maxEndpoints endpoints, in SRV order, and says so', async () => {
  const fanOut = await startFanOutServer();
  try {
    const wide = parseTarget({ input: 'wide.test', type: 'FED' });
    const capped = await resolveTarget(wide, { dnsServer: fanOut.address, testPool: true, timeoutMs: 1500 });
    assert.equal(capped.checks.length, DEFAULT_MAX_ENDPOINTS_PER_TARGET);
    assert.deepEqual(capped.endpointCap, { limit: 64, found: 1000 });
    assert.equal(capped.checks[0].kind === 'endpoint' && capped.checks[0].endpoint.port, 5061);
    const small = await resolveTarget(wide, { dnsServer: fanOut.address, testPool: true, timeoutMs: 1500, maxEndpoints: 5 });
    assert.deepEqual(small.endpointCap, { limit: 5, found: 1000 });
    assert.equal(small.checks.length, 5);
    const uncapped = await resolveTarget(parseTarget({ input: 'contoso.com', type: 'FED' }), opts());
    assert.equal(uncapped.endpointCap, null);
  } finally {
    await fanOut.close();
  }
});
