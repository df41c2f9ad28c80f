// How the page picks its API: the preload's window.certChecker, the browser bridge only over http(s), and
// a visible error page (not a silent fall-back to HTTP) when the desktop app's preload is missing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { chooseApi, isApiUnavailable } from '../renderer/api-choice.ts';
import type { CertCheckerApi } from '../shared/ipc.ts';
import { browserSkip, buildRenderer, launchChromium, newPage } from './helpers/browser.ts';

const preloadApi = { appInfo: async () => ({ name: 'x', version: '0', shell: 'electron' }) } as unknown as CertCheckerApi;
const bridgeApi = { appInfo: async () => ({ name: 'x', version: '0', shell: 'web' }) } as unknown as CertCheckerApi;
const webBridge = () => bridgeApi;

test('the preload API wins wherever the page is; the web bridge only over http(s)', () => {
  assert.equal(chooseApi({ certChecker: preloadApi, location: { protocol: 'app:' } }, webBridge), preloadApi);
  assert.equal(chooseApi({ certChecker: preloadApi, location: { protocol: 'http:' } }, webBridge), preloadApi);
  assert.equal(chooseApi({ location: { protocol: 'http:' } }, webBridge), bridgeApi);
  assert.equal(chooseApi({ location: { protocol: 'https:' } }, webBridge), bridgeApi);
});

test('in the desktop app (app://) or from a file, a missing preload is an error, not the web bridge', () => {
  for (const protocol of ['app:', 'file:']) {
    let bridged = false;
    const choice = chooseApi({ location: { protocol } }, () => ((bridged = true), bridgeApi));
    assert.ok(isApiUnavailable(choice), protocol);
    assert.match(choice.error, /preload/);
    assert.equal(bridged, false, `${protocol}: the web bridge was made`);
  }
});

describe('the page without its preload (Chromium)', { skip: process.env.CI === 'true' ? false : browserSkip }, () => {
  let workDir: string;
  let rendererDir: string;
  let browser: Browser;

  before(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'sfb-ui-startup-'));
    rendererDir = await buildRenderer(workDir);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  test('shows what is wrong instead of the app, and asks no server', async () => {
    const { page, problems } = await newPage(browser);
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(pathToFileURL(join(rendererDir, 'index.html')).href);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /cannot start[\s\S]*preload script failed/);
    assert.equal(await page.locator('form').count(), 0, 'the app itself must not render');
    assert.deepEqual(problems.filter((p) => !/preload script failed/.test(p)), []);
    assert.ok(problems.some((p) => /preload script failed/.test(p)), 'the error is also logged to the console');
    assert.deepEqual(requested.filter((url) => !url.startsWith('file:')), []);
  });
});
