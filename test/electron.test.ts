// The desktop app, driven by Playwright: the window opens, the page sees exactly the contract as
// window.certChecker, nothing of Node (require, process) leaks into the renderer, and a real check of a
// loopback TLS server runs through the window in the check worker (a utility process).
// Electron's binary is downloaded lazily and cannot be fetched on machines without a route to its host:
// there this test is skipped (also in CI).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron } from 'playwright-core';
import { build } from '../scripts/build.ts';
import { electronBinaryPath } from '../scripts/start.ts';
import { API_CHANNELS, type CheckEvent } from '../shared/ipc.ts';
import { TestPki } from './helpers/pki.ts';
import { startTlsServer } from './helpers/servers.ts';

const binary = electronBinaryPath();
const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;

test('the desktop window exposes only the contract to a sandboxed page', { timeout: 120_000 }, async (t) => {
  if (!binary) {
    t.skip('Electron binary not installed (cannot be downloaded here): skipping the desktop-app test');
    return;
  }
  if (noDisplay) {
    t.skip('No display (DISPLAY/WAYLAND_DISPLAY unset): skipping the desktop-app test');
    return;
  }
  const workDir = mkdtempSync(join(tmpdir(), 'sfb-electron-'));
  t.after(() => rmSync(workDir, { recursive: true, force: true }));
  const outDir = join(workDir, 'app');
  await build({ outDir });
  // Electron reads name and version from the package.json of the app directory it is started on.
  writeFileSync(join(outDir, 'package.json'), JSON.stringify({ name: 'sfb-cert-checker', productName: 'SfB Certificate Checker', version: '0.0.0-test', main: 'electron/main.cjs' }));

  // Chromium refuses to start as root without --no-sandbox (the OS-level sandbox; the renderer's own
  // sandbox and context isolation are what this test checks).
  const args = process.getuid?.() === 0 ? ['--no-sandbox', outDir] : [outDir];
  const app = await _electron.launch({ executablePath: binary, args, env: { ...process.env, SFB_USER_DATA_DIR: join(workDir, 'user-data') } as Record<string, string> });
  t.after(() => app.close());

  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  assert.match(page.url(), /^app:\/\/renderer\/index\.html$/);

  const exposed = await page.evaluate(() => ({
    type: typeof window.certChecker,
    keys: Object.keys(window.certChecker ?? {}).sort(),
    require: typeof (globalThis as { require?: unknown }).require,
    process: typeof (globalThis as { process?: unknown }).process,
    module: typeof (globalThis as { module?: unknown }).module,
  }));
  assert.equal(exposed.type, 'object');
  assert.deepEqual(exposed.keys, [...Object.keys(API_CHANNELS), 'onCheckEvent', 'onMenu'].sort());
  assert.equal(exposed.require, 'undefined');
  assert.equal(exposed.process, 'undefined');
  assert.equal(exposed.module, 'undefined');

  const info = await page.evaluate(() => window.certChecker!.appInfo());
  assert.deepEqual(info, { name: 'SfB Certificate Checker', version: '0.0.0-test', shell: 'electron' });
  assert.deepEqual(await page.evaluate(() => window.certChecker!.listTrustedRoots()), []);
  assert.deepEqual(await page.evaluate(() => window.certChecker!.openExternal('javascript:alert(1)')), { opened: false });

  // Navigation away from the app is refused.
  await page.evaluate(() => {
    window.location.href = 'http://127.0.0.1:9/'; // loopback: nothing leaves the machine even if this went wrong
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.match(page.url(), /^app:\/\/renderer\//);

  // A real check through the window: the page asks, the worker checks, the events come back to the page.
  const pki = new TestPki();
  const { ca } = pki.hierarchy('DesktopApp');
  const leaf = pki.issue({ cn: 'sip.desktop.test', sans: ['DNS:sip.desktop.test', 'IP:127.0.0.1'], issuer: ca });
  const tlsServer = await startTlsServer({ host: '127.0.0.1', certPem: leaf.certPem + ca.certPem, keyPem: leaf.keyPem });
  t.after(() => tlsServer.close());
  const run = await page.evaluate(async (port) => {
    const api = window.certChecker!;
    const events: CheckEvent[] = [];
    api.onCheckEvent((event) => events.push(event));
    const { runId } = await api.startCheck({
      targets: [{ input: `127.0.0.1:${port}`, type: 'DIR', port: null }],
      options: { dnsServer: null, testPool: false, timeoutMs: 5000, offline: true },
    });
    const deadline = Date.now() + 30_000;
    while (!events.some((e) => e.kind === 'done' && e.runId === runId) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    return { runId, events: events.filter((e) => e.runId === runId) };
  }, tlsServer.port);
  assert.deepEqual(run.events.at(-1), { kind: 'done', runId: run.runId, cancelled: false, error: null });
  const results = run.events.flatMap((e) => (e.kind === 'result' ? [e.result] : []));
  assert.equal(results.length, 1);
  assert.deepEqual(results[0].served.map((c) => c.thumbprint), [leaf.thumbprint, ca.thumbprint]);
  assert.ok(run.events.some((e) => e.kind === 'progress'), 'progress events reach the page');
  // The engine ran in its own utility process, not in the main process.
  const processes = await app.evaluate(({ app: electronApp }) => electronApp.getAppMetrics().map((m) => ({ type: m.type, names: [m.name ?? '', m.serviceName ?? ''] })));
  assert.ok(
    processes.some((p) => p.type === 'Utility' && p.names.some((name) => name.endsWith(' checks'))),
    `no check worker among ${JSON.stringify(processes)}`,
  );
});
