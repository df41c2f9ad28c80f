// SIP OPTIONS over TLS against real Kamailio (plain and with required client certificates) and small
// Node far ends (an Edge-style 403 with ms-diagnostics, a silent one, an HTTP one). Loopback only.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { sipOptions, sipOptionsRequestFor } from '../shared/engine/sip/options.ts';
import { captureEndpoint } from '../shared/engine/capture/index.ts';
import { ClientCertificateError, loadClientCertificate } from '../shared/engine/sip/client-cert.ts';
import { buildOptionsRequest, parseDiagnostic, SipResponseReader } from '../shared/engine/sip/message.ts';
import { bundle, TestPki, type IssuedCert } from './helpers/pki.ts';
import { kamailioMissing, startKamailio, type RunningKamailio } from './helpers/kamailio.ts';
import { EDGE_DIAGNOSTIC, startSipServer } from './helpers/sip-servers.ts';
import type { RunningServer } from './helpers/servers.ts';

const TIMEOUT = 8000;

describe('the OPTIONS request', () => {
  it('carries every header RFC 3261 section 11 asks for, with the admin domain in From and To', () => {
    const { text, requestUri } = buildOptionsRequest({ host: 'sbc.contoso.test', port: 5061, domain: 'contoso.test', localAddress: '127.0.0.1', localPort: 40000 });
    assert.equal(requestUri, 'sip:sbc.contoso.test:5061;transport=tls');
    const lines = text.split('\r\n');
    assert.equal(lines[0], 'OPTIONS sip:sbc.contoso.test:5061;transport=tls SIP/2.0');
    assert.match(text, /\r\nVia: SIP\/2\.0\/TLS 127\.0\.0\.1:40000;branch=z9hG4bK[0-9a-f]{16}/);
    assert.match(text, /\r\nMax-Forwards: 70\r\n/);
    assert.match(text, /\r\nFrom: <sip:[^@]+@contoso\.test>;tag=[0-9a-f]+\r\n/);
    assert.match(text, /\r\nTo: <sip:contoso\.test>\r\n/);
    for (const header of ['Call-ID', 'CSeq: 1 OPTIONS', 'Contact', 'User-Agent', 'Content-Length: 0']) assert.ok(text.includes(`\r\n${header}`), header);
    assert.ok(text.endsWith('\r\n\r\n'));
  });

  it("takes the admin's SIP domain, else the SIP domain of an SRV target, else the host", () => {
    const endpoint = { host: 'sipfed.contoso.test', ip: '127.0.0.9', port: 5061 };
    const options = { timeoutMs: 1000 };
    assert.equal(sipOptionsRequestFor({ type: 'FED', host: 'contoso.test' }, endpoint, options).domain, 'contoso.test');
    assert.equal(sipOptionsRequestFor({ type: 'DIR', host: 'sipfed.contoso.test' }, endpoint, options).domain, 'sipfed.contoso.test');
    assert.equal(sipOptionsRequestFor({ type: 'FED', host: 'contoso.test' }, endpoint, { ...options, sipDomain: 'fabrikam.test' }).domain, 'fabrikam.test');
    const byIp = sipOptionsRequestFor({ type: 'DIR', host: '127.0.0.9' }, { ...endpoint, host: '127.0.0.9' }, options);
    assert.deepEqual([byIp.servername, byIp.domain], [null, '127.0.0.9']);
  });

  it('reads ms-diagnostics code, reason and source', () => {
    assert.deepEqual(parseDiagnostic('ms-diagnostics', '1047;reason="Failed to complete TLS negotiation";source="sip.contoso.com"'), {
      header: 'ms-diagnostics',
      code: 1047,
      reason: 'Failed to complete TLS negotiation',
      source: 'sip.contoso.com',
      raw: '1047;reason="Failed to complete TLS negotiation";source="sip.contoso.com"',
    });
    assert.equal(parseDiagnostic('ms-diagnostics-public', 'garbage').code, null);
  });
});

describe('the response reader', () => {
  const feed = (reader: SipResponseReader, text: string, size: number) => {
    let step: ReturnType<SipResponseReader['push']> = { kind: 'need-more' };
    for (let at = 0; at < text.length && step.kind === 'need-more'; at += size) step = reader.push(Buffer.from(text.slice(at, at + size), 'latin1'));
    return step;
  };

  it('takes a response one byte at a time, after keep-alive CRLFs and a 100 Trying with a body', () => {
    const text = '\r\n\r\nSIP/2.0 100 Trying\r\nl: 3\r\n\r\nabcSIP/2.0 200 OK\r\nServer: x\r\nContent-Length: 0\r\n\r\n';
    const step = feed(new SipResponseReader(65536), text, 1);
    assert.equal(step.kind, 'final');
    assert.equal(step.kind === 'final' && step.response.statusCode, 200);
  });

  it('takes bare LF line ends, and names what is not SIP', () => {
    const step = feed(new SipResponseReader(65536), 'SIP/2.0 486 Busy Here\nContent-Length: 0\n\n', 7);
    assert.equal(step.kind === 'final' && step.response.reasonPhrase, 'Busy Here');
    assert.deepEqual(feed(new SipResponseReader(65536), 'HTTP/1.1 200 OK\r\n', 3), { kind: 'not-sip', firstLine: 'HTTP/1.1 200 OK' });
  });

  it('stops at its byte bound', () => {
    assert.equal(feed(new SipResponseReader(1024), `SIP/2.0 200 OK\r\nX: ${'a'.repeat(2000)}`, 100).kind, 'too-large');
  });
});

describe('SIP OPTIONS against Node far ends', () => {
  const pki = new TestPki();
  const server = pki.issue({ cn: 'edge.contoso.test', sans: ['DNS:edge.contoso.test'] });
  const running: RunningServer[] = [];
  after(async () => Promise.all(running.map((s) => s.close())));
  const start = async (kind: Parameters<typeof startSipServer>[0]['kind']) => {
    const s = await startSipServer({ host: '127.0.0.41', certPem: server.certPem, keyPem: server.keyPem, kind });
    running.push(s);
    return s;
  };

  it('reports an Edge-style 403 with its diagnostics, across TCP chunks and after a 100 Trying', async () => {
    const s = await start('forbidden-with-diagnostics');
    const result = await sipOptions({ ip: s.host, port: s.port, servername: 'edge.contoso.test', domain: 'fabrikam.test', timeoutMs: TIMEOUT });
    assert.equal(result.outcome, 'refused');
    assert.equal(result.statusCode, 403);
    assert.equal(result.reasonPhrase, 'Forbidden');
    assert.equal(result.server, 'RTC/6.0');
    assert.deepEqual(result.allow, ['INVITE', 'ACK', 'OPTIONS', 'BYE']);
    assert.deepEqual(result.supported, ['timer', '100rel']);
    assert.equal(result.domain, 'fabrikam.test');
    assert.equal(result.requestUri, `sip:edge.contoso.test:${s.port};transport=tls`);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.header, d.code, d.source]),
      [
        ['ms-diagnostics', 1047, 'edge.contoso.test'],
        ['ms-diagnostics-public', 1034, null],
      ],
    );
    assert.equal(result.diagnostics[0]!.raw, EDGE_DIAGNOSTIC);
    assert.equal(result.diagnostics[0]!.reason, 'Failed to complete TLS negotiation with a federated peer');
    assert.ok(result.roundTripMs !== null && result.roundTripMs >= 0);
  });

  it('reports no response when the session stays up but nothing comes back', async () => {
    const s = await start('silent');
    const started = Date.now();
    const result = await sipOptions({ ip: s.host, port: s.port, servername: null, timeoutMs: 1500 });
    assert.equal(result.outcome, 'no-response');
    assert.equal(result.domain, '127.0.0.41');
    assert.match(result.error!.message, /did not answer the SIP OPTIONS within 1500 ms/);
    assert.ok(Date.now() - started < 1500 * 2 + 5000);
  });

  it('reports a non-SIP answer', async () => {
    const s = await start('http');
    const result = await sipOptions({ ip: s.host, port: s.port, servername: null, timeoutMs: TIMEOUT });
    assert.equal(result.outcome, 'not-sip');
    assert.match(result.error!.message, /not SIP: "HTTP\/1\.1 400 Bad Request"/);
  });

  it('stops at once when cancelled', async () => {
    const s = await start('silent');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const result = await sipOptions({ ip: s.host, port: s.port, servername: null, timeoutMs: 60_000, signal: controller.signal });
    assert.equal(result.error?.code, 'CANCELLED');
  });
});

const missing = kamailioMissing();
// CI installs kamailio and kamailio-tls-modules (.ci/run): there a missing one is a failure, never a silent skip.
const skip = missing && process.env.CI !== 'true' ? `skipped: ${missing}` : false;

describe('SIP OPTIONS against Kamailio', { skip }, () => {
  let pki: TestPki;
  let serverCert: IssuedCert;
  let partner: { root: IssuedCert; ca: IssuedCert; leaf: IssuedCert; chainPath: string };
  let stranger: { root: IssuedCert; leaf: IssuedCert };
  let plain: RunningKamailio;
  let mutual: RunningKamailio;
  let mutualTls12: RunningKamailio;

  before(async () => {
    assert.equal(missing, null, missing ?? '');
    pki = new TestPki();
    const serverPki = pki.hierarchy('Kamailio');
    serverCert = pki.issue({ cn: 'sip.kamailio.test', sans: ['DNS:sip.kamailio.test'], issuer: serverPki.ca });
    const partnerPki = pki.hierarchy('Partner');
    const partnerLeaf = pki.issue({ cn: 'sbc.partner.test', sans: ['DNS:sbc.partner.test'], issuer: partnerPki.ca, eku: 'serverAuth, clientAuth' });
    const chainPath = join(pki.dir, 'partner-chain.pem');
    writeFileSync(chainPath, bundle(partnerLeaf, partnerPki.ca));
    partner = { ...partnerPki, leaf: partnerLeaf, chainPath };
    const strangerRoot = pki.issue({ cn: 'Stranger Root CA', ca: true, days: 3650 });
    stranger = { root: strangerRoot, leaf: pki.issue({ cn: 'sbc.stranger.test', issuer: strangerRoot }) };
    const serverChain = join(pki.dir, 'kamailio-chain.pem');
    writeFileSync(serverChain, bundle(serverCert, serverPki.ca));
    [plain, mutual, mutualTls12] = await Promise.all([
      startKamailio({ host: '127.0.0.42', certPath: serverChain, keyPath: serverCert.keyPath }),
      startKamailio({ host: '127.0.0.43', certPath: serverChain, keyPath: serverCert.keyPath, clientCaPath: partner.root.certPath }),
      startKamailio({ host: '127.0.0.44', certPath: serverChain, keyPath: serverCert.keyPath, clientCaPath: partner.root.certPath, method: 'TLSv1.2' }),
    ]);
  });
  after(async () => {
    await Promise.all([plain?.close(), mutual?.close(), mutualTls12?.close()]);
  });

  it('answers OPTIONS with 200, names itself in Server, and the round trip is measured', async () => {
    const result = await sipOptions({ ip: plain.host, port: plain.port, servername: 'sip.kamailio.test', timeoutMs: TIMEOUT });
    assert.equal(result.outcome, 'answered', `${JSON.stringify(result)}\n${plain.log()}`);
    assert.equal(result.statusCode, 200);
    assert.equal(result.reasonPhrase, 'OK');
    assert.match(result.server ?? '', /kamailio/i);
    assert.ok(result.roundTripMs !== null && result.roundTripMs >= 0 && result.roundTripMs < TIMEOUT);
    assert.match(result.tlsProtocol ?? '', /^TLSv1\.[23]$/);
    assert.equal(result.domain, 'sip.kamailio.test');
    assert.equal(result.clientCertificate, null);
  });

  it('takes our certificate (PEM chain, key in a second file) from the CA it trusts, and answers', async () => {
    const credential = loadClientCertificate({ certFile: partner.chainPath, keyFile: partner.leaf.keyPath });
    const result = await sipOptions({ ip: mutual.host, port: mutual.port, servername: 'sip.kamailio.test', timeoutMs: TIMEOUT, clientCertificate: credential });
    assert.equal(result.outcome, 'answered', `${JSON.stringify(result)}\n${mutual.log()}`);
    assert.equal(result.statusCode, 200);
    assert.equal(result.clientCertificate?.verdict, 'accepted');
    assert.equal(result.clientCertificate?.thumbprint, partner.leaf.thumbprint);
    assert.deepEqual(result.clientCertificate?.issuerNames.length, 2, 'the leaf and the issuing CA name their issuers');
  });

  it('takes the same certificate from a PFX with its password', async () => {
    const pfxPath = join(pki.dir, 'partner.pfx');
    execFileSync('openssl', ['pkcs12', '-export', '-in', partner.chainPath, '-inkey', partner.leaf.keyPath, '-out', pfxPath, '-passout', 'pass:Secret-1']);
    const credential = loadClientCertificate({ certFile: pfxPath, password: 'Secret-1' });
    const result = await sipOptions({ ip: mutual.host, port: mutual.port, servername: 'sip.kamailio.test', timeoutMs: TIMEOUT, clientCertificate: credential });
    assert.equal(result.outcome, 'answered', JSON.stringify(result));
    assert.equal(result.clientCertificate?.verdict, 'accepted');
    assert.equal(result.clientCertificate?.thumbprint, partner.leaf.thumbprint);
    assert.throws(() => loadClientCertificate({ certFile: pfxPath, password: 'wrong' }), (error: Error) => error instanceof ClientCertificateError && /password/.test(error.message));
  });

  it('refuses a certificate from another CA with a certificate alert', async () => {
    const credential = loadClientCertificate({ certFile: stranger.leaf.certPath, keyFile: stranger.leaf.keyPath });
    const result = await sipOptions({ ip: mutual.host, port: mutual.port, servername: 'sip.kamailio.test', timeoutMs: TIMEOUT, clientCertificate: credential });
    assert.equal(result.outcome, 'tls-refused', JSON.stringify(result));
    assert.equal(result.alert, 'unknown_ca');
    assert.equal(result.clientCertificate?.verdict, 'refused');
    assert.match(result.error!.message, /alert "unknown_ca": it refused our certificate/);
  });

  it('says a client certificate is wanted when we present none', async () => {
    const result = await sipOptions({ ip: mutual.host, port: mutual.port, servername: 'sip.kamailio.test', timeoutMs: TIMEOUT });
    assert.equal(result.outcome, 'tls-refused', JSON.stringify(result));
    assert.equal(result.alert, 'certificate_required');
    assert.match(result.error!.message, /it wants a client certificate/);
  });

  it('never lets key material into a result, JSON or an inspected credential', async () => {
    const credential = loadClientCertificate({ certFile: partner.chainPath, keyFile: partner.leaf.keyPath });
    const result = await sipOptions({ ip: mutual.host, port: mutual.port, servername: 'sip.kamailio.test', timeoutMs: TIMEOUT, clientCertificate: credential });
    const keyBody = readFileSync(partner.leaf.keyPath, 'utf8').split('\n')[3]!;
    for (const text of [JSON.stringify(result), JSON.stringify({ credential }), inspect(credential, { depth: 10, showHidden: true })]) {
      assert.ok(!text.includes('PRIVATE KEY') && !text.includes(keyBody), text.slice(0, 200));
    }
  });

  it('under TLS 1.2 refuses the stranger during the handshake, and its CA list names our root as we name it', async () => {
    const stranger12 = loadClientCertificate({ certFile: stranger.leaf.certPath, keyFile: stranger.leaf.keyPath });
    const refused = await sipOptions({ ip: mutualTls12.host, port: mutualTls12.port, servername: 'sip.kamailio.test', timeoutMs: TIMEOUT, clientCertificate: stranger12 });
    assert.equal(refused.outcome, 'tls-refused', JSON.stringify(refused));
    assert.equal(refused.alert, 'unknown_ca');
    assert.equal(refused.tlsProtocol, null, 'no session was ever established');
    assert.match(refused.error!.message, /during the TLS handshake/);

    const credential = loadClientCertificate({ certFile: partner.chainPath, keyFile: partner.leaf.keyPath });
    const answered = await sipOptions({ ip: mutualTls12.host, port: mutualTls12.port, servername: 'sip.kamailio.test', timeoutMs: TIMEOUT, clientCertificate: credential });
    assert.equal(answered.outcome, 'answered', JSON.stringify(answered));
    assert.equal(answered.tlsProtocol, 'TLSv1.2');
    // The capture reads the CertificateRequest's CA list; the rules match it against our issuer names.
    const endpoint = { target: 'sip.kamailio.test', type: 'DIR' as const, host: 'sip.kamailio.test', ip: mutualTls12.host, port: mutualTls12.port, poolMember: false, srv: null, srvRecord: null, poolAddresses: [mutualTls12.host] };
    const capture = await captureEndpoint(endpoint, { timeoutMs: TIMEOUT, probeVersions: false });
    assert.equal(capture.tls.clientCertRequested, true);
    assert.ok(capture.tls.acceptableCAs?.includes(answered.clientCertificate!.issuerNames[1]!), `${capture.tls.acceptableCAs} vs ${answered.clientCertificate!.issuerNames}`);
  });

  it('refuses our certificate when it lacks Client Authentication (a serverAuth-only renewal)', async () => {
    const serverOnly = pki.issue({ cn: 'sbc2.partner.test', issuer: partner.ca, eku: 'serverAuth' });
    const chainPath = join(pki.dir, 'server-only-chain.pem');
    writeFileSync(chainPath, bundle(serverOnly, partner.ca));
    const credential = loadClientCertificate({ certFile: chainPath, keyFile: serverOnly.keyPath });
    const result = await sipOptions({ ip: mutual.host, port: mutual.port, servername: 'sip.kamailio.test', timeoutMs: TIMEOUT, clientCertificate: credential });
    assert.equal(result.outcome, 'tls-refused', JSON.stringify(result));
    assert.equal(result.alert, 'unsupported_certificate');
    assert.equal(result.clientCertificate?.verdict, 'refused');
  });
});
