// `check --sip-options` and `--client-cert` end to end, through the CLI, against real Kamailio (plain, and
// one that requires and verifies client certificates). Loopback only.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENT_CERT_PASSWORD_ENV, main } from '../cli/main.ts';
import { resultsToCsv } from '../shared/formats/csv-export.ts';
import type { EndpointResult } from '../shared/types.ts';
import { bundle, TestPki, type IssuedCert } from './helpers/pki.ts';
import { kamailioMissing, startKamailio, type RunningKamailio } from './helpers/kamailio.ts';
import { execFileSync } from 'node:child_process';

/** The test servers' certificates are not publicly trusted: --fail-on never keeps the exit status about the run, not those findings. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv[0] === 'check' ? [...argv, '--fail-on', 'never'] : argv, (text) => (out += text), (text) => (err += text));
  return { code, out, err };
}

const missing = kamailioMissing();
// CI installs kamailio and kamailio-tls-modules (.ci/run): there a missing one is a failure, never a silent skip.
const skip = missing && process.env.CI !== 'true' ? `skipped: ${missing}` : false;

describe('check --sip-options against Kamailio', { skip }, () => {
  let pki: TestPki;
  let partnerChain: string;
  let partnerLeaf: IssuedCert;
  let stranger: IssuedCert;
  let plain: RunningKamailio;
  let mutual: RunningKamailio;
  const at = (server: RunningKamailio) => `${server.host}:${server.port}`;

  before(async () => {
    assert.equal(missing, null, missing ?? '');
    pki = new TestPki();
    const serverPki = pki.hierarchy('Kamailio');
    const serverCert = pki.issue({ cn: 'sip.kamailio.test', sans: ['DNS:sip.kamailio.test'], issuer: serverPki.ca });
    const serverChain = join(pki.dir, 'kamailio-chain.pem');
    writeFileSync(serverChain, bundle(serverCert, serverPki.ca));
    const partner = pki.hierarchy('Partner');
    partnerLeaf = pki.issue({ cn: 'sbc.partner.test', sans: ['DNS:sbc.partner.test'], issuer: partner.ca, eku: 'serverAuth, clientAuth' });
    partnerChain = join(pki.dir, 'partner-chain.pem');
    writeFileSync(partnerChain, bundle(partnerLeaf, partner.ca));
    const strangerRoot = pki.issue({ cn: 'Stranger Root CA', ca: true, days: 3650 });
    stranger = pki.issue({ cn: 'sbc.stranger.test', issuer: strangerRoot, eku: 'serverAuth, clientAuth' });
    [plain, mutual] = await Promise.all([
      startKamailio({ host: '127.0.0.51', certPath: serverChain, keyPath: serverCert.keyPath }),
      startKamailio({ host: '127.0.0.52', certPath: serverChain, keyPath: serverCert.keyPath, clientCaPath: partner.root.certPath }),
    ]);
  });
  after(async () => {
    await Promise.all([plain?.close(), mutual?.close()]);
  });

  it('reports 200, the Server header and the round trip in the text report, the JSON and the CSV', async () => {
    const text = await cli('check', at(plain), '--sip-options', '--sip-domain', 'contoso.test', '--offline', '--timeout', '8000', '--fail-on', 'never');
    // --fail-on never: the untrusted test root is an error comment, which is not what this test is about.
    assert.equal(text.code, 0, text.out + text.err + plain.log());
    assert.match(text.out, /SIP OPTIONS Response:\n {2}Status: SIP\/2\.0 200 OK\n/);
    assert.match(text.out, /\n {2}Server: kamailio/i);
    assert.match(text.out, /\n {2}From\/To domain: contoso\.test\n/);
    assert.match(text.out, /\n {2}Round trip: \d+ ms over TLSv1\.[23]\n/);
    assert.match(text.out, /\(sip-options-ok\)/);

    const { out } = await cli('check', at(plain), '--sip-options', '--offline', '--timeout', '8000', '--json');
    const [result] = JSON.parse(out).results as EndpointResult[];
    assert.equal(result!.sip?.statusCode, 200);
    const csv = resultsToCsv([result!]).split('\r\n');
    assert.ok(csv[0]!.endsWith('"SIP OPTIONS Status","SIP Server","SIP Round Trip (ms)","SIP ms-diagnostics","Client Certificate"'), csv[0]);
    assert.match(csv[1]!, /"SIP\/2\.0 200 OK","kamailio[^"]*","\d+","",""$/i);
  });

  it('sends no OPTIONS without --sip-options', async () => {
    const { out } = await cli('check', at(plain), '--offline', '--timeout', '8000', '--json');
    assert.equal((JSON.parse(out).results as EndpointResult[])[0]!.sip, undefined);
  });

  it('with --client-cert from the CA the far end trusts: the handshake completes and OPTIONS is answered', async () => {
    const { code, out, err } = await cli('check', at(mutual), '--sip-options', '--client-cert', partnerChain, '--client-key', partnerLeaf.keyPath, '--offline', '--timeout', '8000', '--fail-on', 'never');
    assert.equal(code, 0, out + err + mutual.log());
    assert.match(out, /Status: SIP\/2\.0 200 OK/);
    assert.match(out, /Our certificate: CN=sbc\.partner\.test.*: accepted by the far end/);
    assert.match(out, /Client certificate: presented, the handshake completed/);
    assert.match(out, /\(sip-client-cert-accepted\)/);
  });

  it('with a certificate from another CA: "far end refused our certificate (unknown_ca)"', async () => {
    const { out } = await cli('check', at(mutual), '--sip-options', '--client-cert', stranger.certPath, '--client-key', stranger.keyPath, '--offline', '--timeout', '8000');
    assert.match(out, /Our certificate: CN=sbc\.stranger\.test.*: far end refused our certificate \(unknown_ca\)/, out);
    assert.match(out, /Client certificate: presented, refused by the far end/);
    assert.match(out, /\(sip-client-cert-refused\)/);
  });

  it('takes a PFX password from the environment, and a wrong one is a usage error before anything is sent', async () => {
    const pfx = join(pki.dir, 'partner.pfx');
    execFileSync('openssl', ['pkcs12', '-export', '-in', partnerChain, '-inkey', partnerLeaf.keyPath, '-out', pfx, '-passout', 'pass:Secret-1']);
    process.env[CLIENT_CERT_PASSWORD_ENV] = 'Secret-1';
    try {
      const { code, out } = await cli('check', at(mutual), '--sip-options', '--client-cert', pfx, '--offline', '--timeout', '8000', '--fail-on', 'never');
      assert.equal(code, 0, out);
      assert.match(out, /accepted by the far end/);
    } finally {
      delete process.env[CLIENT_CERT_PASSWORD_ENV];
    }
    const wrong = await cli('check', at(mutual), '--sip-options', '--client-cert', pfx, '--client-cert-password', 'wrong');
    assert.equal(wrong.code, 2);
    assert.match(wrong.err, /Usage error: Client certificate .*partner\.pfx: The PFX could not be opened with the password given/);
    assert.ok(!wrong.err.includes('wrong'), 'the password is never echoed');
  });
});

describe('the SIP options on the command line', () => {
  it('refuses --sip-domain without --sip-options, and --client-key without --client-cert', async () => {
    assert.match((await cli('check', '127.0.0.1:5061', '--sip-domain', 'contoso.test')).err, /add --sip-options/);
    assert.match((await cli('check', '127.0.0.1:5061', '--client-key', 'k.pem')).err, /belong to --client-cert/);
    const unreadable = await cli('check', '127.0.0.1:5061', '--client-cert', '/nonexistent/mine.pem');
    assert.equal(unreadable.code, 2);
    assert.match(unreadable.err, /Cannot read \/nonexistent\/mine\.pem: there is no such file/);
    assert.doesNotMatch(unreadable.err, /ENOENT/);
  });
});

describe('the client certificate against a far end that asks for none', { skip }, () => {
  it('says it was not asked for, rather than accepted', async () => {
    const pki = new TestPki();
    const serverCert = pki.issue({ cn: 'sip.plain.test' });
    const mine = pki.issue({ cn: 'sbc.mine.test', eku: 'serverAuth, clientAuth' });
    const plain = await startKamailio({ host: '127.0.0.53', certPath: serverCert.certPath, keyPath: serverCert.keyPath });
    try {
      const { out } = await cli('check', `${plain.host}:${plain.port}`, '--client-cert', mine.certPath, '--client-key', mine.keyPath, '--offline', '--timeout', '8000');
      assert.match(out, /Client certificate: not asked for by the far end/, out);
    } finally {
      await plain.close();
    }
  });
});
