// Hardening of the desktop host and the page, beyond what api-host.test.ts (argument validation, the link
// allowlist) and web-server.test.ts (headers, Host/Origin checks) cover:
// 1. the built Electron main process (dist/electron/main.cjs) loaded with a stand-in `electron` module, so it
//    runs without Electron's binary: window options, IPC sender checks, malformed IPC arguments, refused
//    navigation, new windows, webviews and permissions, the app:// protocol, and .csv files opened with the app
//    (paths and file:// URLs); checks through the worker are in electron-checks.test.ts;
// 2. the Content-Security-Policy enforced by Chromium on the real page (through the web server): inline script,
//    eval, inline handlers and foreign scripts do not run and are reported as violations; the page's <meta>
//    policy is the header's, written by the build from the one definition (shared/host/static-files.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build } from '../scripts/build.ts';
import { CONTENT_SECURITY_POLICY, CSP_META_PLACEHOLDER, META_CONTENT_SECURITY_POLICY, pageHtmlWithCsp } from '../shared/host/static-files.ts';
import { API_CHANNELS, MENU_EVENT_CHANNEL } from '../shared/ipc.ts';
import type { RunningWebServer } from '../web/server.ts';
import { FakeWebContents, PAGE_URL, startMainProcess, type FakeBrowserWindow, type RunningMainProcess } from './helpers/electron-stand-in.ts';

const LIST_CSV = 'Domain,Type,Port\r\nsip.contoso.com,DIR,5061\r\ncontoso.com,FED,\r\n';

describe('Electron main process (built main.cjs, stand-in electron module)', () => {
  let workDir: string;
  let main: RunningMainProcess;
  let fake: RunningMainProcess['fake'];
  let win: FakeBrowserWindow;

  before(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'sfb-hardening-'));
    main = await startMainProcess(workDir);
    ({ fake, win } = main);
  });

  after(async () => {
    await main?.quit();
    rmSync(workDir, { recursive: true, force: true });
  });

  const ipcEvent = (overrides?: Parameters<RunningMainProcess['ipcEvent']>[0]) => main.ipcEvent(overrides) as { senderFrame: unknown };
  const invoke = (channel: string, event: unknown, ...args: unknown[]) => main.invoke(channel, event, ...args);

  test('the window is sandboxed and isolated, and the page is loaded from app://', () => {
    assert.equal(fake.state.sandboxEnabled, true);
    const prefs = win.options.webPreferences;
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.webSecurity, true);
    assert.equal(prefs.disableBlinkFeatures, 'Auxclick');
    assert.equal(prefs.nodeIntegrationInSubFrames, undefined);
    assert.equal(prefs.allowRunningInsecureContent, undefined);
    assert.match(String(prefs.preload), /preload\.cjs$/);
    assert.equal(win.loadedUrl, PAGE_URL);
    // The private scheme is standard and secure, and nothing more: no CSP bypass, no CORS, no service workers.
    assert.deepEqual(fake.state.privilegedSchemes, [{ scheme: 'app', privileges: { standard: true, secure: true } }]);
  });

  test('every API channel is registered and refuses callers other than the top frame of our page', async () => {
    assert.deepEqual([...fake.state.ipcHandlers.keys()].sort(), Object.values(API_CHANNELS).sort());
    const strangers = [
      ipcEvent({ sender: new FakeWebContents() }),
      ipcEvent({ frame: { parent: { url: PAGE_URL }, url: PAGE_URL } }),
      ipcEvent({ frame: { parent: null, url: 'https://example.invalid/index.html' } }),
      ipcEvent({ frame: { parent: null, url: 'app://renderer.evil/index.html' } }),
      ipcEvent({ frame: null }),
    ];
    for (const channel of Object.values(API_CHANNELS)) {
      for (const event of strangers) {
        await assert.rejects(async () => invoke(channel, event), /Refused/, `${channel} answered ${JSON.stringify(event.senderFrame)}`);
      }
    }
    assert.deepEqual(await invoke(API_CHANNELS.appInfo, ipcEvent()), { name: 'SfB Certificate Checker', version: '0.0.0-test', shell: 'electron' });
    assert.deepEqual(await invoke(API_CHANNELS.listTrustedRoots, ipcEvent()), []);
  });

  test('malformed arguments over IPC are rejected by validation, not acted on', async () => {
    const bad: [string, unknown[], RegExp][] = [
      [API_CHANNELS.startCheck, [], /check request must be an object/],
      [API_CHANNELS.startCheck, [{ targets: 'sip.contoso.com' }], /targets must be an array/],
      [API_CHANNELS.startCheck, [{ targets: [{ input: 'x', type: 'NOPE' }] }], /type must be one of/],
      [API_CHANNELS.cancelCheck, [42], /runId must be a string/],
      [API_CHANNELS.cancelCheck, ['../../etc/passwd'], /not a run id/],
      [API_CHANNELS.parseList, [{}, 'Domain'], /fileName must be a string/],
      [API_CHANNELS.saveFile, [{ defaultName: 'a.csv', content: 'x', encoding: 'latin1' }], /encoding must be/],
      [API_CHANNELS.addTrustedRoots, ['not-an-array'], /files must be an array/],
      [API_CHANNELS.removeTrustedRoot, ['../../trusted-roots/x'], /thumbprint must be 40 hexadecimal/],
      [API_CHANNELS.openExternal, [{ href: 'https://example.com/' }], /url must be a string/],
    ];
    for (const [channel, args, message] of bad) {
      await assert.rejects(async () => invoke(channel, ipcEvent(), ...args), (err: Error) => err.name === 'ApiInputError' && message.test(err.message), `${channel} ${JSON.stringify(args)}`);
    }
    assert.equal(fake.state.openDialogs, 0);
  });

  test('openExternal refuses other schemes and links the engine did not produce', async () => {
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,<script>1</script>', 'ms-settings:', 'https://example.com/phish', 'http://127.0.0.1:9/']) {
      assert.deepEqual(await invoke(API_CHANNELS.openExternal, ipcEvent(), url), { opened: false }, url);
    }
    assert.deepEqual(fake.state.openedExternally, []);
  });

  test('navigation, webviews and new windows are refused in every web contents', async () => {
    const contents = new FakeWebContents();
    fake.app.emit('web-contents-created', {}, contents);
    for (const eventName of ['will-navigate', 'will-attach-webview']) {
      let prevented = false;
      contents.emit(eventName, { preventDefault: () => void (prevented = true) }, 'https://example.com/');
      assert.equal(prevented, true, `${eventName} was not prevented`);
    }
    assert.ok(contents.windowOpenHandler);
    for (const url of ['https://example.com/', 'javascript:alert(1)', 'file:///etc/passwd', PAGE_URL]) {
      assert.deepEqual(contents.windowOpenHandler({ url, disposition: 'new-window' }), { action: 'deny' }, url);
    }
    // The denied URL is offered to openExternal, which refuses it (never produced by the engine).
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(fake.state.openedExternally, []);
  });

  test('only the clipboard permission is granted', () => {
    const request = fake.state.permissionRequestHandler;
    const check = fake.state.permissionCheckHandler;
    assert.ok(request && check);
    for (const permission of ['geolocation', 'media', 'notifications', 'openExternal', 'fullscreen', 'hid', 'serial', 'clipboard-read']) {
      let granted: boolean | undefined;
      request(win.webContents, permission, (answer: boolean) => (granted = answer));
      assert.equal(granted, false, permission);
      assert.equal(check(win.webContents, permission), false, permission);
    }
    let granted: boolean | undefined;
    request(win.webContents, 'clipboard-sanitized-write', (answer: boolean) => (granted = answer));
    assert.equal(granted, true);
  });

  test('the app:// protocol serves the built renderer only, with the page policy', async () => {
    const serve = fake.state.protocolHandlers.get('app');
    assert.ok(serve);
    const page: Response = await serve({ url: PAGE_URL });
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    assert.match(await page.text(), /app\.js/);
    // Raw URLs as a hostile page could spell them (not normalised first).
    for (const url of ['app://renderer/%2e%2e/electron/main.cjs', 'app://renderer/..%2f..%2fpackage.json', 'app://other/index.html', 'app://renderer/missing.js', 'app://renderer/%E0%A4%A']) {
      const answer: Response = await serve({ url });
      assert.ok(answer.status === 404 || answer.status === 400, `${url}: ${answer.status}`);
    }
  });

  test('a .csv opened with the app is imported through the page, in place of the open dialog', async () => {
    const listPath = join(workDir, 'opened list.csv');
    writeFileSync(listPath, LIST_CSV);
    const menuEvents = () => win.webContents.sent.filter((m) => m.channel === MENU_EVENT_CHANNEL);
    const expectedRows = [
      { input: 'sip.contoso.com', type: 'DIR', port: 5061 },
      { input: 'contoso.com', type: 'FED', port: null },
    ];

    // macOS: open-file event.
    let prevented = false;
    fake.app.emit('open-file', { preventDefault: () => void (prevented = true) }, listPath);
    assert.equal(prevented, true);
    assert.deepEqual(menuEvents().at(-1)?.payload, { action: 'importList' });
    const imported = await invoke(API_CHANNELS.importList, ipcEvent());
    assert.equal(imported.fileName, 'opened list.csv');
    assert.deepEqual(imported.rows, expectedRows);
    assert.equal(fake.state.openDialogs, 0);
    // Once only: the next import shows the dialog again (cancelled here).
    assert.equal(await invoke(API_CHANNELS.importList, ipcEvent()), null);
    assert.equal(fake.state.openDialogs, 1);

    // Windows/Linux: a second start with the file as argument, while the page is still loading.
    win.webContents.loading = true;
    const before = menuEvents().length;
    fake.app.emit('second-instance', {}, ['SfB Certificate Checker.exe', '--allow-file-access', 'opened list.csv'], workDir);
    assert.equal(menuEvents().length, before, 'sent before the page could listen');
    win.webContents.loading = false;
    win.webContents.emit('did-finish-load');
    assert.equal(menuEvents().length, before + 1);
    assert.deepEqual((await invoke(API_CHANNELS.importList, ipcEvent())).rows, expectedRows);

    // Arguments that are not existing .csv files are ignored.
    fake.app.emit('second-instance', {}, ['app', join(workDir, 'missing.csv'), '--x=y.csv', join(workDir, 'dist'), 'https://example.com/list.csv'], workDir);
    assert.equal(menuEvents().length, before + 1);

    // Linux desktop entries pass %U: a file:// URL (percent-encoded), whatever the working directory.
    fake.app.emit('second-instance', {}, ['sfb-cert-checker', pathToFileURL(listPath).href], tmpdir());
    assert.equal(menuEvents().length, before + 2);
    assert.deepEqual((await invoke(API_CHANNELS.importList, ipcEvent())).rows, expectedRows);
  });
});

// ---------------------------------------------------------------- one CSP for header and page

test("the page's <meta> policy is the header policy without the directives a <meta> cannot carry", () => {
  const directives = (policy: string) => policy.split(';').map((d) => d.trim());
  assert.deepEqual(directives(META_CONTENT_SECURITY_POLICY), directives(CONTENT_SECURITY_POLICY).filter((d) => !d.startsWith('frame-ancestors ')));
  assert.match(pageHtmlWithCsp(`<head>${CSP_META_PLACEHOLDER}</head>`), /^<head><meta http-equiv="Content-Security-Policy" content="default-src 'self'; [^"]+" \/><\/head>$/);
  assert.throws(() => pageHtmlWithCsp('<head></head>'), /content-security-policy/);
});

// ---------------------------------------------------------------- CSP in Chromium

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const browserSkip = existsSync(CHROMIUM) ? false : `Chromium is not installed at ${CHROMIUM} (apt-get install chromium): CSP test skipped`;

interface Violation {
  directive: string;
  blocked: string;
}

describe('Content-Security-Policy in Chromium (the page through the web server)', { skip: process.env.CI === 'true' ? false : browserSkip }, () => {
  let workDir: string;
  let server: RunningWebServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'sfb-csp-'));
    const { rendererDir } = await build({ outDir: join(workDir, 'dist'), parts: ['renderer'] });
    const { startWebServer } = await import('../web/server.ts');
    server = await startWebServer({ port: 0, host: '127.0.0.1', dataDir: join(workDir, 'data'), rendererDir });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage();
    // A same-origin script the page may load (script-src 'self'), standing in for compromised page code:
    // it runs, and its eval and new Function are refused. (Code evaluated by the test through DevTools
    // would bypass the policy, so eval is tried from here.)
    await page.route('**/csp-probe.js', (route) =>
      route.fulfill({
        contentType: 'text/javascript',
        body: `window.__probeRan = true;
try { (0, eval)('window.__evalRan = true'); } catch (err) { window.__evalError = err.name; }
try { new Function('window.__functionRan = true')(); } catch (err) { window.__functionError = err.name; }
try { setTimeout('window.__timeoutRan = true', 0); } catch (err) { window.__timeoutError = err.name; }`,
      }),
    );
    // Recorded from the first script on, so violations caused by the app itself would show up too.
    await page.addInitScript(() => {
      const seen: { directive: string; blocked: string }[] = [];
      (window as unknown as { __cspViolations: typeof seen }).__cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push({ directive: e.effectiveDirective, blocked: e.blockedURI }));
    });
    await page.goto(server.url);
    await page.locator('h1').waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  const violations = () => page.evaluate(() => (window as unknown as { __cspViolations: Violation[] }).__cspViolations.slice());

  test('the app itself runs under the policy without violating it', async () => {
    assert.equal(await page.locator('h1').textContent(), 'SfB Certificate Checker');
    assert.deepEqual(await violations(), []);
  });

  test('the built page carries the same policy in its <meta> tag (for a page opened without our headers)', async () => {
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.equal(meta, META_CONTENT_SECURITY_POLICY);
  });

  test('inline script, eval, string timers, inline handlers and foreign scripts are blocked and reported', async () => {
    const outcome = await page.evaluate(async () => {
      const flags = window as unknown as Record<string, unknown>;
      const inline = document.createElement('script');
      inline.textContent = 'window.__inlineRan = true;';
      document.body.append(inline);

      const probe = document.createElement('script');
      probe.src = '/csp-probe.js';
      const probeLoaded = new Promise((resolve) => probe.addEventListener('load', resolve));
      document.body.append(probe);
      await probeLoaded;

      const handler = document.createElement('img');
      handler.setAttribute('onerror', 'window.__handlerRan = true');
      handler.src = 'data:image/png;base64,AAAA';
      document.body.append(handler);

      const foreign = document.createElement('script');
      foreign.src = 'http://127.0.0.2:9/evil.js'; // loopback: never leaves the machine even if it were fetched
      document.body.append(foreign);

      await new Promise((resolve) => setTimeout(resolve, 300));
      return {
        probeRan: flags.__probeRan,
        ran: [flags.__inlineRan, flags.__evalRan, flags.__functionRan, flags.__timeoutRan, flags.__handlerRan],
        errors: [flags.__evalError, flags.__functionError],
      };
    });
    assert.equal(outcome.probeRan, true, 'a same-origin script must still run');
    assert.deepEqual(outcome.ran, [undefined, undefined, undefined, undefined, undefined]);
    assert.deepEqual(outcome.errors, ['EvalError', 'EvalError']);
    const reported = await violations();
    const directives = new Set(reported.map((v) => v.directive));
    for (const directive of ['script-src-elem', 'script-src', 'script-src-attr']) assert.ok(directives.has(directive), `no ${directive} violation in ${JSON.stringify(reported)}`);
    assert.ok(reported.some((v) => v.blocked === 'inline'), 'inline script not reported');
    assert.ok(reported.some((v) => v.blocked === 'eval'), 'eval not reported');
    assert.ok(reported.some((v) => v.blocked.startsWith('http://127.0.0.2:9/')), 'foreign script not reported');
  });
});
