// "My certificate" on the host side: kept like the trusted roots, the password never on disk in plain
// (encrypted by the host's protector, else in memory for the session), and handed to every run as file
// paths and the password, never taken from the page. The engine is a fake: no network.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMyCertificateStore, type SecretProtector } from '../shared/host/my-certificate.ts';
import { createApiHandlers } from '../shared/host/handlers.ts';
import { ApiInputError, validateCheckRequest } from '../shared/host/validation.ts';
import { loadClientCertificate } from '../shared/engine/sip/client-cert.ts';
import type { CheckEvent } from '../shared/ipc.ts';
import type { CheckRequest } from '../shared/types.ts';
import { TestPki } from './helpers/pki.ts';

const pki = new TestPki();
const leaf = pki.issue({ cn: 'sbc.contoso.test', eku: 'serverAuth, clientAuth' });
const pfxPath = join(pki.dir, 'mine.pfx');
execFileSync('openssl', ['pkcs12', '-export', '-in', leaf.certPath, '-inkey', leaf.keyPath, '-out', pfxPath, '-passout', 'pass:Pfx-Secret-9']);
const pfx = { name: 'mine.pfx', bytes: new Uint8Array(readFileSync(pfxPath)) };
const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sfb-mycert-'));
  dirs.push(dir);
  return dir;
}

/** A stand-in for safeStorage: reversible, and visibly not the plain text. */
const protector: SecretProtector = {
  available: async () => true,
  encrypt: async (secret) => new Uint8Array(Buffer.from(`sealed:${Buffer.from(secret).toString('hex')}`)),
  decrypt: async (sealed) => Buffer.from(Buffer.from(sealed).toString().replace(/^sealed:/, ''), 'hex').toString(),
};

function onDisk(dir: string): string {
  const folder = join(dir, 'my-certificate');
  return readdirSync(folder).map((name) => readFileSync(join(folder, name), 'latin1')).join('\n');
}

test('with a key store: the password is kept encrypted, survives a restart, and the files are owner-only', async () => {
  const dir = dataDir();
  const shown = await createMyCertificateStore(dir, protector).set({ cert: pfx, key: null, password: 'Pfx-Secret-9' });
  assert.equal(shown.subject, leaf.subject);
  assert.equal(shown.thumbprint, leaf.thumbprint);
  assert.equal(shown.password, 'encrypted');
  assert.ok(!onDisk(dir).includes('Pfx-Secret-9'));
  if (process.platform !== 'win32') assert.equal(statSync(join(dir, 'my-certificate', 'certificate')).mode & 0o077, 0);

  const restarted = createMyCertificateStore(dir, protector);
  assert.equal((await restarted.get())?.password, 'encrypted');
  const files = await restarted.forRun();
  assert.equal(files?.password, 'Pfx-Secret-9');
  assert.equal(loadClientCertificate(files!).info?.thumbprint, leaf.thumbprint, 'the engine opens what the store hands over');
});

test('without a key store: the password lives in memory for the session only', async () => {
  const dir = dataDir();
  const store = createMyCertificateStore(dir, null);
  assert.equal((await store.set({ cert: pfx, key: null, password: 'Pfx-Secret-9' })).password, 'session');
  assert.ok(!onDisk(dir).includes('Pfx-Secret-9'));
  assert.equal((await store.forRun())?.password, 'Pfx-Secret-9');
  const restarted = createMyCertificateStore(dir, null);
  assert.equal((await restarted.get())?.password, 'missing');
  assert.equal(await restarted.forRun(), null, 'a certificate that cannot be opened is not used');
  assert.equal(await restarted.remove(), null);
  assert.equal(await restarted.get(), null);
});

test('a PEM with its key in a second file; a wrong password or a key of another certificate is refused in words', async () => {
  const store = createMyCertificateStore(dataDir(), null);
  const cert = { name: 'mine.pem', bytes: new Uint8Array(readFileSync(leaf.certPath)) };
  const key = { name: 'mine.key', bytes: new Uint8Array(readFileSync(leaf.keyPath)) };
  const shown = await store.set({ cert, key, password: null });
  assert.deepEqual([shown.certFileName, shown.keyFileName, shown.password], ['mine.pem', 'mine.key', 'none']);
  await assert.rejects(store.set({ cert: pfx, key: null, password: 'wrong' }), (error: Error) => error instanceof ApiInputError && /password/.test(error.message));
  const other = pki.issue({ cn: 'other.contoso.test' });
  await assert.rejects(store.set({ cert, key: { name: 'other.key', bytes: new Uint8Array(readFileSync(other.keyPath)) }, password: null }), /does not belong/);
});

test('the check request takes the SIP switches; every run gets the stored certificate and never one the page names', async () => {
  const request = validateCheckRequest({
    targets: [{ input: 'sip.contoso.test:5061', type: 'DIR', port: null }],
    options: { dnsServer: null, testPool: true, timeoutMs: 5000, sipOptions: true, sipDomain: ' contoso.test ', clientCert: { certFile: '/etc/shadow' } },
  });
  assert.deepEqual([request.options.sipOptions, request.options.sipDomain], [true, 'contoso.test']);
  assert.throws(() => validateCheckRequest({ targets: [], options: { sipDomain: 5 } }), ApiInputError);

  const seen: CheckRequest[] = [];
  const events: CheckEvent[] = [];
  const dir = dataDir();
  const handlers = createApiHandlers(
    { dataDir: dir, app: { name: 't', version: '0', shell: 'web' }, emit: (event) => events.push(event), openExternal: () => {} },
    { runChecks: async (run) => (seen.push(run), []) },
  );
  const waitDone = async () => {
    while (!events.some((event) => event.kind === 'done')) await new Promise((resolve) => setTimeout(resolve, 10));
    events.length = 0;
  };
  handlers.startCheck(request);
  await waitDone();
  assert.equal(seen[0]!.options.clientCert, undefined, "the page's path is dropped");
  assert.equal(seen[0]!.options.sipOptions, true);

  await handlers.setMyCertificate({ cert: { name: 'mine.pfx', contentBase64: Buffer.from(pfx.bytes).toString('base64') }, password: 'Pfx-Secret-9' });
  assert.equal((await handlers.getMyCertificate())?.subject, leaf.subject);
  handlers.startCheck(request);
  await waitDone();
  assert.equal(seen[1]!.options.clientCert?.certFile, join(dir, 'my-certificate', 'certificate'));
  assert.equal(seen[1]!.options.clientCert?.password, 'Pfx-Secret-9');
  assert.equal(await handlers.removeMyCertificate(), null);
});
