// `npm run cli -- inspect`: certificates from files through the same decode, chain and comments.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../cli/main.ts';
import { TestPki, bundle, type IssuedCert } from './helpers/pki.ts';
import type { EndpointResult } from '../shared/types.ts';

let pki: TestPki;
let root: IssuedCert;
let ca: IssuedCert;
let leaf: IssuedCert;
let files: Record<string, string>;

before(() => {
  pki = new TestPki();
  ({ root, ca } = pki.hierarchy('Inspect'));
  leaf = pki.issue({ cn: 'edge.contoso.com', sans: ['DNS:edge.contoso.com', 'DNS:sip.contoso.com'], issuer: ca, crlUrl: 'http://127.0.0.1:9/x.crl' });
  const file = (name: string, content: string | Buffer) => {
    const path = join(pki.dir, name);
    writeFileSync(path, content);
    return path;
  };
  files = {
    bundle: file('chain.pem', bundle(leaf, ca)),
    leafDer: file('leaf.cer', leaf.der),
    caPem: file('ca.pem', ca.certPem),
    root: file('root.pem', root.certPem),
    garbage: file('garbage.cer', Buffer.from('not a certificate at all')),
  };
  files.p7b = join(pki.dir, 'chain.p7b');
  execFileSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', files.bundle, '-outform', 'DER', '-out', files.p7b]);
});

async function inspect(...argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await main(['inspect', ...argv], (t) => {
    out += t;
  }, () => {});
  return { code, out };
}

const json = async (...argv: string[]): Promise<EndpointResult> => JSON.parse((await inspect(...argv, '--json')).out).results[0];

test('a PEM bundle: decoded, chain built to the trusted root, comments', async () => {
  const r = await json(files.bundle, '--trust', files.root, '--host', 'sip.contoso.com');
  assert.deepEqual(r.served.map((c) => c.thumbprint), [leaf.thumbprint, ca.thumbprint]);
  assert.deepEqual(r.chain.map((c) => c.cert.thumbprint), [leaf.thumbprint, ca.thumbprint, root.thumbprint]);
  assert.equal(r.trust?.trusted, true);
  assert.ok(r.comments.some((c) => c.id === 'name-match'));
  assert.ok(!r.comments.some((c) => c.severity === 'error'), JSON.stringify(r.comments));
});

test('DER and PKCS#7 files read the same; several files make one chain', async () => {
  const fromP7b = await json(files.p7b, '--trust', files.root);
  assert.deepEqual(fromP7b.served.map((c) => c.thumbprint), [leaf.thumbprint, ca.thumbprint]);
  const fromParts = await json(files.leafDer, files.caPem, '--trust', files.root);
  assert.deepEqual(fromParts.served.map((c) => c.thumbprint), [leaf.thumbprint, ca.thumbprint]);
  assert.ok(fromParts.comments.some((c) => c.id === 'ip-target' && /no host name was given/.test(c.text)));
});

test('name and trust faults without a network', async () => {
  const wrong = await json(files.bundle, '--trust', files.root, '--host', 'pool.fabrikam.com');
  assert.ok(wrong.comments.some((c) => c.id === 'name-mismatch'));
  const alone = await json(files.leafDer, '--trust', files.root);
  assert.ok(alone.comments.some((c) => c.id === 'incomplete-chain'));
  const untrusted = await json(files.bundle);
  assert.ok(untrusted.comments.some((c) => c.id === 'untrusted-root'));
});

test('text output prints the built chain and the comments', async () => {
  const { code, out } = await inspect(files.bundle, '--trust', files.root, '--chain');
  assert.equal(code, 0);
  assert.match(out, /Certificate Chain \(as built\):/);
  assert.match(out, /Chain is valid: True/);
  assert.match(out, /Comments:/);
});

test('--save-chain writes the root and intermediates as .cer (DER) and .pem', async () => {
  const dir = join(pki.dir, 'saved');
  const { code } = await inspect(files.bundle, '--trust', files.root, '--save-chain', dir);
  assert.equal(code, 0);
  const saved = readdirSync(dir).sort();
  assert.equal(saved.length, 6);
  const rootCer = saved.find((f) => f.startsWith('Inspect Root CA') && f.endsWith('.cer'));
  assert.ok(rootCer, saved.join(', '));
  assert.deepEqual(readFileSync(join(dir, rootCer)), root.der);
  assert.equal(readFileSync(join(dir, rootCer.replace(/\.cer$/, '.pem')), 'utf8').trim(), root.certPem.trim());
});

test('a file that holds no certificate is a usage error', async () => {
  assert.equal((await inspect(files.garbage)).code, 2);
  assert.equal((await inspect()).code, 2);
  assert.equal((await inspect(join(pki.dir, 'missing.pem'))).code, 2);
});

test('a CA certificate is judged as a CA: no server-certificate rules, ca-certificate says why', async () => {
  const rootResult = await json(files.root, '--trust', files.root);
  const ids = rootResult.comments.map((c) => c.id);
  assert.ok(ids.includes('ca-certificate'), ids.join());
  for (const serverRule of ['self-signed', 'san-missing', 'crl-missing', 'eku-absent', 'ip-target']) assert.ok(!ids.includes(serverRule), `${serverRule} in ${ids.join()}`);
  assert.match(rootResult.comments.find((c) => c.id === 'ca-certificate')!.text, /root CA certificate \(self-signed\), so it was judged as a CA/);
  const intermediate = await json(files.caPem, '--trust', files.root);
  assert.match(intermediate.comments.find((c) => c.id === 'ca-certificate')?.text ?? '', /an intermediate CA certificate/);
  const server = await json(files.bundle, '--trust', files.root);
  assert.ok(!server.comments.some((c) => c.id === 'ca-certificate'), 'a server certificate is judged as one');
});
