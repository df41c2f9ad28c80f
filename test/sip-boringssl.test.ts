// The SIP OPTIONS client and "My certificate" under BoringSSL, the TLS library Electron builds Node with:
// the real BoringSSL opens the PFX shapes admins export, and OPTIONS with a client certificate against
// Kamailio gives the same answers under the BoringSSL rules (test/helpers/boringssl-rules.ts).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeBoringssl } from './helpers/boringssl.ts';
import { bundle, TestPki, type IssuedCert } from './helpers/pki.ts';
import { kamailioMissing, startKamailio, type RunningKamailio } from './helpers/kamailio.ts';
import { ClientCertificateError, loadClientCertificate } from '../shared/engine/sip/client-cert.ts';
import type { SipOptionsResult } from '../shared/types.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const PKCS12_PROBE = fileURLToPath(new URL('./helpers/boringssl-pkcs12.py', import.meta.url));
const TIMEOUT = 8000;

const probed = probeBoringssl();
const missing = 'missing' in probed ? probed.missing : kamailioMissing();
// CI installs android-libboringssl, python3 and kamailio (.ci/run): there a missing one fails, never skips.
const skip = missing && process.env.CI !== 'true' ? `skipped: ${missing}` : false;

describe('My certificate under BoringSSL', { skip }, () => {
  const pki = new TestPki();
  let partnerRoot: IssuedCert;
  let leaf: IssuedCert;
  let chainPath: string;
  let probeFile: string;
  let kamailio: RunningKamailio;

  before(async () => {
    assert.equal(missing, null, missing ?? '');
    probeFile = join(pki.dir, 'boringssl-probe.json');
    writeFileSync(probeFile, JSON.stringify(probed));
    const partner = pki.hierarchy('Partner');
    partnerRoot = partner.root;
    leaf = pki.issue({ cn: 'sbc.partner.test', issuer: partner.ca });
    chainPath = join(pki.dir, 'chain.pem');
    writeFileSync(chainPath, bundle(leaf, partner.ca));
    const server = pki.issue({ cn: 'sip.kamailio.test', sans: ['DNS:sip.kamailio.test'] });
    kamailio = await startKamailio({ host: '127.0.0.45', certPath: server.certPath, keyPath: server.keyPath, clientCaPath: partnerRoot.certPath });
  });
  after(async () => kamailio?.close());

  it('the real BoringSSL opens PFX files protected with AES (OpenSSL 3 default), 3DES (Windows) and RC2 (legacy)', () => {
    const shapes: Record<string, string[]> = {
      aes: [],
      tripleDes: ['-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'],
      rc2: ['-legacy'],
    };
    const files = Object.fromEntries(
      Object.entries(shapes).map(([name, args]) => {
        const path = join(pki.dir, `${name}.pfx`);
        execFileSync('openssl', ['pkcs12', '-export', ...args, '-in', chainPath, '-inkey', leaf.keyPath, '-out', path, '-passout', 'pass:Pfx-Secret']);
        return [name, path];
      }),
    );
    const run = spawnSync('python3', [PKCS12_PROBE], { input: JSON.stringify(Object.values(files).map((path) => ({ path, password: 'Pfx-Secret' }))), encoding: 'utf8', timeout: 30_000 });
    assert.equal(run.status, 0, run.stderr);
    const opened = JSON.parse(run.stdout) as Record<string, boolean>;
    for (const [name, path] of Object.entries(files)) assert.equal(opened[path], true, name);
    // Node's OpenSSL 3 (the CLI) opens AES and 3DES but not RC2: the admin is told what to do instead.
    assert.equal(loadClientCertificate({ certFile: files.aes!, password: 'Pfx-Secret' }).info?.thumbprint, leaf.thumbprint);
    assert.equal(loadClientCertificate({ certFile: files.tripleDes!, password: 'Pfx-Secret' }).info?.thumbprint, leaf.thumbprint);
    assert.throws(
      () => loadClientCertificate({ certFile: files.rc2!, password: 'Pfx-Secret' }),
      (error: Error) => error instanceof ClientCertificateError && /RC2 or 3DES.*AES-256.*openssl pkcs12 -legacy/.test(error.message),
    );
  });

  /** One OPTIONS in a child process under the BoringSSL rules. */
  function optionsUnderRules(extra: { certFile?: string; keyFile?: string }): Promise<SipOptionsResult> {
    const args = JSON.stringify({ ip: kamailio.host, port: kamailio.port, servername: 'sip.kamailio.test', timeoutMs: TIMEOUT, ...extra });
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', '--import', './test/helpers/boringssl-rules.ts', 'test/helpers/sip-options-run.ts', args],
        { cwd: REPO, env: { ...process.env, BORINGSSL_PROBE: probeFile }, timeout: 60_000 },
        (error, stdout, stderr) => {
          try {
            resolve(JSON.parse(stdout) as SipOptionsResult);
          } catch {
            reject(new Error(`sip-options-run failed: ${error?.message ?? ''}\n${stderr}`));
          }
        },
      );
    });
  }

  it('OPTIONS with our certificate is answered, and a stranger refused, with the cipher selection BoringSSL takes', async () => {
    const accepted = await optionsUnderRules({ certFile: chainPath, keyFile: leaf.keyPath });
    assert.equal(accepted.outcome, 'answered', JSON.stringify(accepted));
    assert.equal(accepted.clientCertificate?.verdict, 'accepted');
    const stranger = pki.issue({ cn: 'sbc.stranger.test' });
    const refused = await optionsUnderRules({ certFile: stranger.certPath, keyFile: stranger.keyPath });
    assert.equal(refused.outcome, 'tls-refused', JSON.stringify(refused));
    assert.equal(refused.clientCertificate?.verdict, 'refused');
  });
});
