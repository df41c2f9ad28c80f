// The engine under BoringSSL's rules, the TLS library Electron builds Node with. The real BoringSSL
// (Debian's android-libboringssl) is asked about every item of shared/tls/runtime-needs.ts; a preload
// then makes node:tls and node:crypto refuse what it refused, and real CLI checks against loopback
// openssl s_server instances must give the same answers as without the rules. Every server kind of
// test/helpers/server-kinds.ts (ffdhe, CCM, ChaCha, HRR, DHE, TLS 1.0, gnutls, intolerant fronts,
// SSL 3.0/2.0, silence) is checked under the rules too, by test/server-kinds.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeBoringssl, type BoringsslProbe } from './helpers/boringssl.ts';
import { TestPki, type IssuedCert } from './helpers/pki.ts';
import { closedPort, startOpensslServer, type RunningServer } from './helpers/servers.ts';
import { CIPHER_NAMES, DIGESTS, ECDH_CURVES, NOBLE_INSTEAD, TLS_CIPHER_STRINGS } from '../shared/engine/capture/tls/runtime-needs.ts';
import type { EndpointResult } from '../shared/types.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const RULES = './test/helpers/boringssl-rules.ts';
const CHECK_TIMEOUT_MS = 5000;

const probed = probeBoringssl();
const missing = 'missing' in probed ? probed.missing : null;
const probe = probed as BoringsslProbe;
const skip = missing && process.env.CI !== 'true' ? `skipped: ${missing} (apt-get install android-libboringssl python3)` : false;

it('the BoringSSL probe can run (android-libboringssl and python3; required with CI=true)', { skip }, () => {
  assert.equal(missing, null, missing ?? '');
});

describe('what the real BoringSSL accepts', { skip: skip || !!missing }, () => {
  it('refuses what issue 10 says it refuses: ALL:@SECLEVEL=0, aes-128-ccm, chacha20-poly1305, X448, Ed448', () => {
    assert.equal(probe.library, 'BoringSSL');
    assert.equal(probe.cipherStrings['ALL:@SECLEVEL=0'], false);
    assert.equal(probe.cipherNames['aes-128-ccm'], false);
    assert.equal(probe.cipherNames['chacha20-poly1305'], false);
    assert.equal(probe.groups.X448, false);
    assert.equal(probe.keyTypes.X448, false);
    assert.equal(probe.keyTypes.ED448, false);
    assert.equal(probe.signatures.ed448, false);
    assert.equal(probe.publicKeys['rsa-pss'], false, 'RSASSA-PSS public keys');
    assert.equal(probe.suites['DHE-RSA-AES128-GCM-SHA256'], false, 'no DHE suites in its TLS');
    assert.equal(probe.suites['ECDHE-RSA-AES128-GCM-SHA256'], true);
  });

  it('refuses everything the engine does with @noble instead (else NOBLE_INSTEAD is stale)', () => {
    for (const name of NOBLE_INSTEAD.cipherNames) assert.equal(probe.cipherNames[name], false, name);
    for (const name of NOBLE_INSTEAD.curveNames) assert.equal(probe.groups[name], false, name);
    for (const name of NOBLE_INSTEAD.keyTypes) assert.equal(probe.keyTypes[name.toUpperCase()], false, name);
  });

  it('accepts everything else the engine asks of node:tls and node:crypto', () => {
    assert.ok(TLS_CIPHER_STRINGS.some((ciphers) => probe.cipherStrings[ciphers]), 'one cipher string');
    assert.equal(probe.minVersion, true, 'minVersion TLSv1');
    for (const name of Object.values(CIPHER_NAMES)) assert.equal(probe.cipherNames[name], true, name);
    for (const name of Object.values(ECDH_CURVES)) assert.equal(probe.ecdhCurves[name], true, name);
    for (const name of Object.values(DIGESTS)) assert.equal(probe.digests[name], true, name);
    assert.equal(probe.keyTypes.X25519, true);
    assert.equal(probe.keyTypes.ED25519, true);
    for (const [name, verified] of Object.entries(probe.signatures)) if (name !== 'ed448') assert.equal(verified, true, `${name} signatures, MD5 and SHA-1 included`);
  });
});

describe('real checks under the BoringSSL rules', { skip: skip || !!missing }, () => {
  const pki = new TestPki();
  let probeFile: string;
  let chain: IssuedCert[];
  const servers: Record<string, RunningServer> = {};
  // Each server and the s_server arguments that make it special (s_client gets the -ciphersuites too).
  const SERVERS: Record<string, string[]> = {
    default: [],
    legacy: ['-cipher', 'DEFAULT@SECLEVEL=0'], // TLS 1.0 to 1.3: a full version matrix
    ccm8: ['-ciphersuites', 'TLS_AES_128_CCM_8_SHA256', '-no_tls1_2'],
    x448: ['-groups', 'X448', '-no_tls1_2'],
  };

  before(async () => {
    probeFile = join(pki.dir, 'boringssl-probe.json');
    writeFileSync(probeFile, JSON.stringify(probe));
    const root = pki.issue({ cn: 'BoringSSL Test Root', ca: true });
    const ca = pki.issue({ cn: 'BoringSSL Test Issuing CA', ca: true, issuer: root });
    const leaf = pki.issue({ cn: 'sip.contoso.test', sans: ['DNS:sip.contoso.test', 'IP:127.0.0.1'], issuer: ca });
    chain = [leaf, ca];
    for (const [name, args] of Object.entries(SERVERS)) {
      servers[name] = await startOpensslServer({ certPath: leaf.certPath, keyPath: leaf.keyPath, args: ['-cert_chain', ca.certPath, ...args] });
    }
  });
  after(() => Promise.all(Object.values(servers).map((server) => server.close())));

  /** `npm run cli -- check ... --json` in a child process, with or without the BoringSSL rules. */
  function check(withRules: boolean, ...targets: string[]): Promise<EndpointResult[]> {
    const preload = withRules ? ['--import', RULES] : [];
    const args = ['--import', 'tsx', ...preload, 'cli/main.ts', 'check', ...targets, '--json', '--offline', '--timeout', String(CHECK_TIMEOUT_MS)];
    return new Promise((resolve, reject) => {
      execFile(process.execPath, args, { cwd: REPO, env: { ...process.env, BORINGSSL_PROBE: probeFile }, timeout: 120_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
        try {
          resolve((JSON.parse(stdout) as { results: EndpointResult[] }).results);
        } catch {
          reject(new Error(`cli check failed: ${error?.message ?? ''}\n${stderr}`));
        }
      });
    });
  }

  const target = (name: string) => `127.0.0.1:${servers[name]!.port}`;

  /** SHA-1 thumbprints of the chain `openssl s_client -showcerts` receives, in order. */
  function opensslThumbprints(name: string): string[] {
    const at = SERVERS[name]!.indexOf('-ciphersuites');
    const suites = at >= 0 ? SERVERS[name]!.slice(at, at + 2) : [];
    const output = execFileSync('openssl', ['s_client', '-connect', target(name), '-showcerts', ...suites], { input: '', encoding: 'utf8', timeout: 15_000, stdio: ['pipe', 'pipe', 'ignore'] });
    const pems = output.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    return pems.map((pem) => new X509Certificate(pem).fingerprint.replace(/:/g, ''));
  }

  /** What the engine found out about the server (the fields that depend on the runtime's crypto). */
  const facts = (result: EndpointResult) => ({
    error: result.error,
    served: result.served.map((cert) => cert.thumbprint),
    protocol: result.tls.protocol,
    cipher: result.tls.cipher,
    handshakeError: result.tls.handshakeError,
    versions: result.tls.versions,
    suites: result.tls.suites,
  });

  async function assertSameUnderRules(name: string, nodeSeesTheSame = true): Promise<EndpointResult> {
    const [[plain], [ruled]] = await Promise.all([check(false, target(name)), check(true, target(name))]);
    assert.ok(plain && ruled);
    assert.equal(ruled.error, null, JSON.stringify(ruled.error));
    assert.deepEqual(ruled.served.map((cert) => cert.thumbprint), opensslThumbprints(name), 'the chain as openssl s_client receives it');
    assert.deepEqual(ruled.served.map((cert) => cert.thumbprint), chain.map((cert) => cert.thumbprint));
    if (nodeSeesTheSame) assert.deepEqual(facts(ruled), facts(plain));
    else assert.deepEqual({ ...facts(ruled), protocol: null, cipher: null, handshakeError: null }, { ...facts(plain), protocol: null, cipher: null, handshakeError: null });
    return ruled;
  }

  it('a default TLS 1.3 server: chain, protocol, suite and version matrix as without the rules', { timeout: 120_000 }, async () => {
    const result = await assertSameUnderRules('default');
    assert.equal(result.tls.protocol, 'TLSv1.3');
  });

  it('a TLS 1.0-1.3 server: the whole version matrix as without the rules', { timeout: 120_000 }, async () => {
    const result = await assertSameUnderRules('legacy');
    assert.equal(result.tls.versions?.['TLSv1'], true);
  });

  // Node's TLS offers no CCM suite (neither library does by default): its handshake fails alike with and without the rules.
  it('a TLS_AES_128_CCM_8_SHA256-only TLS 1.3 server: the raw client decrypts its certificates', { timeout: 120_000 }, async () => {
    await assertSameUnderRules('ccm8');
  });

  // BoringSSL's own handshake has no X448, so Node's view (protocol, cipher) differs there, truthfully.
  it('an X448-only TLS 1.3 server: the raw client answers the HelloRetryRequest with an X448 share', { timeout: 120_000 }, async () => {
    const result = await assertSameUnderRules('x448', false);
    assert.equal(result.tls.versions?.['TLSv1.3'], true);
  });

  it('no endpoint ends INTERNAL under the rules', { timeout: 180_000 }, async () => {
    const closed = `127.0.0.1:${await closedPort()}`;
    const results = await check(true, ...Object.keys(SERVERS).map(target), closed);
    assert.equal(results.length, Object.keys(SERVERS).length + 1);
    for (const result of results) {
      assert.notEqual(result.error?.code, 'INTERNAL', `${result.target}: ${result.error?.message}`);
      assert.notEqual(result.tls.handshakeError?.code, 'INTERNAL', `${result.target}: ${result.tls.handshakeError?.message}`);
    }
    assert.equal(results.at(-1)!.error?.code, 'CONNECT_REFUSED');
  });

  it('certificate signatures give the same verdicts under the rules (test/signature.test.ts in a child)', { timeout: 180_000 }, async () => {
    await new Promise<void>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', '--import', RULES, '--test', 'test/signature.test.ts'], { cwd: REPO, env: { ...process.env, BORINGSSL_PROBE: probeFile }, timeout: 170_000 }, (error, stdout) =>
        error ? reject(new Error(`signature tests failed under the rules:\n${stdout.split('\n').filter((line) => /not ok|Error|under/.test(line)).join('\n')}`)) : resolve(),
      );
    });
  });
});
