// The SIP OPTIONS check box and "My certificate" through the app's window: Chromium -> browser bridge ->
// web server -> engine -> real Kamailio on loopback (plain, and one that requires client certificates).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { BrowserSuite, browserSkip, pageProblems, SCREENSHOT_DIR } from './helpers/browser.ts';
import { bundle, TestPki } from './helpers/pki.ts';
import { kamailioMissing, startKamailio } from './helpers/kamailio.ts';

const missing = kamailioMissing();
// CI installs kamailio and Chromium (.ci/run): there a missing one is a failure, never a silent skip.
const skip = browserSkip || (missing && process.env.CI !== 'true' ? `skipped: ${missing}` : false);
const PFX_PASSWORD = 'Ui-Secret-7';

describe('SIP OPTIONS and My certificate in the window', { skip }, () => {
  const suite = new BrowserSuite();
  const cleanups: (() => Promise<void>)[] = [];
  let url = '';
  let dataDir = '';
  let plainAt = { host: '', port: 0 };
  let mutualAt = { host: '', port: 0 };
  let pfxPath = '';

  before(async () => {
    assert.equal(missing, null, missing ?? '');
    await suite.build('sfb-ui-sip-');
    mkdirSync(join(suite.workDir, 'pki'));
    const pki = new TestPki(join(suite.workDir, 'pki'));
    const serverPki = pki.hierarchy('Kamailio');
    const serverCert = pki.issue({ cn: 'sip.kamailio.test', sans: ['DNS:sip.kamailio.test'], issuer: serverPki.ca });
    const serverChain = join(pki.dir, 'kamailio-chain.pem');
    writeFileSync(serverChain, bundle(serverCert, serverPki.ca));
    const partner = pki.hierarchy('Partner');
    const leaf = pki.issue({ cn: 'sbc.partner.test', sans: ['DNS:sbc.partner.test'], issuer: partner.ca, eku: 'serverAuth, clientAuth' });
    const chainPath = join(pki.dir, 'partner-chain.pem');
    writeFileSync(chainPath, bundle(leaf, partner.ca));
    pfxPath = join(pki.dir, 'partner.pfx');
    execFileSync('openssl', ['pkcs12', '-export', '-in', chainPath, '-inkey', leaf.keyPath, '-out', pfxPath, '-passout', `pass:${PFX_PASSWORD}`]);

    const [plain, mutual] = await Promise.all([
      startKamailio({ host: '127.0.0.61', certPath: serverChain, keyPath: serverCert.keyPath }),
      startKamailio({ host: '127.0.0.62', certPath: serverChain, keyPath: serverCert.keyPath, clientCaPath: partner.root.certPath }),
    ]);
    cleanups.push(() => plain.close(), () => mutual.close());
    plainAt = { host: plain.host, port: plain.port };
    mutualAt = { host: mutual.host, port: mutual.port };

    const { startWebServer } = await import('../web/server.ts');
    dataDir = join(suite.workDir, 'data');
    const web = await startWebServer({ port: 0, host: '127.0.0.1', dataDir, rendererDir: suite.rendererDir });
    url = web.url;
    cleanups.push(() => web.close());
    await suite.launch();
  });
  after(() => suite.close(cleanups));

  async function screenshot(page: Page, name: string): Promise<void> {
    if (!SCREENSHOT_DIR) return;
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
  }

  async function check(page: Page, at: { host: string; port: number }): Promise<string> {
    await page.getByLabel('Host', { exact: true }).fill(at.host);
    await page.getByLabel('Port', { exact: true }).fill(String(at.port));
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Done: 1 endpoint checked.' }).waitFor({ timeout: 60_000 });
    return page.locator('article.card').innerText();
  }

  test('ticking SIP OPTIONS shows the 200 block with the Server header and the round trip', async () => {
    const { context, page } = await suite.newPage();
    try {
      await page.goto(url);
      const box = page.getByLabel('SIP OPTIONS', { exact: true });
      assert.equal(await box.isChecked(), false, 'off by default');
      await box.check();
      await page.getByLabel('SIP domain (From/To)').fill('contoso.test');
      const text = await check(page, plainAt);
      assert.match(text, /SIP OPTIONS Response:/);
      assert.match(text, /Status:\s*SIP\/2\.0 200 OK/);
      assert.match(text, /Server:\s*kamailio/i);
      assert.match(text, /From\/To domain:\s*contoso\.test/);
      assert.match(text, /Round trip:\s*\d+ ms/);
      assert.deepEqual(pageProblems(page), []);
    } finally {
      await context.close();
    }
  });

  test('My certificate (a PFX with its password) is shown without its key and lets the mutual-TLS far end answer', async () => {
    const { context, page } = await suite.newPage();
    try {
      await page.goto(url);
      await page.getByRole('button', { name: 'My Certificate…' }).click();
      const dialog = page.getByRole('dialog', { name: 'My Certificate' });
      await dialog.getByText(/kept in the server's memory for this session only/).waitFor();
      await dialog.getByLabel(/^Certificate/).setInputFiles(pfxPath);
      await dialog.getByLabel(/^Password/).fill('wrong');
      await dialog.getByRole('button', { name: 'Load' }).click();
      await dialog.getByRole('alert').filter({ hasText: /could not be opened with the password given/ }).waitFor();
      await dialog.getByLabel(/^Password/).fill(PFX_PASSWORD);
      await dialog.getByRole('button', { name: 'Load' }).click();
      const facts = dialog.getByLabel('Loaded certificate');
      await facts.getByText('CN=sbc.partner.test').first().waitFor();
      const shown = await facts.innerText();
      assert.match(shown, /Issuer\s*.*CN=Partner Issuing CA/);
      assert.match(shown, /Expires\s*\d{4}-\d{2}-\d{2}/);
      assert.match(shown, /in memory only/);
      await screenshot(page, 'sip-my-certificate');
      assert.ok(!/PRIVATE KEY/.test(shown));
      assert.equal(await dialog.getByLabel(/^Password/).inputValue(), '', 'the page does not keep the password');
      await dialog.getByRole('button', { name: 'Close', exact: true }).click();

      // Nothing on disk holds the password in plain.
      const stored = readdirSync(join(dataDir, 'my-certificate')).map((name) => readFileSync(join(dataDir, 'my-certificate', name), 'latin1'));
      assert.ok(stored.every((content) => !content.includes(PFX_PASSWORD)));

      await page.getByLabel('SIP OPTIONS', { exact: true }).check();
      const text = await check(page, mutualAt);
      assert.match(text, /Status:\s*SIP\/2\.0 200 OK/);
      assert.match(text, /Our certificate:\s*CN=sbc\.partner\.test.*accepted by the far end/);
      assert.match(text, /Client Certificate:\s*presented, the handshake completed/);
      await page.locator('article.card .section-sip').scrollIntoViewIfNeeded();
      await screenshot(page, 'sip-options-card');
      // The wrong password's refusal is an HTTP 400, which Chromium logs: that one is expected.
      assert.deepEqual(pageProblems(page).filter((problem) => !/status of 400/.test(problem)), []);
    } finally {
      await context.close();
    }
  });
});
