// Issue 13's done-when check, end to end over loopback: a server whose leaf has no Authority Key
// Identifier and a CN that is not in its SAN, under a root the admin trusts (--trust / Trusted Roots).
// The chain is trusted (Windows' verdict) and both strict findings are shown: in the CLI's JSON, in
// the CSV export and on the UI card (Chromium through the web harness).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../cli/main.ts';
import type { EndpointResult } from '../shared/types.ts';
import { BrowserSuite, browserSkip, pageProblems, trustRootInDialog } from './helpers/browser.ts';
import { TestPki, bundle } from './helpers/pki.ts';
import { startTlsServer, type RunningServer } from './helpers/servers.ts';

const STRICT_IDS = ['strict-missing-aki', 'strict-cn-not-in-san'];
const suite = new BrowserSuite();
let server: RunningServer;
let rootPath = '';
let workDir = '';

before(async () => {
  await suite.build('sfb-strict-');
  workDir = suite.workDir;
  mkdirSync(join(workDir, 'pki'));
  const pki = new TestPki(join(workDir, 'pki'));
  const { root, ca } = pki.hierarchy('Strict Test');
  // CN sbc.contoso.test, SAN only sip.contoso.test and 127.0.0.1; openssl adds no AKI (authorityKeyIdentifier = none).
  const leaf = pki.issue({ cn: 'sbc.contoso.test', sans: ['DNS:sip.contoso.test', 'IP:127.0.0.1'], issuer: ca, authorityKeyId: false });
  server = await startTlsServer({ host: '127.0.0.1', certPem: bundle(leaf, ca), keyPem: leaf.keyPem });
  rootPath = root.certPath;
});

after(async () => {
  await suite.close([() => server.close()]);
});

async function cli(...argv: string[]): Promise<string> {
  let out = '';
  await main(argv, (text) => (out += text), () => {});
  return out;
}

test('CLI: the chain is trusted and both strict comments are in the JSON and the CSV export', async () => {
  const csvPath = join(workDir, 'strict.csv');
  const out = await cli('check', `127.0.0.1:${server.port}`, '--trust', rootPath, '--offline', '--timeout', '3000', '--json', '--export', csvPath);
  const [result] = JSON.parse(out).results as EndpointResult[];
  assert.equal(result!.trust?.trusted, true, result!.trust?.reason ?? '');
  const ids = result!.comments.map((c) => c.id);
  for (const id of STRICT_IDS) assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`);
  assert.ok(!ids.includes('chain-not-trusted'));
  const missingAki = result!.comments.find((c) => c.id === 'strict-missing-aki')!;
  assert.equal(missingAki.severity, 'warning');
  assert.match(missingAki.text, /server certificate "sbc\.contoso\.test": Missing Authority Key Identifier/);
  assert.deepEqual(result!.trust?.strictFindings?.map((f) => f.kind).sort(), ['cn-not-in-san', 'missing-aki']);

  const csv = readFileSync(csvPath, 'utf8');
  for (const id of STRICT_IDS) assert.ok(csv.includes(id), `${id} in the CSV`);
  assert.match(csv, /Missing Authority Key Identifier/);
  assert.match(csv, /sbc\.contoso\.test"+ is not one of the Subject Alternative Names/);
});

describe('UI through the web harness', { skip: browserSkip }, () => {
  let url = '';
  const cleanups: (() => Promise<void>)[] = [];

  before(async () => {
    const { startWebServer } = await import('../web/server.ts');
    const web = await startWebServer({ port: 0, host: '127.0.0.1', dataDir: join(workDir, 'data'), rendererDir: suite.rendererDir });
    url = web.url;
    cleanups.push(() => web.close());
    await suite.launch();
  });

  after(async () => {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  });

  test('the card shows the trusted chain and both strict comments', async () => {
    const { context, page } = await suite.newPage();
    try {
      await page.goto(url);
      await page.getByLabel('Host', { exact: true }).waitFor();
      await trustRootInDialog(page, rootPath, 'Strict Test Root CA');
      await page.getByLabel('Host', { exact: true }).fill('127.0.0.1');
      await page.getByLabel('Port', { exact: true }).fill(String(server.port));
      await page.getByRole('button', { name: 'Test', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Done: 1 endpoint checked.' }).waitFor();
      const card = page.locator('article.card');
      for (const id of STRICT_IDS) {
        const comment = card.locator(`li.comment[data-comment-id="${id}"]`);
        assert.equal(await comment.count(), 1, id);
      }
      assert.match(await card.locator('li.comment[data-comment-id="strict-missing-aki"]').innerText(), /Missing Authority Key Identifier/);
      assert.match(await card.locator('li.comment[data-comment-id="strict-cn-not-in-san"]').innerText(), /sbc\.contoso\.test/);
      assert.equal(await card.locator('li.comment[data-comment-id="chain-not-trusted"]').count(), 0, 'the chain is trusted');
      assert.deepEqual(pageProblems(page), []);
    } finally {
      await context.close();
    }
  });
});
