// The React renderer, tested three ways:
// 1. pure functions (target expansion, card text) and the store against a fake API, no browser;
// 2. the UI in headless Chromium with a fake window.certChecker injected (canned results);
// 3. the whole path: Chromium -> browser bridge -> web server -> engine -> loopback TLS and DNS servers.
// Set UI_SCREENSHOT_DIR to keep 1280x800 screenshots of what the tests saw.
import { toPem } from '../shared/bytes.ts';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import type { CertCheckerApi, CheckEvent } from '../shared/ipc.ts';
import type { EndpointResult } from '../shared/types.ts';
import { cardSections, cardText, formatDate, hostPort } from '../renderer/format.ts';
import { dnsServerError, expandTargets, parsePorts, portColumn } from '../renderer/targets.ts';
import { createAppStore } from '../renderer/store/index.ts';
import { BrowserSuite, browserSkip, CHROMIUM, chromiumCheckSkip, haveChromium, pageProblems, SCREENSHOT_DIR, trustRootInDialog } from './helpers/browser.ts';
import { fakeResult } from './helpers/fake-results.ts';
import { expectedSweepNames } from './helpers/sweep-names.ts';

// CI must have the browser: there a missing Chromium fails instead of skipping.
test('Chromium is available for the UI tests', { skip: chromiumCheckSkip }, () => {
  assert.ok(haveChromium, `${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium) for the UI tests`);
});

// ---------------------------------------------------------------- fixtures

/** Three cards of one SRV target whose name resolves to a pool of three addresses. */
function fakePoolResults(): EndpointResult[] {
  const pool = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
  return pool.map((ip, index) =>
    fakeResult({
      target: 'contoso.com',
      type: 'FED',
      host: 'sipfed.contoso.com',
      ip,
      port: 5061,
      poolMember: index > 0,
      srv: '_sipfederationtls._tcp.contoso.com',
      srvRecord: { name: '_sipfederationtls._tcp.contoso.com', priority: 0, weight: 0, port: 5061, target: 'sipfed.contoso.com' },
      poolAddresses: pool,
    }),
  );
}

const REFUSED_RESULT = fakeResult({
  target: 'sip.contoso.com:5062',
  port: 5062,
  error: { code: 'CONNECT_REFUSED', message: 'Connection refused by 127.0.0.5:5062: nothing is listening on that port, or a firewall rejects it.' },
  tls: { protocol: null, cipher: null, handshakeMs: null, handshakeError: null, authorized: null, authorizationError: null },
  served: [],
  chain: [],
  trust: null,
  servedChain: null,
  comments: [],
  rootLinks: [],
});

// ---------------------------------------------------------------- 1. pure functions and the store

describe('renderer logic', () => {
  test('expandTargets makes one row per host x port; SRV types ignore the Port field', () => {
    assert.deepEqual(expandTargets('a.contoso.com, b.contoso.com', '443,5061', null).rows, [
      { input: 'a.contoso.com', type: 'DIR', port: 443 },
      { input: 'a.contoso.com', type: 'DIR', port: 5061 },
      { input: 'b.contoso.com', type: 'DIR', port: 443 },
      { input: 'b.contoso.com', type: 'DIR', port: 5061 },
    ]);
    assert.deepEqual(expandTargets('contoso.com,fabrikam.com', '443', 'FED').rows, [
      { input: 'contoso.com', type: 'FED', port: null },
      { input: 'fabrikam.com', type: 'FED', port: null },
    ]);
    assert.deepEqual(expandTargets('sip.contoso.com:5061', 'junk', null).rows, [{ input: 'sip.contoso.com:5061', type: 'DIR', port: null }]);
    assert.match(expandTargets('', '443', null).error?.message ?? '', /Enter a host/);
    assert.match(parsePorts('443, 70000').error ?? '', /70000/);
    assert.equal(portColumn({ input: '[::1]:5061', type: 'DIR', port: null }), '5061');
    assert.equal(portColumn({ input: 'contoso.com', type: 'SIP', port: null }), 'SRV');
  });

  test('pasted web addresses and SIP URIs go to the host whole (their own port); the DNS server is checked in the page', () => {
    assert.deepEqual(expandTargets('https://sip.contoso.com:8443/path, sip:alice@sbc.contoso.com;transport=tls, b.contoso.com', '443', null), {
      rows: [
        { input: 'https://sip.contoso.com:8443/path', type: 'DIR', port: null },
        { input: 'sip:alice@sbc.contoso.com;transport=tls', type: 'DIR', port: null },
        { input: 'b.contoso.com', type: 'DIR', port: 443 },
      ],
      error: null,
    });
    assert.deepEqual(expandTargets('a.contoso.com', '70000', null).error?.field, 'port');
    assert.deepEqual(expandTargets(' ', '443', null).error?.field, 'host');
    for (const good of ['', '8.8.8.8', '192.0.2.53:5353', '2001:db8::53', '[2001:db8::53]:53', '[::1]']) assert.equal(dnsServerError(good), null, good);
    for (const bad of ['8.8.8', 'dns.contoso.com', '1.2.3.4:70000', '[::g]:53', '300.1.1.1']) assert.match(dnsServerError(bad) ?? '', /is not a DNS server address/, bad);
  });

  test('store: a refusal that names a field (Electron carries it in the message) goes on that field, not the status line', async () => {
    const api = {
      async startCheck() {
        throw new Error('[field=dns-server] "dns.contoso.com" is not an IP address.');
      },
      onCheckEvent: () => () => undefined,
    } as Partial<CertCheckerApi> as CertCheckerApi;
    const store = createAppStore(api);
    store.getState().setForm({ host: 'sip.contoso.com', dnsServer: '' });
    await store.getState().startTest();
    assert.deepEqual(store.getState().fieldError, { field: 'dns-server', message: '"dns.contoso.com" is not an IP address.' });
    assert.equal(store.getState().run.status, 'idle');
  });

  test('card text follows the old tool: SRV line, pool note, FQDN and IP lines, fields, comments', () => {
    const [first, second] = fakePoolResults();
    const view = { showAdvanced: false, showRootChain: false, testPool: true };
    const text = cardText(cardSections(first, view));
    assert.match(text, /^SRV Record: FED contoso\.com -> sipfed\.contoso\.com:5061 \(priority 0, weight 0\)$/m);
    assert.match(text, /^INFO: sipfed\.contoso\.com DNS Resolves to multiple IPs \(127\.0\.0\.2, 127\.0\.0\.3, 127\.0\.0\.4\)\. Testing all servers in pool$/m);
    assert.match(text, /^Checking FQDN: sipfed\.contoso\.com:5061$/m);
    assert.match(text, /^Checking IP Address: 127\.0\.0\.2:5061$/m);
    assert.match(text, /^Certificate Response:$/m);
    assert.match(text, /^Thumbprint: 3F2A9C1D7E5B4A6C8D0E1F2A3B4C5D6E7F809A1B$/m);
    assert.match(text, /^Not After: 2026-02-14 23:59:59 UTC$/m);
    assert.match(text, /^- \[Error\] The issuing CA is signed with SHA-1/m);
    assert.doesNotMatch(text, /Extension Type|Certificate Chain:/);
    assert.doesNotMatch(cardText(cardSections(second, view)), /DNS Resolves to multiple IPs/);
    assert.match(cardText(cardSections(second, view)), /^Pool member 2 of 3 of sipfed\.contoso\.com$/m);

    const full = cardText(cardSections(first, { ...view, showAdvanced: true, showRootChain: true }));
    assert.match(full, /^Extension Type: CRL Distribution Points$/m);
    assert.match(full, /^ {4}\[1\]CRL Distribution Point$/m, 'multi-line data keeps its lines');
    assert.match(full, /^Certificate Chain:$/m);
    assert.match(full, /^Certificate Chain Item 2$/m);
    assert.match(full, /^Chain is valid: True$/m);
    assert.match(full, /^Get Root Certs here: https:\/\/pki\.contoso\.com\/$/m);

    const revoked = cardText(cardSections({
      ...first,
      revocation: {
        status: 'revoked', method: 'crl', checkedAt: '2026-11-21T10:00:00.000Z', details: 'The CA revoked the certificate.',
        certificates: [{ index: 0, subject: 'CN=sipfed.contoso.com', status: 'revoked', method: 'crl', reason: 'keyCompromise', revokedAt: '2026-11-01T08:00:00.000Z', details: 'Listed on the CRL.', crlUnreachable: false, ocspUnreachable: false }],
      },
    }, view));
    assert.match(revoked, /^Revocation: Revoked \(CRL/m);
    assert.match(revoked, /^ {4}CN=sipfed\.contoso\.com: Revoked \(keyCompromise, 2026-11-01 08:00:00 UTC\)\. Listed on the CRL\.$/m);

    // Where the certificates came from, and Node's own negotiation, are labelled as such.
    const rebuilt = cardText(cardSections({
      ...first,
      certificateSource: 'node-peer-chain',
      tls: { ...first.tls, protocol: 'TLSv1.3', runtimeClient: { protocol: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', error: null }, versions: { SSLv3: true, TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true } },
    }, view));
    assert.match(rebuilt, /^Certificates From: node-peer-chain \(rebuilt by Node's TLS/m);
    assert.match(rebuilt, /^Normal client \(Node's TLS\): TLSv1\.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256/m);
    assert.match(rebuilt, /^TLS Versions: SSLv3 Yes, TLSv1 No, TLSv1\.1 No, TLSv1\.2 Yes, TLSv1\.3 Yes$/m);

    const refused = cardText(cardSections(REFUSED_RESULT, view));
    assert.match(refused, /^ERROR: Connection refused by 127\.0\.0\.5:5062/m);
    assert.doesNotMatch(refused, /Certificate Response/);
  });

  test('the renderer imports nothing of Node, Electron or the engine', () => {
    const allowed = new Set(['react', 'react-dom/client', 'zustand', 'zustand/vanilla', '@tanstack/react-virtual', '../shared/types.ts', '../shared/ipc.ts', '../../shared/types.ts', '../../shared/ipc.ts']);
    // Pure, browser-safe formatting the lead marked for renderer use (export and summary).
    for (const path of ['shared/formats/csv-export.ts', 'shared/formats/summary.ts', 'shared/formats/safe-text.ts', 'shared/formats/text-file.ts', 'shared/formats/tls-labels.ts', 'shared/formats/sip-labels.ts', 'shared/formats/history-csv.ts', 'shared/formats/progress-text.ts', 'shared/formats/sweep.ts', 'shared/formats/profile-labels.ts', 'shared/bytes.ts']) allowed.add(`../${path}`).add(`../../${path}`);
    const rendererRoot = join(import.meta.dirname, '..', 'renderer');
    const files = readdirSync(rendererRoot, { recursive: true, encoding: 'utf8' }).filter((name) => /\.tsx?$/.test(name));
    assert.ok(files.length > 5);
    for (const file of files) {
      const source = readFileSync(join(rendererRoot, file), 'utf8');
      for (const match of source.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm)) {
        const specifier = match[1];
        // Relative imports stay inside renderer/ (its components/ and store/ folders included).
        const inRenderer = specifier.startsWith('.') && resolve(rendererRoot, dirname(file), specifier).startsWith(rendererRoot + sep);
        const ok = allowed.has(specifier) || inRenderer;
        assert.ok(ok, `${file} imports ${specifier}`);
      }
    }
  });

  test('formatting helpers', () => {
    assert.equal(hostPort('::1', 5061), '[::1]:5061');
    assert.equal(formatDate('2025-03-01T12:00:00Z'), '2025-03-01 12:00:00 UTC');
    const pem = toPem(Buffer.alloc(100, 1).toString('base64'));
    assert.match(pem, /^-----BEGIN CERTIFICATE-----\n(?:[A-Za-z0-9+/]{64}\n)+[A-Za-z0-9+/=]{1,64}\n-----END CERTIFICATE-----\n$/);
  });

  test('store: runs the Host field, collects results of its own run only, and handles events that arrive before the run id', async () => {
    const listeners = new Set<(event: CheckEvent) => void>();
    const emit = (event: CheckEvent) => listeners.forEach((listener) => listener(event));
    const requests: unknown[] = [];
    const api = {
      async startCheck(request) {
        requests.push(request);
        // The host may push events before invoke() resolves.
        emit({ kind: 'result', runId: 'r1', result: fakeResult() });
        emit({ kind: 'result', runId: 'old-run', result: fakeResult() });
        return { runId: 'r1' };
      },
      onCheckEvent(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    } as Partial<CertCheckerApi> as CertCheckerApi;
    const store = createAppStore(api);
    api.onCheckEvent((event) => store.getState().handleEvent(event));
    store.getState().setForm({ host: 'sip.contoso.com', port: '5061', dnsServer: ' 127.0.0.1:5353 ' });
    await store.getState().startTest();
    assert.deepEqual(requests, [
      { targets: [{ input: 'sip.contoso.com', type: 'DIR', port: 5061 }], options: { dnsServer: '127.0.0.1:5353', testPool: true, timeoutMs: 5000 } },
    ]);
    emit({ kind: 'progress', runId: 'r1', done: 1, total: 2, current: 'sip.contoso.com:5061', endpoints: { done: 1, total: 2 }, inFlight: [] });
    emit({ kind: 'result', runId: 'r1', result: REFUSED_RESULT });
    emit({ kind: 'done', runId: 'r1', cancelled: false, error: null });
    const state = store.getState();
    assert.equal(state.run.status, 'done');
    assert.equal(state.results.length, 2);
    assert.equal(state.results[1].result.error?.code, 'CONNECT_REFUSED');
  });
});

// ---------------------------------------------------------------- browser helpers

/** The work folder, renderer build and Chromium of whichever browser suite below is running. */
const suite = new BrowserSuite();

async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOT_DIR) return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** Parses "rgb(r, g, b)" and tells whether it is clearly red. */
function isReddish(color: string): boolean {
  const [r, g, b] = (color.match(/\d+/g) ?? []).map(Number);
  return r >= 150 && g <= 80 && b <= 80;
}

interface FakeOptions {
  results: EndpointResult[];
  /** ms between results. */
  stepMs: number;
  /** Leave the run open after the results (until cancelled). */
  hang?: boolean;
  /** Emit the results in this order of their indexes (finishing out of input order). */
  emitOrder?: number[];
  /** Progress events as a current host sends them: endpoint counts and what is in flight. */
  endpointProgress?: boolean;
}

/**
 * Runs in the page before the app: a window.certChecker that answers from canned results,
 * records calls in window.__calls, and emits events on timers like a real host.
 */
function installFakeApi(options: FakeOptions): void {
  type Listener = (event: unknown) => void;
  const listeners = new Set<Listener>();
  const calls: { method: string; args: unknown[] }[] = [];
  const emit = (event: unknown) => listeners.forEach((listener) => listener(event));
  let runs = 0;
  const timers = new Map<string, ReturnType<typeof setTimeout>[]>();
  (window as unknown as { __calls: typeof calls }).__calls = calls;
  Object.defineProperty(navigator, 'clipboard', {
    configurable: true,
    value: { writeText: async (text: string) => void ((window as unknown as { __copied: string }).__copied = text) },
  });
  const record = (method: string, args: unknown[]) => calls.push({ method, args: JSON.parse(JSON.stringify(args)) });
  let roots = [{ subject: 'CN=Contoso Root CA, O=Contoso Ltd, C=US', thumbprint: '9988776655443322110099887766554433221100', notAfter: '2035-01-01T00:00:00.000Z', derBase64: 'AA==' }];
  (window as unknown as { certChecker: unknown }).certChecker = {
    async startCheck(request: unknown) {
      record('startCheck', [request]);
      const runId = `run-${++runs}`;
      const total = options.results.length;
      const list: ReturnType<typeof setTimeout>[] = [];
      const where = (index: number) => (index < total ? `${options.results[index].host}:${options.results[index].port}` : null);
      list.push(setTimeout(() => emit({ kind: 'progress', runId, done: 0, total, current: where(0) }), 0));
      const order = options.emitOrder ?? options.results.map((_, index) => index);
      const inFlight = (index: number) => {
        const next = options.results[order[index]];
        return next ? [{ target: next.target, host: next.host, ip: next.ip, port: next.port, step: 'revocation', startedAt: Date.now() - 7000 }] : [];
      };
      const counts = (index: number) => (options.endpointProgress ? { endpoints: { done: index, total }, inFlight: inFlight(index) } : {});
      if (options.endpointProgress) list.push(setTimeout(() => emit({ kind: 'progress', runId, done: 0, total, current: where(0), ...counts(0) }), 1));
      order.forEach((resultIndex, index) => {
        list.push(
          setTimeout(() => {
            emit({ kind: 'result', runId, result: options.results[resultIndex] });
            emit({ kind: 'progress', runId, done: index + 1, total, current: where(index + 1), ...counts(index + 1) });
          }, options.stepMs * (index + 1)),
        );
      });
      if (!options.hang) list.push(setTimeout(() => emit({ kind: 'done', runId, cancelled: false, error: null }), options.stepMs * (total + 1)));
      timers.set(runId, list);
      return { runId };
    },
    async cancelCheck(runId: string) {
      record('cancelCheck', [runId]);
      (timers.get(runId) ?? []).forEach((timer) => clearTimeout(timer));
      setTimeout(() => emit({ kind: 'done', runId, cancelled: true, error: null }), 10);
      return { cancelled: true };
    },
    async importList() {
      record('importList', []);
      return {
        fileName: 'targets.csv',
        rows: [
          { input: 'contoso.com', type: 'FED', port: null },
          { input: 'sip.fabrikam.com', type: 'DIR', port: 5061 },
        ],
        importErrors: [{ line: 4, message: 'Cannot have both Port and Domain type specified' }],
      };
    },
    async parseList(fileName: string, content: string) {
      record('parseList', [fileName, content]);
      return { fileName, rows: [{ input: 'dropped.contoso.com', type: 'DIR', port: 443 }], importErrors: [] };
    },
    async saveFile(request: unknown) {
      record('saveFile', [request]);
      return { saved: true, path: '/home/admin/sip.contoso.com.cer' };
    },
    async openExternal(url: string) {
      record('openExternal', [url]);
      return { opened: true };
    },
    async listTrustedRoots() {
      return roots;
    },
    async addTrustedRootsFromDialog() {
      record('addTrustedRootsFromDialog', []);
      roots = [...roots, { subject: 'CN=Fabrikam Root, O=Fabrikam', thumbprint: '1111111111111111111111111111111111111111', notAfter: '2030-06-01T00:00:00.000Z', derBase64: 'AA==' }];
      return { added: true, roots };
    },
    async addTrustedRoots() {
      return { added: true, roots };
    },
    async removeTrustedRoot(thumbprint: string) {
      record('removeTrustedRoot', [thumbprint]);
      roots = roots.filter((root) => root.thumbprint !== thumbprint);
      return roots;
    },
    async appInfo() {
      return { name: 'SfB Certificate Checker', version: '0.1.0', shell: 'electron' };
    },
    onCheckEvent(listener: Listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

async function openFakeApp(options: FakeOptions): Promise<{ context: BrowserContext; page: Page }> {
  const opened = await suite.newPage();
  // As source text: tsx wraps inner functions in __name(), which the page lacks.
  await opened.page.addInitScript({ content: `{ const __name = (f) => f; (${installFakeApi.toString()})(${JSON.stringify(options)}); }` });
  await opened.page.goto(pathToFileURL(join(suite.rendererDir, 'index.html')).href);
  await opened.page.getByLabel('Host', { exact: true }).waitFor();
  return opened;
}

/** Types host into Host, presses Enter and waits until the run says it checked `endpoints`. */
async function runHost(page: Page, host: string, endpoints: number): Promise<void> {
  await page.getByLabel('Host', { exact: true }).fill(host);
  await page.getByLabel('Host', { exact: true }).press('Enter');
  await page.getByRole('status').filter({ hasText: `Done: ${endpoints} endpoint${endpoints === 1 ? '' : 's'} checked.` }).waitFor();
}

async function calls(page: Page, method: string): Promise<unknown[][]> {
  const all = await page.evaluate(() => (window as unknown as { __calls: { method: string; args: unknown[] }[] }).__calls);
  return all.filter((call) => call.method === method).map((call) => call.args);
}

// ---------------------------------------------------------------- 2. the UI with a fake API

describe('renderer UI with a fake API', { skip: browserSkip }, () => {
  before(() => suite.start('sfb-ui-'));
  after(() => suite.close());

  test('the controls carry the old tool\'s labels, SRV boxes are exclusive and relabel Host', async () => {
    const { context, page } = await openFakeApp({ results: [], stepMs: 10 });
    try {
      const port = page.getByLabel('Port', { exact: true });
      assert.equal(await port.inputValue(), '443');
      assert.equal(await page.getByLabel('DNS Server').getAttribute('placeholder'), 'system resolver, or e.g. 8.8.8.8');
      assert.equal(await page.getByLabel('Test DNSLB Pool').isChecked(), true);
      for (const name of ['Show Advanced', 'Show Root Chain', 'FED SRV', 'SIP SRV', 'SIP INT SRV']) assert.equal(await page.getByLabel(name).isChecked(), false, name);
      for (const name of ['Test', 'Cancel Test', 'Add', 'Delete', 'Clear All']) assert.equal(await page.getByRole('button', { name, exact: true }).count(), 1, name);
      assert.equal(await page.getByRole('columnheader', { name: 'Domain / FQDN / IP Address' }).count(), 1);

      await page.getByLabel('FED SRV').check();
      assert.equal(await page.getByLabel('SIP Domain').count(), 1);
      assert.equal(await port.isDisabled(), true);
      await page.getByLabel('SIP SRV', { exact: true }).check();
      assert.equal(await page.getByLabel('FED SRV').isChecked(), false);
      await page.getByLabel('SIP SRV', { exact: true }).uncheck();
      assert.equal(await page.getByLabel('Host', { exact: true }).count(), 1);
      assert.equal(await port.isDisabled(), false);

      // Comma-separated hosts and ports: one row per host x port.
      await page.getByLabel('Host', { exact: true }).fill('a.contoso.com, b.contoso.com');
      await port.fill('443,5061');
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      assert.equal(await page.locator('.queue-table tbody tr').count(), 4);
      await page.getByLabel('Select a.contoso.com').first().check();
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      assert.equal(await page.locator('.queue-table tbody tr').count(), 3);

      // Import adds rows and lists the rejected lines with their numbers.
      await page.getByRole('button', { name: 'Import…' }).click();
      await page.getByText('Line 4: Cannot have both Port and Domain type specified').waitFor();
      assert.equal(await page.locator('.queue-table tbody tr').count(), 5);
      await page.getByRole('button', { name: 'Clear All' }).click();
      assert.equal(await page.locator('.queue-table tbody tr.empty').count(), 1);

      // A .csv dropped on the window goes to parseList and its rows to the list.
      const dataTransfer = await page.evaluateHandle(() => {
        const transfer = new DataTransfer();
        transfer.items.add(new File(['Domain,Type,Port\r\ndropped.contoso.com,DIR,443\r\n'], 'dropped.csv', { type: 'text/csv' }));
        return transfer;
      });
      await page.dispatchEvent('.results-scroll', 'dragenter', { dataTransfer });
      await page.getByText('Drop a .csv list to add its targets').waitFor();
      await page.dispatchEvent('.results-scroll', 'drop', { dataTransfer });
      await page.getByRole('cell', { name: 'dropped.contoso.com', exact: true }).waitFor();
      assert.equal(await page.getByText('Drop a .csv list to add its targets').count(), 0);
      assert.deepEqual(await calls(page, 'parseList'), [['dropped.csv', 'Domain,Type,Port\r\ndropped.contoso.com,DIR,443\r\n']]);
      assert.deepEqual(pageProblems(page), []);
    } finally {
      await context.close();
    }
  });

  test('Enter in Host runs Test; cards show the fields, comments are coloured, toggles re-render without re-testing', async () => {
    const results = [...fakePoolResults(), REFUSED_RESULT];
    const { context, page } = await openFakeApp({ results, stepMs: 20 });
    try {
      await page.getByLabel('Host', { exact: true }).fill('sip.contoso.com');
      await page.getByLabel('Port', { exact: true }).fill('5061');
      await page.getByLabel('Host', { exact: true }).press('Enter');
      await page.getByRole('status').filter({ hasText: 'Done: 4 endpoints checked.' }).waitFor();
      assert.deepEqual(await calls(page, 'startCheck'), [
        [{ targets: [{ input: 'sip.contoso.com', type: 'DIR', port: 5061 }], options: { dnsServer: null, testPool: true, timeoutMs: 5000 } }],
      ]);
      const cards = page.locator('article.card');
      assert.equal(await cards.count(), 4);
      const first = cards.nth(0);
      const firstText = await first.innerText();
      assert.match(firstText, /SRV Record: FED contoso\.com -> sipfed\.contoso\.com:5061 \(priority 0, weight 0\)/);
      assert.match(firstText, /INFO: sipfed\.contoso\.com DNS Resolves to multiple IPs \(127\.0\.0\.2, 127\.0\.0\.3, 127\.0\.0\.4\)\. Testing all servers in pool/);
      assert.match(firstText, /Thumbprint:\s*3F2A9C1D7E5B4A6C8D0E1F2A3B4C5D6E7F809A1B/);
      assert.doesNotMatch(firstText, /Extension Type|Certificate Chain:/);
      assert.equal(await cards.nth(1).evaluate((el) => el.classList.contains('pool-member')), true);
      assert.equal(await cards.nth(1).locator('.badge.pool').innerText(), 'Pool member');

      // Severity: class, colour, and a text tag beside the colour.
      const errorLine = first.locator('.comment.sev-error').first();
      assert.ok(isReddish(await errorLine.evaluate((el) => getComputedStyle(el).color)), 'an error comment is red');
      assert.match(await errorLine.innerText(), /^✖ error\b/i);
      const okColor = await first.locator('.comment.sev-ok').first().evaluate((el) => getComputedStyle(el).color);
      assert.ok(!isReddish(okColor));
      const refusedLine = cards.nth(3).locator('.line.tone-error');
      // textContent: off-screen cards are not laid out (content-visibility), so they have no innerText.
      assert.match((await refusedLine.textContent()) ?? '', /^ERROR: Connection refused/);
      assert.ok(isReddish(await refusedLine.evaluate((el) => getComputedStyle(el).color)));

      // The toggles re-render what is there; no new check is started.
      await page.getByLabel('Show Advanced').check();
      await first.getByText('Extension Type: CRL Distribution Points').waitFor();
      const data = await first.locator('.section-extensions pre').nth(3).innerText();
      assert.match(data, /\[1\]CRL Distribution Point\n\s+Distribution Point Name:/, 'multi-line extension data keeps its lines');
      await page.getByLabel('Show Root Chain').check();
      await first.getByText('Certificate Chain:').waitFor();
      assert.match(await first.innerText(), /Chain is valid:\s*True/);
      await screenshot(page, 'fake-advanced-chain');
      assert.equal((await calls(page, 'startCheck')).length, 1);

      // Links go through openExternal; Save buttons through saveFile (.cer as base64 DER, .pem as text).
      await first.getByRole('link', { name: 'https://pki.contoso.com/' }).click();
      await first.getByRole('button', { name: /^Save \.cer/ }).first().click();
      await first.getByRole('button', { name: /^Save \.pem/ }).first().click();
      await page.getByText('Saved /home/admin/sip.contoso.com.cer.').first().waitFor();
      assert.deepEqual(await calls(page, 'openExternal'), [['https://pki.contoso.com/']]);
      const saves = (await calls(page, 'saveFile')) as [{ defaultName: string; encoding: string; content: string }][];
      assert.equal(saves[0][0].defaultName, 'sip.contoso.com.cer');
      assert.equal(saves[0][0].encoding, 'base64');
      assert.equal(saves[1][0].encoding, 'utf8');
      assert.match(saves[1][0].content, /^-----BEGIN CERTIFICATE-----/);

      await page.getByLabel('Show Advanced').uncheck();
      assert.equal(await first.getByText('Extension Type: CRL Distribution Points').count(), 0);

      // Copy puts the card's text on the clipboard, as shown (chain on, extensions off).
      await first.getByRole('button', { name: /^Copy / }).click();
      await first.getByRole('button', { name: /^Copy / }).filter({ hasText: 'Copied' }).waitFor();
      const copied = await page.evaluate(() => (window as unknown as { __copied: string }).__copied);
      assert.match(copied, /^SRV Record: FED contoso\.com -> sipfed\.contoso\.com:5061/);
      assert.match(copied, /^Thumbprint: 3F2A9C1D7E5B4A6C8D0E1F2A3B4C5D6E7F809A1B$/m);
      assert.match(copied, /^Certificate Chain:$/m);
      assert.doesNotMatch(copied, /Extension Type/);
      assert.match(copied, /^- \[Warning\] Public CAs stop issuing/m);
      assert.deepEqual(pageProblems(page), []);
    } finally {
      await context.close();
    }
  });

  test('verdict first: each card opens with its worst severity and one sentence, comments before the connection lines; the old layout one click away and kept', async () => {
    const results = [...fakePoolResults(), REFUSED_RESULT];
    const { context, page } = await openFakeApp({ results, stepMs: 10 });
    try {
      await runHost(page, 'sip.contoso.com', 4);
      const cards = page.locator('article.card');
      const first = cards.nth(0);
      const verdict = first.locator('.card-body > .verdict');
      // The badge and the sentence come from the same worst severity (error), before anything else in the body.
      assert.equal(await first.locator('.card-body > :first-child').evaluate((el) => el.classList.contains('verdict')), true);
      assert.equal(await verdict.locator('.verdict-badge').innerText(), '✖ Error');
      assert.equal(await verdict.locator('.verdict-text').innerText(), 'The issuing CA is signed with SHA-1: current clients refuse it.');
      assert.match(await cards.nth(3).locator('.verdict').textContent() ?? '', /Error.*Connection refused by 127\.0\.0\.5:5062/);
      const text = await first.locator('.card-body').innerText();
      assert.ok(text.indexOf('Comments:') < text.indexOf('SRV Record:'), 'the comments come before the SRV line');
      assert.deepEqual(await first.locator('.comment').evaluateAll((els) => els.map((el) => el.className.replace('comment sev-', ''))), ['error', 'warning', 'info', 'ok', 'ok'], 'worst first');
      assert.ok(text.indexOf('Checking IP Address:') < text.indexOf('Thumbprint:'), 'the SRV/FQDN/IP lines before the certificate fields');
      // Every pool member's block has the pool colour, the first one included.
      assert.deepEqual(await cards.evaluateAll((els) => els.map((el) => el.classList.contains('pool-member'))), [true, true, true, false]);
      // Copy keeps the old tool's text form.
      await first.getByRole('button', { name: /^Copy / }).click();
      await first.getByRole('button', { name: /^Copy / }).filter({ hasText: 'Copied' }).waitFor();
      const copied = await page.evaluate(() => (window as unknown as { __copied: string }).__copied);
      assert.match(copied, /^SRV Record: FED contoso\.com/);
      assert.ok(copied.indexOf('Comments:') > copied.indexOf('Thumbprint:'));

      // The old layout: one click, no verdict line, comments last; kept after a reload like the app's other choices.
      await page.getByLabel("Old tool's layout").check();
      assert.equal(await first.locator('.verdict').count(), 0);
      const oldText = await first.locator('.card-body').innerText();
      assert.ok(oldText.indexOf('SRV Record:') < oldText.indexOf('Comments:'));
      await page.reload();
      await page.getByLabel('Host', { exact: true }).waitFor();
      assert.equal(await page.getByLabel("Old tool's layout").count(), 1);
      assert.equal(await page.getByLabel("Old tool's layout").isChecked(), true);
      await page.getByLabel("Old tool's layout").uncheck();
      assert.deepEqual(pageProblems(page), []);
    } finally {
      await context.close();
    }
  });

  for (const deviceScaleFactor of [1, 2]) {
    test(`labels never truncate at 1280x800 (device scale ${deviceScaleFactor}); 30 mixed targets read as verdicts without scrolling a card`, async () => {
      const revoked = fakeResult({
        target: 'revoked.contoso.com:5061',
        host: 'revoked.contoso.com',
        revocation: {
          status: 'revoked', method: 'crl', checkedAt: '2025-06-01T12:00:00.000Z', details: 'The CA revoked the certificate.',
          certificates: [{ index: 0, subject: 'CN=revoked.contoso.com', status: 'revoked', method: 'crl', reason: 'keyCompromise', revokedAt: '2025-05-01T08:00:00.000Z', details: 'Listed on the CRL.', crlUnreachable: false, ocspUnreachable: false }],
        },
        comments: [{ id: 'revoked', severity: 'error', text: 'The certificate is revoked. Replace it.' }],
      });
      const mixed = Array.from({ length: 29 }, (_, i) =>
        i % 3 === 0 ? { ...REFUSED_RESULT, target: `down${i}.contoso.com`, host: `down${i}.contoso.com` } : fakeResult({ target: `ok${i}.contoso.com`, host: `ok${i}.contoso.com`, comments: [{ id: 'san-match', severity: 'ok', text: 'FQDN is in SAN list.' }] }),
      );
      const opened = await suite.newPage({ deviceScaleFactor });
      const { context, page } = opened;
      try {
        await page.addInitScript({ content: `{ const __name = (f) => f; (${installFakeApi.toString()})(${JSON.stringify({ results: [revoked, ...mixed], stepMs: 2 })}); }` });
        await page.goto(pathToFileURL(join(suite.rendererDir, 'index.html')).href);
        await runHost(page, 'revoked.contoso.com', 30);
        await page.getByRole('button', { name: 'Cards', exact: true }).click();
        await page.getByLabel('Show Root Chain').check();
        const cut = await page.locator('article.card').first().locator('.label').evaluateAll((labels) =>
          labels.filter((label) => label.scrollWidth > label.clientWidth + 1).map((label) => label.textContent),
        );
        assert.deepEqual(cut, [], 'no label is cut short');
        await page.locator('article.card').first().getByText('Revocation per Certificate:').waitFor();
        // Each card says what is wrong in its first line, right under its title.
        const cards = page.locator('article.card');
        for (const index of [0, 1, 3, 29]) {
          const card = cards.nth(index);
          await card.scrollIntoViewIfNeeded();
          const [cardBox, verdictBox] = [await card.boundingBox(), await card.locator('.verdict').boundingBox()];
          assert.ok(cardBox && verdictBox && verdictBox.y - cardBox.y < 90, `card ${index + 1}: the verdict is at the top`);
        }
        assert.match((await cards.nth(1).locator('.verdict').textContent()) ?? '', /Error.*Connection refused/);
        assert.match((await cards.nth(3).locator('.verdict').textContent()) ?? '', /OK.*FQDN is in SAN list/);
        assert.match((await cards.nth(0).locator('.verdict').textContent()) ?? '', /Error.*The certificate is revoked\.$/);
        assert.deepEqual(pageProblems(page), []);
      } finally {
        await context.close();
      }
    });
  }

  test('the chain as a path: leaf -> root with names, validity bars, sources and status; a missing link is a gap', async () => {
    const intermediate = { ...fakeResult().chain[0].cert, subject: 'CN=Contoso Issuing CA 01, O=Contoso Ltd, C=US', commonName: 'Contoso Issuing CA 01', isCA: true, issuer: 'CN=Contoso Root CA, O=Contoso Ltd, C=US' };
    const good = fakeResult();
    const built = { ...good, chain: [good.chain[0], { cert: intermediate, source: 'aia' as const, valid: true, reason: null }, good.chain[1]] };
    const broken = fakeResult({
      target: 'broken.contoso.com:5061',
      host: 'broken.contoso.com',
      chain: [{ cert: good.chain[0].cert, source: 'served', valid: false, reason: 'issuer not found' }],
      trust: { trusted: false, store: null, root: null, reason: 'The issuer was neither sent nor found.' },
      servedChain: { missingIssuer: 'CN=Contoso Issuing CA 01, O=Contoso Ltd, C=US', notSentIntermediates: [], unusedIndexes: [], inOrder: true, rootSent: false },
    });
    const { context, page } = await openFakeApp({ results: [built, broken], stepMs: 10 });
    try {
      await runHost(page, 'sip.contoso.com', 2);
      const path = page.locator('article.card').nth(0).locator('.chain-path');
      const nodes = path.locator('.chain-node');
      assert.equal(await nodes.count(), 3);
      assert.deepEqual(await path.locator('.chain-role').allInnerTexts().then((t) => t.map((x) => x.toLowerCase())), ['leaf', 'intermediate', 'root']);
      assert.deepEqual(await path.locator('.chain-name').allInnerTexts(), ['sip.contoso.com', 'Contoso Issuing CA 01', 'Contoso Root CA']);
      assert.deepEqual(await path.locator('.chain-source').allInnerTexts(), ['sent by the server', 'fetched by AIA', 'from Trusted Roots']);
      assert.equal(await path.locator('svg.validity-bar').count(), 3);
      assert.equal(await path.locator('.status-ok').count(), 3);
      const gap = page.locator('article.card').nth(1).locator('.chain-path .chain-gap');
      assert.match(await gap.innerText(), /Missing[\s\S]*Contoso Issuing CA 01[\s\S]*neither sent nor found/i);
      assert.equal(await page.locator('article.card').nth(1).locator('.chain-node.status-error').count(), 2);
      if (SCREENSHOT_DIR) {
        mkdirSync(SCREENSHOT_DIR, { recursive: true });
        await page.getByLabel('Host', { exact: true }).blur();
        await page.screenshot({ path: join(SCREENSHOT_DIR, 'screenshot-chain.png') });
      }
      assert.deepEqual(pageProblems(page), []);
    } finally {
      await context.close();
    }
  });

  test('results keep the input order in the cards and the table, filling in as they finish; progress counts endpoints and names the slowest step', async () => {
    const pool = fakePoolResults().map((result, memberIndex) => ({ ...result, inputIndex: 1, memberIndex, memberCount: 3 }));
    const first = fakeResult({ target: 'first.contoso.com', host: 'first.contoso.com', inputIndex: 0, memberIndex: 0, memberCount: 1 });
    const last = { ...REFUSED_RESULT, target: 'last.contoso.com', host: 'last.contoso.com', inputIndex: 2, memberIndex: 0, memberCount: 1 };
    const results = [first, ...pool, last];
    // Finishing order: the last target first, pool members out of order, the first target in the middle.
    const { context, page } = await openFakeApp({ results, stepMs: 400, emitOrder: [4, 2, 0, 3, 1], endpointProgress: true });
    try {
      await page.getByLabel('Host', { exact: true }).fill('first.contoso.com, contoso.com, last.contoso.com');
      await page.getByLabel('Host', { exact: true }).press('Enter');
      // While it runs: endpoints counted, the host and port being checked, what the slowest waits for.
      const status = page.locator('#status');
      await status.filter({ hasText: /^Checking 2\/5 endpoints · checking first\.contoso\.com:5061 · waiting \d+ s for the revocation check \(CRL, OCSP\)/ }).waitFor();
      await page.locator('.status-count').filter({ hasText: /^[2-5] \/ 5/ }).waitFor();
      // Filling in: whatever has arrived is already in input order.
      const expected = ['first.contoso.com|127.0.0.5', 'sipfed.contoso.com|127.0.0.2', 'sipfed.contoso.com|127.0.0.3', 'sipfed.contoso.com|127.0.0.4', `last.contoso.com|${REFUSED_RESULT.ip ?? ''}`];
      const hosts = () => page.locator('article.card').evaluateAll((els) => els.map((el) => `${el.getAttribute('data-host')}|${el.getAttribute('data-ip')}`));
      await page.locator('article.card').nth(1).waitFor();
      for (let snapshot = 0; snapshot < 4; snapshot++) {
        const shown = await hosts();
        assert.deepEqual(shown, expected.filter((host) => shown.includes(host)), `snapshot ${snapshot}: ${shown.join(', ')}`);
        assert.ok(shown.includes(`last.contoso.com|${REFUSED_RESULT.ip ?? ''}`), 'the last target finished first and is shown');
        await page.waitForTimeout(150);
      }
      await page.getByRole('status').filter({ hasText: 'Done: 5 endpoints checked.' }).waitFor();
      assert.deepEqual(await hosts(), expected);
      assert.deepEqual(await page.locator('.card-index').allTextContents(), ['1.', '2.', '3.', '4.', '5.']);
      // The table keeps the same order until the admin sorts.
      await page.getByRole('button', { name: 'Table', exact: true }).click();
      const cells = await page.locator('[role="row"][data-row-key]').evaluateAll((rows) => rows.map((row) => `${row.querySelector('.col-host')?.textContent}|${row.querySelector('.col-ip')?.textContent}`));
      assert.deepEqual(cells, expected);
      assert.deepEqual(pageProblems(page), []);
    } finally {
      await context.close();
    }
  });

  test('every field is checked before a run: the message on the field at fault and the focus there', async () => {
    const { context, page } = await openFakeApp({ results: [fakeResult()], stepMs: 10 });
    try {
      await page.getByLabel('Host', { exact: true }).fill('sip.contoso.com');
      await page.getByLabel('DNS Server').fill('8.8.8');
      await page.getByLabel('Host', { exact: true }).press('Enter');
      const dnsError = page.locator('#dns-server-error');
      await dnsError.waitFor();
      assert.match(await dnsError.innerText(), /"8\.8\.8" is not a DNS server address/);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'dns-server', 'the focus is on the DNS Server field');
      assert.equal(await page.getByLabel('DNS Server').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.getByLabel('DNS Server').getAttribute('aria-describedby'), 'dns-server-error');
      assert.deepEqual(await calls(page, 'startCheck'), [], 'nothing ran');
      // Typing in the field clears the message; a bad port is told on the port.
      await page.getByLabel('DNS Server').fill('');
      assert.equal(await dnsError.count(), 0);
      await page.getByLabel('Port', { exact: true }).fill('70000');
      await page.getByRole('button', { name: 'Test', exact: true }).click();
      await page.locator('#port-error').waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'port');
      assert.equal(await page.getByLabel('Port', { exact: true }).getAttribute('aria-invalid'), 'true');
      assert.deepEqual(await calls(page, 'startCheck'), []);
      assert.deepEqual(pageProblems(page), []);
    } finally {
      await context.close();
    }
  });

  test('notices share one area: the newest shows, older ones fold away, one button closes them all', async () => {
    const { context, page } = await openFakeApp({ results: [fakeResult()], stepMs: 10 });
    try {
      await runHost(page, 'sip.contoso.com', 1);
      const card = page.locator('article.card').first();
      await page.getByLabel('Show Root Chain').check();
      for (let i = 0; i < 3; i++) await card.getByRole('button', { name: /^Save \.cer/ }).first().click();
      const area = page.getByRole('region', { name: 'Messages' });
      await area.getByRole('button', { name: 'Show 2 earlier' }).waitFor();
      assert.equal(await area.locator('.notice').count(), 1, 'one message shows');
      await area.getByRole('button', { name: 'Show 2 earlier' }).click();
      assert.equal(await area.locator('.notice').count(), 3);
      await area.getByRole('button', { name: 'Dismiss all messages' }).click();
      assert.equal(await page.locator('.notice').count(), 0);
      assert.deepEqual(pageProblems(page), []);
    } finally {
      await context.close();
    }
  });

  test('the profile choice goes into the request and its verdicts come first in the card', async () => {
    const ready = fakeResult({
      target: 'sbc.contoso.com:5061',
      host: 'sbc.contoso.com',
      profile: 'direct-routing',
      comments: [
        { id: 'dr-ready', severity: 'ok', text: 'Ready for Direct Routing: certificate under the supported root "DigiCert Global Root G2".' },
        { id: 'dr-mtls-roots', severity: 'info', text: 'The SBC does not ask for a client certificate: mutual TLS is off on this interface.' },
        { id: 'valid', severity: 'ok', text: 'No problems found.' },
      ],
    });
    const { context, page } = await openFakeApp({ results: [ready], stepMs: 10 });
    try {
      await page.getByLabel('Profile').selectOption('direct-routing');
      // A Trusted Root marked as "my Edge's root" travels with the request, by thumbprint.
      await page.getByRole('button', { name: 'Trusted Roots…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Trusted Roots' });
      await dialog.getByLabel("CN=Contoso Root CA, O=Contoso Ltd, C=US is my Edge's root").check();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await page.getByLabel('Host', { exact: true }).fill('sbc.contoso.com');
      await page.getByLabel('Port', { exact: true }).fill('5061');
      await page.getByLabel('Host', { exact: true }).press('Enter');
      await page.getByRole('status').filter({ hasText: 'Done: 1 endpoint checked.' }).waitFor();
      const [[request]] = (await calls(page, 'startCheck')) as [[{ options: { profile?: string; myRootThumbprints?: string[] } }]];
      assert.equal(request.options.profile, 'direct-routing');
      assert.deepEqual(request.options.myRootThumbprints, ['9988776655443322110099887766554433221100']);
      const card = page.locator('article.card').first();
      const sections = await card.locator('.card-section').evaluateAll((els) => els.map((el) => el.className.replace('card-section section-', '')));
      assert.deepEqual(sections.slice(0, 3), ['profile', 'comments', 'opening'], 'the profile\'s verdicts come first, then the other comments, then the opening lines');
      assert.match(await card.locator('.section-profile').innerText(), /Direct Routing SBC:[\s\S]*Ready for Direct Routing[\s\S]*mutual TLS is off/);
      assert.doesNotMatch(await card.locator('.section-comments').innerText(), /Ready for Direct Routing/, 'shown once');
      assert.deepEqual(pageProblems(page), []);
    } finally {
      await context.close();
    }
  });

  test('Sweep domain runs every well-known name of the Host domain and sums them up per name', async () => {
    const results = [
      fakeResult({ target: 'contoso.com', type: 'FED', host: 'sip.contoso.com', srv: '_sipfederationtls._tcp.contoso.com', srvRecord: { name: '_sipfederationtls._tcp.contoso.com', priority: 0, weight: 0, port: 5061, target: 'sip.contoso.com' }, comments: [{ id: 'valid', severity: 'ok', text: 'No problems found.' }] }),
      fakeResult({ target: 'contoso.com', type: 'SIP', host: 'pool.fabrikam.com', srv: '_sip._tls.contoso.com', srvRecord: { name: '_sip._tls.contoso.com', priority: 0, weight: 0, port: 443, target: 'pool.fabrikam.com' }, comments: [{ id: 'valid', severity: 'ok', text: 'No problems found.' }] }),
      fakeResult({ target: 'lyncdiscover.contoso.com', host: 'lyncdiscover.contoso.com', port: 443, comments: [{ id: 'expires-soon', severity: 'warning', text: 'The certificate expires in 20 days.' }] }),
      { ...REFUSED_RESULT, target: 'meet.contoso.com', host: 'meet.contoso.com', port: 443, served: [], error: { code: 'DNS_NXDOMAIN' as const, message: 'meet.contoso.com does not exist.' } },
    ];
    const { context, page } = await openFakeApp({ results, stepMs: 10 });
    try {
      await page.getByLabel('Host', { exact: true }).fill('Contoso.com');
      await page.getByRole('button', { name: 'Sweep domain' }).click();
      await page.getByRole('status').filter({ hasText: /^Done/ }).waitFor();
      const [[request]] = (await calls(page, 'startCheck')) as [[{ targets: { input: string; type: string; port?: number | null }[] }]];
      assert.deepEqual(request.targets.map((t) => `${t.type} ${t.input}${t.port ? `:${t.port}` : ''}`), [
        'FED contoso.com',
        'SIP contoso.com',
        'SIPINT contoso.com',
        'DIR sip.contoso.com:443',
        'DIR sipexternal.contoso.com:443',
        'DIR lyncdiscover.contoso.com:443',
        'DIR lyncdiscoverinternal.contoso.com:443',
        'DIR meet.contoso.com:443',
        'DIR dialin.contoso.com:443',
        'DIR webext.contoso.com:443',
      ]);
      const table = page.locator('.sweep-summary');
      await table.getByText('Sweep of contoso.com').waitFor();
      const verdicts = await table.locator('tbody tr').evaluateAll((rows) => rows.map((row) => `${row.getAttribute('data-name')}=${row.getAttribute('data-verdict')}`));
      assert.deepEqual(verdicts, [
        '_sipfederationtls._tcp.contoso.com=ok',
        '_sip._tls.contoso.com=ok',
        '_sipinternaltls._tcp.contoso.com=absent',
        'sip.contoso.com=absent',
        'sipexternal.contoso.com=absent',
        'lyncdiscover.contoso.com=warning',
        'lyncdiscoverinternal.contoso.com=absent',
        'meet.contoso.com=absent',
        'dialin.contoso.com=absent',
        'webext.contoso.com=absent',
      ]);
      assert.match(await table.locator('li[data-id="lyncdiscover-prompt"]').innerText(), /pool FQDN pool\.fabrikam\.com/);
      await screenshot(page, 'fake-sweep');
      assert.deepEqual(pageProblems(page), []);
    } finally {
      await context.close();
    }
  });

  test('Cancel Test stops a running check and says so', async () => {
    const { context, page } = await openFakeApp({ results: fakePoolResults(), stepMs: 150, hang: true });
    try {
      await page.getByLabel('Host', { exact: true }).fill('sip.contoso.com');
      await page.getByRole('button', { name: 'Test', exact: true }).click();
      await page.getByRole('status').filter({ hasText: /^Checking: / }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Test', exact: true }).isDisabled(), true);
      await page.getByRole('button', { name: 'Cancel Test' }).click();
      await page.getByRole('status').filter({ hasText: /^Test cancelled/ }).waitFor();
      assert.equal((await calls(page, 'cancelCheck')).length, 1);
      assert.equal(await page.getByRole('button', { name: 'Test', exact: true }).isDisabled(), false);
    } finally {
      await context.close();
    }
  });

  test('thousands of results render a first page and "Show more"', async () => {
    const many = Array.from({ length: 1200 }, (_, index) => fakeResult({ host: `h${index}.contoso.com`, ip: `127.0.${Math.floor(index / 250)}.${(index % 250) + 1}` }));
    const { context, page } = await openFakeApp({ results: many, stepMs: 0 });
    try {
      await page.getByLabel('Host', { exact: true }).fill('sip.contoso.com');
      await page.getByRole('button', { name: 'Test', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Done: 1200 endpoints checked.' }).waitFor();
      // A bulk test opens as a table; the cards are one click away.
      assert.equal(await page.getByRole('button', { name: 'Table', exact: true }).getAttribute('aria-pressed'), 'true');
      await page.getByRole('button', { name: 'Cards', exact: true }).click();
      assert.equal(await page.locator('article.card').count(), 50);
      await page.getByRole('button', { name: /^Show more \(1150 more results\)$/ }).click();
      assert.equal(await page.locator('article.card').count(), 150);
    } finally {
      await context.close();
    }
  });

  test('Trusted Roots dialog lists, adds and removes roots; keyboard reaches everything', async () => {
    const { context, page } = await openFakeApp({ results: [], stepMs: 10 });
    try {
      await page.getByRole('button', { name: 'Trusted Roots…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Trusted Roots' });
      await dialog.getByText('CN=Contoso Root CA, O=Contoso Ltd, C=US').waitFor();
      await dialog.getByRole('button', { name: 'Add Certificates…' }).click();
      await dialog.getByText('CN=Fabrikam Root, O=Fabrikam').waitFor();
      await screenshot(page, 'fake-trusted-roots');
      await dialog.getByRole('button', { name: 'Remove CN=Contoso Root CA, O=Contoso Ltd, C=US' }).click();
      await dialog.getByText('CN=Contoso Root CA, O=Contoso Ltd, C=US').waitFor({ state: 'detached' });
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });

      // Tab order reaches the main controls, each with a visible focus ring.
      const reached = new Set<string>();
      await page.locator('body').focus();
      for (let i = 0; i < 25; i++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          if (!el || el === document.body) return null;
          const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : el.closest('label')?.textContent;
          const style = getComputedStyle(el);
          return { name: (label ?? el.textContent ?? '').trim(), outline: style.outlineStyle };
        });
        if (focused) {
          reached.add(focused.name);
          assert.notEqual(focused.outline, 'none', `focus ring on ${focused.name}`);
        }
      }
      for (const name of ['Host', 'Port', 'DNS Server', 'FED SRV', 'Test DNSLB Pool', 'Show Root Chain', 'Test', 'Add']) assert.ok(reached.has(name), `Tab reaches ${name}: ${[...reached].join(' | ')}`);
    } finally {
      await context.close();
    }
  });
});

// ---------------------------------------------------------------- 3. end to end: browser bridge, web server, engine

interface EndToEnd {
  url: string;
  close(): Promise<void>;
}

/** TLS servers on several loopback addresses sharing one port (an SRV record names one port for the pool). */
async function startPool(ips: string[], certPem: string, keyPem: string) {
  const { startTlsServer } = await import('./helpers/servers.ts');
  for (let attempt = 0; ; attempt++) {
    const first = await startTlsServer({ host: ips[0], certPem, keyPem });
    const servers = [first];
    try {
      for (const ip of ips.slice(1)) servers.push(await startTlsServer({ host: ip, port: first.port, certPem, keyPem }));
      return { port: first.port, close: () => Promise.all(servers.map((server) => server.close())).then(() => undefined) };
    } catch (err) {
      await Promise.all(servers.map((server) => server.close()));
      if (attempt >= 5) throw err;
    }
  }
}

describe('renderer end to end through the web server', { skip: browserSkip }, () => {
  const cleanups: (() => Promise<void>)[] = [];
  let app: EndToEnd;
  let leafThumbprint = '';
  let leafSubjectCn = '';
  let directPort = 0;
  let poolPort = 0;
  let closedPortNumber = 0;
  let silentPort = 0;
  let dnsAddress = '';
  let rootCertPath = '';
  let leafCertPath = '';

  before(async () => {
    await suite.build('sfb-ui-e2e-');
    const { TestPki, bundle } = await import('./helpers/pki.ts');
    const { startTlsServer, startDnsServer, startSilentServer, closedPort } = await import('./helpers/servers.ts');
    const { startWebServer } = await import('../web/server.ts');

    mkdirSync(join(suite.workDir, 'pki'));
    const pki = new TestPki(join(suite.workDir, 'pki'));
    const { root, ca } = pki.hierarchy('UI Test');
    const direct = pki.issue({ cn: 'sip.contoso.test', sans: ['DNS:sip.contoso.test', 'IP:127.0.0.1'], issuer: ca, crlUrl: 'http://127.0.0.1:9/ca.crl' });
    leafThumbprint = direct.thumbprint;
    leafCertPath = direct.certPath;
    leafSubjectCn = 'sip.contoso.test';
    const directServer = await startTlsServer({ host: '127.0.0.1', certPem: bundle(direct, ca), keyPem: direct.keyPem });
    directPort = directServer.port;
    cleanups.push(() => directServer.close());

    const fed = pki.issue({ cn: 'sipfed.contoso.test', sans: ['DNS:sipfed.contoso.test'], issuer: ca });
    const pool = await startPool(['127.0.0.2', '127.0.0.3', '127.0.0.4'], bundle(fed, ca), fed.keyPem);
    poolPort = pool.port;
    cleanups.push(pool.close);
    const dns = await startDnsServer({
      records: {
        srv: { '_sipfederationtls._tcp.contoso.test': [{ priority: 0, weight: 0, port: poolPort, target: 'sipfed.contoso.test' }] },
        a: { 'sipfed.contoso.test': ['127.0.0.2', '127.0.0.3', '127.0.0.4'] },
      },
    });
    dnsAddress = dns.address;
    cleanups.push(() => dns.close());

    const silent = await startSilentServer('127.0.0.1');
    silentPort = silent.port;
    cleanups.push(() => silent.close());
    closedPortNumber = await closedPort('127.0.0.1');
    rootCertPath = root.certPath;

    const web = await startWebServer({ port: 0, host: '127.0.0.1', dataDir: join(suite.workDir, 'data'), rendererDir: suite.rendererDir });
    app = web;
    cleanups.push(() => web.close());
    await suite.launch();
  });

  after(() => suite.close(cleanups));

  async function openApp(): Promise<{ context: BrowserContext; page: Page; starts: () => number }> {
    const { context, page } = await suite.newPage();
    let startCalls = 0;
    page.on('request', (request) => {
      if (request.url().endsWith('/api/startCheck')) startCalls++;
    });
    await page.goto(app.url);
    await page.getByLabel('Host', { exact: true }).waitFor();
    return { context, page, starts: () => startCalls };
  }

  /** Add the test PKI's root under Trusted Roots through the browser's file picker. */
  function trustTestRoot(page: Page): Promise<void> {
    return trustRootInDialog(page, rootCertPath, 'UI Test Root CA');
  }

  async function runTest(page: Page, host: string, port: string): Promise<void> {
    await page.getByLabel('Host', { exact: true }).fill(host);
    await page.getByLabel('Port', { exact: true }).fill(port);
    await page.getByRole('button', { name: 'Test', exact: true }).click();
  }

  test('a direct check shows the certificate the server sent; toggles re-render without re-testing', async () => {
    const { context, page, starts } = await openApp();
    try {
      await runTest(page, '127.0.0.1', String(directPort));
      await page.getByRole('status').filter({ hasText: 'Done: 1 endpoint checked.' }).waitFor();
      const card = page.locator('article.card');
      assert.equal(await card.count(), 1);
      const text = await card.innerText();
      assert.match(text, new RegExp(`Checking IP Address: 127\\.0\\.0\\.1:${directPort}`));
      assert.match(text, new RegExp(`Subject:\\s*CN=${leafSubjectCn.replace(/\./g, '\\.')}`));
      assert.match(text, new RegExp(`Thumbprint:\\s*${leafThumbprint}`));
      assert.ok((await card.locator('.comments li').count()) > 0, 'the engine commented');

      await page.getByLabel('Show Advanced').check();
      await card.getByText('Extension Type: Subject Alternative Name').waitFor();
      await page.getByLabel('Show Root Chain').check();
      await card.getByText('Certificate Chain:').waitFor();
      await card.getByText('Certificate Chain Item 2').waitFor();
      await screenshot(page, 'e2e-direct-advanced-chain');
      await page.getByLabel('Show Advanced').uncheck();
      await page.getByLabel('Show Root Chain').uncheck();
      assert.equal(await card.getByText('Certificate Chain:').count(), 0);
      assert.equal(starts(), 1, 'the toggles did not start another check');
      assert.deepEqual(pageProblems(page), []);
    } finally {
      await context.close();
    }
  });

  test('FED SRV through the chosen DNS server: one card per pool member, members marked', async () => {
    const { context, page } = await openApp();
    try {
      await page.getByLabel('FED SRV').check();
      await page.getByLabel('SIP Domain').fill('contoso.test');
      await page.getByLabel('DNS Server').fill(dnsAddress);
      await page.getByLabel('SIP Domain').press('Enter');
      await page.getByRole('status').filter({ hasText: 'Done: 3 endpoints checked.' }).waitFor();
      const cards = page.locator('article.card');
      assert.equal(await cards.count(), 3);
      const first = await cards.nth(0).innerText();
      assert.match(first, new RegExp(`SRV Record: FED contoso\\.test -> sipfed\\.contoso\\.test:${poolPort} \\(priority 0, weight 0\\)`));
      assert.match(first, /INFO: sipfed\.contoso\.test DNS Resolves to multiple IPs \(127\.0\.0\.2, 127\.0\.0\.3, 127\.0\.0\.4\)\. Testing all servers in pool/);
      const ips = await cards.evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.ip));
      assert.deepEqual([...ips].sort(), ['127.0.0.2', '127.0.0.3', '127.0.0.4']);
      const members = await cards.evaluateAll((els) => els.map((el) => el.classList.contains('pool-member')));
      assert.deepEqual(members, [true, true, true], 'every block of the pool has the pool colour, the first included');
      assert.deepEqual(await cards.evaluateAll((els) => els.map((el) => el.querySelector('.badge.pool') !== null)), [false, true, true], 'members 2 and 3 say so');
      await screenshot(page, 'e2e-srv-pool');
      assert.deepEqual(pageProblems(page), []);
    } finally {
      await context.close();
    }
  });

  test('the Direct Routing profile through the engine: its verdicts first; Sweep domain sums up every name', async () => {
    const { context, page } = await openApp();
    try {
      await page.getByLabel('Profile').selectOption('direct-routing');
      await page.getByLabel('Host', { exact: true }).fill(`127.0.0.1:${directPort}`);
      await page.getByLabel('Host', { exact: true }).press('Enter');
      await page.getByRole('status').filter({ hasText: 'Done: 1 endpoint checked.' }).waitFor();
      const card = page.locator('article.card').first();
      const profile = await card.locator('.section-profile').innerText();
      // The test PKI is no CA Microsoft supports; the test server asks for no client certificate.
      assert.match(profile, /^Direct Routing SBC:[\s\S]*not on Microsoft's list of root CAs[\s\S]*mutual TLS is off on this interface/);
      assert.match(profile, /TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384/, 'the per-suite probe ran');

      await page.getByLabel('Profile').selectOption('');
      await page.getByLabel('DNS Server').fill(dnsAddress);
      await page.getByLabel('Host', { exact: true }).fill('contoso.test');
      await page.getByRole('button', { name: 'Sweep domain' }).click();
      await page.getByRole('status').filter({ hasText: /^Done/ }).waitFor({ timeout: 60_000 });
      const rows = page.locator('.sweep-summary tbody tr');
      assert.equal(await rows.count(), 10);
      assert.equal(await rows.first().getAttribute('data-name'), '_sipfederationtls._tcp.contoso.test');
      assert.notEqual(await rows.first().getAttribute('data-verdict'), 'absent');
      const absent = await page.locator('.sweep-summary tbody tr[data-verdict="absent"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-name')));
      assert.deepEqual(absent, expectedSweepNames('contoso.test').slice(1));
      await screenshot(page, 'e2e-sweep');
      assert.deepEqual(pageProblems(page), []);
    } finally {
      await context.close();
    }
  });

  test('a closed port gives a red ERROR line; Cancel Test stops a check that hangs', async () => {
    const { context, page } = await openApp();
    try {
      await runTest(page, '127.0.0.1', String(closedPortNumber));
      await page.getByRole('status').filter({ hasText: 'Done: 1 endpoint checked.' }).waitFor();
      const errorLine = page.locator('article.card .line.tone-error');
      assert.match(await errorLine.innerText(), /^ERROR: /);
      assert.ok(isReddish(await errorLine.evaluate((el) => getComputedStyle(el).color)), 'the ERROR line is red');

      // A silent server holds the handshake for the whole timeout (5 s); Cancel Test ends the run before that.
      await runTest(page, '127.0.0.1', String(silentPort));
      await page.getByRole('status').filter({ hasText: /^Checking/ }).waitFor();
      const cancelledAt = Date.now();
      await page.getByRole('button', { name: 'Cancel Test' }).click();
      await page.getByRole('status').filter({ hasText: /^Test cancelled/ }).waitFor({ timeout: 4000 });
      assert.ok(Date.now() - cancelledAt < 4000);
      assert.equal(await page.getByRole('button', { name: 'Test', exact: true }).isEnabled(), true);
    } finally {
      await context.close();
    }
  });

  test('Trusted Roots and Import work through the browser file pickers', async () => {
    const { context, page } = await openApp();
    try {
      await trustTestRoot(page);

      const csvPath = join(suite.workDir, 'targets.csv');
      writeFileSync(csvPath, `Domain,Type,Port\r\n"127.0.0.1","DIR","${directPort}",\r\n"contoso.test","FED","5061",\r\n`);
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: 'Import…' }).click();
      await (await chooser).setFiles(csvPath);
      await page.getByText(/^Line \d+: Cannot have both Port and Domain type specified/).waitFor();
      assert.equal(await page.locator('.queue-table tbody tr').count(), 1);
      assert.equal(await page.locator('.queue-table tbody tr td.host-cell').innerText(), '127.0.0.1');

      await page.getByLabel('Show Root Chain').check();
      await page.getByRole('button', { name: 'Test', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Done: 1 endpoint checked.' }).waitFor();
      const card = page.locator('article.card');
      assert.match(await card.innerText(), /Trusted:\s*True, by the Trusted Roots added in this app/);
      assert.equal(await card.getByRole('button', { name: /^Save \.pem/ }).count() >= 2, true);
      if (SCREENSHOT_DIR) await card.screenshot({ path: join(SCREENSHOT_DIR, 'e2e-card-trusted.png') });
      assert.deepEqual(pageProblems(page), []);
    } finally {
      await context.close();
    }
  });

  test('the host\'s verdict on a target lands on the Host field; a pasted URL is checked at its own port', async () => {
    const { context, page } = await openApp();
    try {
      await runTest(page, 'bad_host!.contoso.test', '443');
      const hostError = page.locator('#host-error');
      await hostError.waitFor();
      assert.match(await hostError.innerText(), /is not a valid host name or IP address/);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'host');
      assert.equal(await page.locator('#status').innerText(), 'Ready. Enter a host and press Test.', 'not a failed run');

      await runTest(page, `https://127.0.0.1:${directPort}/some/page?x=1`, '443');
      await page.getByRole('status').filter({ hasText: 'Done: 1 endpoint checked.' }).waitFor();
      assert.equal(await page.locator('article.card .card-title').innerText().then((t) => t.replace(/^\d+\.\s*/, '')), `127.0.0.1:${directPort}`);
      // Chromium logs the refused request itself; the app logged nothing.
      assert.deepEqual(pageProblems(page).filter((problem) => !/status of 400 \(Bad Request\)/.test(problem)), []);
    } finally {
      await context.close();
    }
  });

  test('Trusted Roots refuses a certificate that is not a CA unless the admin confirms, saying why and what it would add', async () => {
    const { context, page } = await openApp();
    try {
      await page.getByRole('button', { name: 'Trusted Roots…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Trusted Roots' });
      const pick = async () => {
        const chooser = page.waitForEvent('filechooser');
        await dialog.getByRole('button', { name: 'Add Certificates…' }).click();
        await (await chooser).setFiles(leafCertPath);
      };
      const leafRow = dialog.locator('.roots-table tbody tr', { hasText: 'sip.contoso.test' });
      await pick();
      const confirm = dialog.getByRole('alertdialog', { name: 'Not a CA certificate: add it anyway?' });
      await confirm.waitFor();
      assert.match(await confirm.innerText(), /sip\.contoso\.test[\s\S]*CA/, 'says which certificate and why');
      assert.match(await confirm.locator('.would-add').innerText(), new RegExp(leafThumbprint), 'shows what it would add');
      assert.equal(await leafRow.count(), 0, 'nothing added yet');
      await confirm.getByRole('button', { name: "Don't add" }).click();
      await confirm.waitFor({ state: 'hidden' });
      assert.equal(await leafRow.count(), 0);

      await pick();
      await confirm.getByRole('button', { name: 'Add anyway' }).click();
      await leafRow.waitFor();
      await confirm.waitFor({ state: 'hidden' });
      await leafRow.getByRole('button', { name: /^Remove / }).click();
      await leafRow.waitFor({ state: 'detached' });
      assert.deepEqual(pageProblems(page), []);
    } finally {
      await context.close();
    }
  });

  test('a mixed list (SRV pool and a direct host) with the internal root trusted (the README screenshot)', async () => {
    const { context, page } = await openApp();
    try {
      await trustTestRoot(page);
      await page.getByLabel('FED SRV').check();
      await page.getByLabel('SIP Domain').fill('contoso.test');
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await page.getByLabel('FED SRV').uncheck();
      await page.getByLabel('Host', { exact: true }).fill('127.0.0.1');
      await page.getByLabel('Port', { exact: true }).fill(String(directPort));
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await page.getByLabel('Host', { exact: true }).fill('sip.contoso.test');
      await page.getByLabel('DNS Server').fill(dnsAddress);
      await page.getByRole('button', { name: 'Test', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Done: 4 endpoints checked.' }).waitFor();
      const cards = page.locator('article.card');
      assert.equal(await cards.count(), 4);
      assert.equal(await page.locator('article.card.has-error').count(), 0, 'every endpoint answered');
      assert.equal(await page.locator('article.card.pool-member').count(), 3, 'every member of the pool, the first included');
      assert.deepEqual(pageProblems(page), []);
      if (!SCREENSHOT_DIR) return;
      // Show the pool: its first card (SRV record and pool note) at the top of the results.
      await page.getByLabel('Host', { exact: true }).fill('');
      await page.getByLabel('Host', { exact: true }).blur();
      await page.locator('article.card:has-text("DNS Resolves to multiple IPs")').evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await screenshot(page, 'screenshot');
      // Whole cards need a window tall enough to lay them out.
      await page.setViewportSize({ width: 1280, height: 4000 });
      for (let i = 0; i < 4; i++) await cards.nth(i).screenshot({ path: join(SCREENSHOT_DIR, `card-${i + 1}.png`) });
      await page.getByLabel('Show Root Chain').check();
      await page.getByLabel('Show Advanced').check();
      await cards.nth(0).screenshot({ path: join(SCREENSHOT_DIR, 'card-1-full.png') });
    } finally {
      await context.close();
    }
  });
});
