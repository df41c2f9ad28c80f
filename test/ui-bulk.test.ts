// Bulk checks in the app: the results table (sort, filter, virtualized rows, keyboard, card dialog),
// progress with time left, Cancel and Resume, exports of everything, the PEM chain bundle, and big imports.
// 1. pure functions and the store against a fake API, no browser;
// 2. 10,000 results from a fake window.certChecker in headless Chromium;
// 3. Chromium -> browser bridge -> web server -> engine -> loopback TLS servers (tests/helpers/fixtures.ts).
// Set UI_SCREENSHOT_DIR to keep the table screenshot (docs/screenshot-table.png comes from there).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import type { CertCheckerApi, CheckEvent, SaveFileRequest } from '../shared/ipc.ts';
import type { CheckRequest, EndpointResult, TargetInput } from '../shared/types.ts';
import { createAppStore, effectiveView, resumableTargets } from '../renderer/store/index.ts';
import { remainingTargets, targetKey } from '../renderer/targets.ts';
import { estimateSecondsLeft, filterRows, formatTimeLeft, nextSort, shortName, sortRows, tableRow } from '../renderer/table.ts';
import { BrowserSuite, browserSkip, SCREENSHOT_DIR } from './helpers/browser.ts';
import { fakeCert, fakeResult } from './helpers/fake-results.ts';

// ---------------------------------------------------------------- fixtures

const UNREACHABLE: Partial<EndpointResult> = {
  error: { code: 'CONNECT_REFUSED', message: 'Connection refused.' },
  served: [],
  chain: [],
  trust: null,
  servedChain: null,
  comments: [],
  tls: { protocol: null, cipher: null, handshakeMs: null, handshakeError: null, authorized: null, authorizationError: null },
};

// ---------------------------------------------------------------- 1. pure functions and the store

/** A store over a fake API that records check requests and saved files; `emit` plays the host's events. */
function fakeStore(extra: Partial<CertCheckerApi> = {}) {
  const listeners = new Set<(event: CheckEvent) => void>();
  const emit = (event: CheckEvent) => listeners.forEach((listener) => listener(event));
  const requests: CheckRequest[] = [];
  const saved: SaveFileRequest[] = [];
  const api = {
    async startCheck(request: CheckRequest) {
      requests.push(request);
      return { runId: `r${requests.length}` };
    },
    async cancelCheck() {
      return { cancelled: true };
    },
    async saveFile(request: SaveFileRequest) {
      saved.push(request);
      return { saved: true, path: request.defaultName };
    },
    onCheckEvent(listener: (event: CheckEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ...extra,
  } as Partial<CertCheckerApi> as CertCheckerApi;
  const store = createAppStore(api);
  api.onCheckEvent((event) => store.getState().handleEvent(event));
  return { store, emit, requests, saved };
}

describe('bulk logic', () => {
  test('remainingTargets matches results to targets by trimmed input, type and port', () => {
    const targets: TargetInput[] = [
      { input: 'a.contoso.com', type: 'DIR', port: 443 },
      { input: 'a.contoso.com', type: 'DIR', port: 5061 },
      { input: ' B.contoso.com:5061 ', type: 'DIR', port: null },
      { input: 'contoso.com', type: 'FED', port: null },
      { input: 'contoso.com', type: 'SIP', port: null },
      { input: 'dns-fail.contoso.com', type: 'DIR', port: 443 },
    ];
    const results = [
      fakeResult({ target: 'a.contoso.com', port: 5061 }),
      fakeResult({ target: 'B.contoso.com:5061', port: 5061 }),
      // A pool: three results of one SRV target.
      fakeResult({ target: 'contoso.com', type: 'FED', port: 5061 }),
      fakeResult({ target: 'contoso.com', type: 'FED', port: 5061, poolMember: true }),
      // No address: the result has no port, and still finishes its target.
      fakeResult({ target: 'dns-fail.contoso.com', port: null, ...UNREACHABLE }),
    ];
    assert.deepEqual(remainingTargets(targets, results), [targets[0], targets[4]]);
    assert.equal(targetKey({ input: '[::1]:5061', type: 'DIR', port: null }), 'DIR|[::1]:5061|5061');
    assert.equal(targetKey({ input: 'x.com', type: 'DIR', port: null }), 'DIR|x.com|443');
  });

  test('table rows: severity from the engine\'s comments, filter by category and text, stable sorts with empty values last', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const rows = [
      fakeResult({ target: 'warn.contoso.com', port: 5061, comments: [{ id: 'client-eku-2026', severity: 'warning', text: 'Client Authentication EKU goes away.' }] }),
      fakeResult({ target: 'down.contoso.com', port: 5062, ...UNREACHABLE }),
      fakeResult({
        target: 'ok.contoso.com',
        port: 443,
        served: [fakeCert({ notAfter: '2026-01-11T00:00:00Z' })],
        comments: [{ id: 'san-match', severity: 'ok', text: 'FQDN is in SAN list.' }],
      }),
      fakeResult({ target: 'bad.contoso.com', port: 444, comments: [{ id: 'expired', severity: 'error', text: 'The certificate expired.' }, { id: 'x', severity: 'info', text: 'i' }] }),
    ].map((r, index) => tableRow(index + 1, index, r, now));
    assert.deepEqual(
      rows.map((row) => [row.category, row.summary]),
      [
        ['warning', 'Client Authentication EKU goes away.'],
        ['unreachable', 'Connection refused.'],
        ['ok', 'FQDN is in SAN list.'],
        ['error', 'The certificate expired.'],
      ],
    );
    // The ids behind the sentence go in the tooltip (the CSV keeps the ids).
    assert.deepEqual(rows.map((row) => row.summaryIds), ['client-eku-2026', 'CONNECT_REFUSED', 'san-match', 'expired']);
    // The badge and the summary come from the same worst severity: info beside ok says the info, not "OK".
    const infoRow = tableRow(9, 9, fakeResult({ comments: [{ id: 'san-match', severity: 'ok', text: 'FQDN is in SAN list.' }, { id: 'root-sent', severity: 'info', text: 'The server sends its root. It need not.' }] }), now);
    assert.deepEqual([infoRow.category, infoRow.summary], ['info', 'The server sends its root.']);
    assert.equal(rows[2].daysLeft, 10);
    assert.equal(rows[0].subject, 'sip.contoso.com');
    assert.equal(shortName('CN=Contoso Issuing CA 01, O=Contoso Ltd, C=US'), 'Contoso Issuing CA 01');
    assert.equal(shortName('O=No Common Name, C=US'), 'O=No Common Name, C=US');

    const targetsOf = (list: typeof rows) => list.map((row) => row.result.target.split('.')[0]);
    assert.deepEqual(targetsOf(filterRows(rows, { categories: ['error', 'unreachable'], text: '' })), ['down', 'bad']);
    assert.deepEqual(targetsOf(filterRows(rows, { categories: [], text: 'authentication EKU' })), ['warn'], 'comment text matches');
    assert.deepEqual(targetsOf(filterRows(rows, { categories: [], text: '5062' })), ['down'], 'the port column matches');
    assert.deepEqual(targetsOf(filterRows(rows, { categories: ['ok'], text: 'warn' })), []);

    assert.deepEqual(targetsOf(sortRows(rows, { column: 'severity', direction: 'ascending' })), ['down', 'bad', 'warn', 'ok']);
    assert.deepEqual(targetsOf(sortRows(rows, { column: 'severity', direction: 'descending' })), ['ok', 'warn', 'bad', 'down']);
    assert.deepEqual(targetsOf(sortRows(rows, { column: 'port', direction: 'descending' })), ['down', 'warn', 'bad', 'ok']);
    // The unreachable row has no certificate: last both ways.
    assert.deepEqual(targetsOf(sortRows(rows, { column: 'daysLeft', direction: 'ascending' })).at(-1), 'down');
    assert.deepEqual(targetsOf(sortRows(rows, { column: 'daysLeft', direction: 'descending' })).at(-1), 'down');
    assert.deepEqual(targetsOf(sortRows(rows, null)), ['warn', 'down', 'ok', 'bad']);
    assert.deepEqual(nextSort(null, 'ip'), { column: 'ip', direction: 'ascending' });
    assert.deepEqual(nextSort({ column: 'ip', direction: 'ascending' }, 'ip'), { column: 'ip', direction: 'descending' });
    assert.equal(nextSort({ column: 'ip', direction: 'descending' }, 'ip'), null);
  });

  test('time left comes from the pace so far', () => {
    assert.equal(estimateSecondsLeft(0, 60, 5000), null);
    assert.equal(estimateSecondsLeft(20, 60, 10_000), 20);
    assert.equal(estimateSecondsLeft(60, 60, 10_000), null);
    assert.equal(formatTimeLeft(2), 'a few seconds left');
    assert.equal(formatTimeLeft(21), 'about 20 s left');
    assert.equal(formatTimeLeft(600), 'about 10 min left');
    assert.equal(formatTimeLeft(4000), 'about 1 h 7 min left');
  });

  test('store: results take their place in the whole test, after Resume too; Export JSON is the CLI\'s document, importErrors included', async () => {
    const importErrors = [{ line: 4, message: 'Cannot have both Port and Domain type specified' }];
    const targets = ['a', 'b', 'c', 'd'].map((name) => ({ input: `${name}.contoso.com`, type: 'DIR' as const, port: 5061 }));
    const { store, emit, requests, saved } = fakeStore({
      async parseList(fileName: string) {
        return { fileName, rows: targets, importErrors };
      },
    });
    await store.getState().importDroppedList('list.csv', '');
    await store.getState().startTest();
    const result = (name: string, inputIndex: number) => fakeResult({ target: `${name}.contoso.com`, host: `${name}.contoso.com`, port: 5061, inputIndex, memberIndex: 0, memberCount: 1 });
    // d and b finish; cancelled before a and c.
    emit({ kind: 'result', runId: 'r1', result: result('d', 3) });
    emit({ kind: 'result', runId: 'r1', result: result('b', 1) });
    await store.getState().cancelTest();
    emit({ kind: 'done', runId: 'r1', cancelled: true, error: null });
    const order = () => store.getState().results.map((entry) => entry.result.host[0]).join('');
    assert.equal(order(), 'bd');
    // Resume checks c and a... as its own request, indexes 0 and 1: they still go to their places in the test.
    await store.getState().resumeTest();
    assert.deepEqual(requests[1].targets.map((t) => t.input), ['a.contoso.com', 'c.contoso.com']);
    emit({ kind: 'result', runId: 'r2', result: result('c', 1) });
    emit({ kind: 'result', runId: 'r2', result: result('a', 0) });
    emit({ kind: 'done', runId: 'r2', cancelled: false, error: null });
    assert.equal(order(), 'abcd');

    await store.getState().exportResults('json');
    const { jsonDocumentWriter } = await import('../cli/json-output.ts');
    let cli = '';
    const writer = jsonDocumentWriter((text) => void (cli += text), importErrors);
    for (const entry of store.getState().results) writer.write(entry.result);
    writer.end();
    assert.equal(saved[0].content, cli, 'the same document as check --import LIST --json');
    assert.deepEqual(JSON.parse(saved[0].content).importErrors, importErrors);
  });

  test('store: a cancelled test resumes with the targets that have no result; results and progress add up; exports hold everything', async () => {
    const { store, emit, requests, saved } = fakeStore();
    const targets = Array.from({ length: 12 }, (_, i) => ({ input: `h${i}.contoso.com`, type: 'DIR' as const, port: 5061 }));
    assert.equal(store.getState().addRows([...targets, ...targets]), 12, 'duplicates are dropped');
    await store.getState().startTest();
    assert.equal(effectiveView(store.getState()), 'table', 'more than 10 targets open as a table');
    emit({ kind: 'progress', runId: 'r1', done: 0, total: 12, current: null, endpoints: { done: 0, total: 12 }, inFlight: [] });
    for (const i of [0, 1, 2, 5]) emit({ kind: 'result', runId: 'r1', result: fakeResult({ target: `h${i}.contoso.com`, port: 5061 }) });
    emit({ kind: 'progress', runId: 'r1', done: 4, total: 12, current: null, endpoints: { done: 4, total: 12 }, inFlight: [] });
    await store.getState().cancelTest();
    emit({ kind: 'done', runId: 'r1', cancelled: true, error: null });
    assert.equal(store.getState().run.status, 'cancelled');
    assert.equal(store.getState().results.length, 4, 'the results so far are kept');
    assert.deepEqual(
      resumableTargets(store.getState()).map((t) => t.input),
      [3, 4, 6, 7, 8, 9, 10, 11].map((i) => `h${i}.contoso.com`),
    );

    await store.getState().resumeTest();
    assert.deepEqual(requests[1].targets.map((t) => t.input), [3, 4, 6, 7, 8, 9, 10, 11].map((i) => `h${i}.contoso.com`));
    assert.equal(store.getState().results.length, 4, 'Resume keeps the results');
    emit({ kind: 'progress', runId: 'r2', done: 0, total: 8, current: null, endpoints: { done: 0, total: 8 }, inFlight: [] });
    assert.deepEqual([store.getState().run.done, store.getState().run.total], [4, 12], 'progress counts the whole test');
    for (const i of [3, 4, 6, 7, 8, 9, 10, 11]) emit({ kind: 'result', runId: 'r2', result: fakeResult({ target: `h${i}.contoso.com`, port: 5061 }) });
    emit({ kind: 'progress', runId: 'r2', done: 8, total: 8, current: null, endpoints: { done: 8, total: 8 }, inFlight: [] });
    emit({ kind: 'done', runId: 'r2', cancelled: false, error: null });
    const state = store.getState();
    assert.equal(state.run.status, 'done');
    assert.deepEqual([state.run.done, state.run.total], [12, 12]);
    assert.equal(state.results.length, 12);
    assert.equal(new Set(state.results.map((entry) => entry.key)).size, 12, 'keys stay unique across runs');
    assert.deepEqual(resumableTargets(state), []);

    // Exports ignore the table filter, and JSON is the command line's {"results":[...]} document.
    state.setTable({ categories: ['error'], text: 'h3' });
    await store.getState().exportResults('json');
    await store.getState().exportResults('csv');
    const json = JSON.parse(saved[0].content) as { results: EndpointResult[] };
    assert.deepEqual(Object.keys(json), ['results']);
    assert.equal(json.results.length, 12);
    assert.equal(saved[0].content, `${JSON.stringify({ results: state.results.map((entry) => entry.result) }, null, 2)}\n`);
    assert.equal(saved[1].content.trimEnd().split('\r\n').length, 13, 'CSV: header and 12 rows');
  });
});

// ---------------------------------------------------------------- browser helpers

/** The work folder, renderer build and Chromium of whichever browser suite below is running. */
const suite = new BrowserSuite();

const grid = (page: Page) => page.getByRole('grid', { name: 'Results table' });
const bodyRows = (page: Page) => grid(page).locator('[role="row"][data-row-key]');
const rowAt = (page: Page, ariaRowIndex: number) => grid(page).locator(`[role="row"][aria-rowindex="${ariaRowIndex}"]`);
const cellText = (row: ReturnType<typeof rowAt>, column: string) => row.locator(`.col-${column}`).innerText();

/** Wait until the focused element is the row at this aria-rowindex (focus follows a render). */
async function expectFocusedRow(page: Page, ariaRowIndex: number): Promise<void> {
  await page.waitForFunction((index) => document.activeElement?.getAttribute('aria-rowindex') === String(index), ariaRowIndex, { timeout: 3000 });
}

async function focusedRowIndex(page: Page): Promise<number> {
  return page.evaluate(() => Number(document.activeElement?.getAttribute('aria-rowindex')));
}

/** Column values of the rows in the DOM, in screen order. */
async function visibleColumn(page: Page, column: string): Promise<string[]> {
  return bodyRows(page).evaluateAll(
    (rows, name) =>
      rows
        .map((row) => ({ index: Number(row.getAttribute('aria-rowindex')), text: row.querySelector(`.col-${name}`)?.textContent ?? '' }))
        .sort((a, b) => a.index - b.index)
        .map((item) => item.text),
    column,
  );
}

// ---------------------------------------------------------------- 2. 10,000 results from a fake bridge

/**
 * Runs in the page: a window.certChecker whose one check emits `count` results made from a template
 * (every fifth error, warning, info, OK, unreachable; Not After one day earlier per row).
 * saveFile records sizes, not the megabytes of content.
 */
function installBulkFake(options: { template: EndpointResult; count: number; daysFromNow?: number[] }): void {
  type Listener = (event: unknown) => void;
  const listeners = new Set<Listener>();
  const calls: { method: string; info: unknown }[] = [];
  (window as unknown as { __calls: typeof calls }).__calls = calls;
  const emit = (event: unknown) => listeners.forEach((listener) => listener(event));
  const severities = ['error', 'warning', 'info', 'ok'] as const;
  const make = (i: number): EndpointResult => {
    const r = structuredClone(options.template);
    r.target = `h${i}.contoso.com:${5061 + (i % 3)}`;
    r.host = `h${i}.contoso.com`;
    r.ip = `127.${(i >> 8) & 255}.${i & 255}.1`;
    r.port = 5061 + (i % 3);
    const days = options.daysFromNow;
    r.served[0].notAfter = new Date(days ? Date.now() + days[i % days.length] * 86_400_000 : Date.UTC(2045, 0, 1) - i * 86_400_000).toISOString();
    const kind = i % 5;
    if (kind === 4) {
      r.error = { code: 'CONNECT_REFUSED', message: `Connection refused by ${r.ip}.` };
      r.served = [];
      r.chain = [];
      r.comments = [];
      r.tls.protocol = null;
    } else {
      r.comments = [{ id: `rule-${severities[kind]}`, severity: severities[kind], text: `A ${severities[kind]} comment, token c${i}x.` }];
    }
    return r;
  };
  (window as unknown as { certChecker: unknown }).certChecker = {
    async startCheck() {
      calls.push({ method: 'startCheck', info: null });
      setTimeout(() => {
        emit({ kind: 'progress', runId: 'bulk', done: 0, total: options.count, current: null });
        for (let i = 0; i < options.count; i++) {
          emit({ kind: 'result', runId: 'bulk', result: make(i) });
          if (i % 1000 === 999) emit({ kind: 'progress', runId: 'bulk', done: i + 1, total: options.count, current: null });
        }
        emit({ kind: 'done', runId: 'bulk', cancelled: false, error: null });
      }, 0);
      return { runId: 'bulk' };
    },
    async cancelCheck() {
      return { cancelled: true };
    },
    async saveFile(request: { defaultName: string; content: string; encoding: string }) {
      const rows = request.defaultName.endsWith('.json')
        ? (JSON.parse(request.content) as { results: unknown[] }).results.length
        : request.content.trimEnd().split('\r\n').length - 1;
      calls.push({ method: 'saveFile', info: { defaultName: request.defaultName, rows, keys: request.defaultName.endsWith('.json') ? Object.keys(JSON.parse(request.content)) : null } });
      return { saved: true, path: request.defaultName };
    },
    async importList() {
      return null;
    },
    async parseList(fileName: string) {
      return { fileName, rows: [], importErrors: [] };
    },
    async openExternal() {
      return { opened: false };
    },
    async listTrustedRoots() {
      return [];
    },
    async addTrustedRootsFromDialog() {
      return { added: true, roots: [] };
    },
    async addTrustedRoots() {
      return { added: true, roots: [] };
    },
    async removeTrustedRoot() {
      return [];
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

describe('results table with 10,000 results (fake bridge)', { skip: browserSkip }, () => {
  before(() => suite.start('sfb-ui-bulk-'));
  after(() => suite.close());

  test('only the rows in view are in the DOM; sort, filter, keyboard and the card dialog work; exports hold all rows', async () => {
    const { context, page, problems } = await suite.newPage({ acceptDownloads: true });
    try {
      const template = fakeResult({ target: 'x', served: [fakeCert()], chain: [] });
      await page.addInitScript({ content: `{ const __name = (f) => f; (${installBulkFake.toString()})(${JSON.stringify({ template, count: 10_000 })}); }` });
      await page.goto(pathToFileURL(join(suite.rendererDir, 'index.html')).href);
      await page.getByLabel('Host', { exact: true }).fill('bulk.contoso.com');
      await page.getByRole('button', { name: 'Test', exact: true }).click();
      await page.getByRole('status').filter({ hasText: 'Done: 10000 endpoints checked.' }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Table', exact: true }).getAttribute('aria-pressed'), 'true', 'table view by default');
      assert.equal(await grid(page).getAttribute('aria-rowcount'), '10001');
      await rowAt(page, 2).waitFor();
      const domRows = async () => bodyRows(page).count();
      assert.ok((await domRows()) <= 60, `only rows in view are rendered (${await domRows()})`);
      assert.equal(await page.locator('article.card').count(), 0);

      // Scroll to the end: the last rows are there, and still only a window of them.
      await grid(page).evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
      await rowAt(page, 10_001).waitFor();
      assert.match(await cellText(rowAt(page, 10_001), 'host'), /^h9999\.contoso\.com$/);
      assert.ok((await domRows()) <= 60, `still a window after scrolling (${await domRows()})`);
      // Scrolling a long way takes a frame or two, not seconds.
      const scrollMs = await grid(page).evaluate(async (el) => {
        const started = performance.now();
        for (let step = 0; step < 20; step++) {
          el.scrollTop = (el.scrollHeight * step) / 20;
          await new Promise((resolve) => requestAnimationFrame(() => resolve(null)));
        }
        return performance.now() - started;
      });
      assert.ok(scrollMs < 3000, `20 scroll jumps took ${Math.round(scrollMs)} ms`);

      // Sort by Days Left: header states it, the soonest expiry comes first, unreachable rows last.
      const daysHeader = grid(page).getByRole('columnheader', { name: 'Days Left', exact: true });
      await daysHeader.getByRole('button').click();
      assert.equal(await daysHeader.getAttribute('aria-sort'), 'ascending');
      await grid(page).evaluate((el) => el.scrollTo({ top: 0 }));
      await rowAt(page, 2).waitFor();
      assert.equal(await cellText(rowAt(page, 2), 'host'), 'h9998.contoso.com');
      const days = (await visibleColumn(page, 'daysLeft')).slice(0, 10).map(Number);
      assert.deepEqual(days, [...days].sort((a, b) => a - b));
      await daysHeader.getByRole('button').click();
      assert.equal(await daysHeader.getAttribute('aria-sort'), 'descending');
      await page.waitForFunction(() => document.querySelector('[role="row"][aria-rowindex="2"] .col-host')?.textContent === 'h0.contoso.com');
      assert.equal(await grid(page).getByRole('columnheader', { name: 'Host', exact: true }).getAttribute('aria-sort'), 'none');

      // Filter by severity, then by text as well.
      const chip = (name: string) => page.locator('.severity-filter label', { hasText: name }).locator('input');
      await chip('Warning').check();
      await page.getByText('2000 of 10000 rows').waitFor();
      assert.deepEqual([...new Set(await visibleColumn(page, 'severity'))].map((text) => text.trim()), ['▲ Warning']);
      await page.getByLabel('Filter results').fill('h121.');
      await page.getByText('1 of 10000 rows').waitFor();
      // Comment text matches too.
      await page.getByLabel('Filter results').fill('Token C121X');
      await page.getByText('1 of 10000 rows').waitFor();
      assert.equal(await cellText(rowAt(page, 2), 'host'), 'h121.contoso.com');
      await chip('Warning').uncheck();
      await chip('Unreachable').check();
      await page.getByText('0 of 10000 rows').waitFor();
      await page.getByText('No row matches the filter.').waitFor();
      await page.getByLabel('Filter results').fill('');
      await page.getByText('2000 of 10000 rows').waitFor();
      assert.match(await cellText(rowAt(page, 2), 'summary'), /^Connection refused/);
      assert.match((await rowAt(page, 2).locator('.col-summary').getAttribute('title')) ?? '', /CONNECT_REFUSED/, 'the error code is in the tooltip');

      // Exports take every result, whatever the filter shows.
      assert.match((await page.getByRole('button', { name: 'Export CSV' }).getAttribute('title')) ?? '', /all 10000 results, whatever the table's filter shows/);
      await page.getByRole('button', { name: 'Export JSON' }).click();
      await page.getByRole('button', { name: 'Export CSV' }).click();
      await page.waitForFunction(() => (window as unknown as { __calls: { method: string }[] }).__calls.filter((c) => c.method === 'saveFile').length === 2);
      const saves = await page.evaluate(() => (window as unknown as { __calls: { method: string; info: unknown }[] }).__calls.filter((c) => c.method === 'saveFile').map((c) => c.info));
      assert.deepEqual(
        saves.map((info) => {
          const { rows, keys } = info as { rows: number; keys: string[] | null };
          return { rows, keys };
        }),
        [
          { rows: 10_000, keys: ['results'] },
          { rows: 10_000, keys: null },
        ],
      );
      await chip('Unreachable').uncheck();
      await page.getByText('10000 rows', { exact: true }).waitFor();

      // Keyboard: rows take focus, arrows move, End/Home jump, Enter opens the card, Escape returns to the row.
      await rowAt(page, 2).focus();
      for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
      await expectFocusedRow(page, 5);
      await page.keyboard.press('ArrowUp');
      await expectFocusedRow(page, 4);
      await page.keyboard.press('End');
      await expectFocusedRow(page, 10_001);
      assert.ok((await domRows()) <= 60);
      await page.keyboard.press('PageUp');
      await page.waitForFunction(() => Number(document.activeElement?.getAttribute('aria-rowindex')) < 10_001);
      assert.ok((await focusedRowIndex(page)) > 9_900);
      await page.keyboard.press('Home');
      await expectFocusedRow(page, 2);
      await page.keyboard.press('ArrowDown');
      await expectFocusedRow(page, 3);
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: /^Endpoint \d+ of 10000$/ });
      await dialog.waitFor();
      assert.equal(await dialog.locator('article.card').count(), 1);
      // Descending by Days Left: the second row is h1 (a warning).
      assert.match(await dialog.locator('.card-title').innerText(), /h1\.contoso\.com:5062/);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      await expectFocusedRow(page, 3);

      // The same card opens with a click.
      await rowAt(page, 4).click();
      await dialog.waitFor();
      assert.match(await dialog.locator('.card-title').innerText(), /h2\.contoso\.com:5063/);
      await dialog.getByRole('button', { name: 'Close the card' }).click();
      await dialog.waitFor({ state: 'hidden' });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

// ---------------------------------------------------------------- 3. end to end against loopback servers

describe('expiry timeline and table headers (fake bridge)', { skip: browserSkip }, () => {
  before(() => suite.start('sfb-ui-timeline-'));
  after(() => suite.close());

  for (const deviceScaleFactor of [1, 2]) {
    test(`30 targets: a bar per month until Not After, coloured by worst severity, a click filters the table; headers fit (device scale ${deviceScaleFactor})`, async () => {
      const { context, page, problems } = await suite.newPage({ deviceScaleFactor });
      try {
        const template = fakeResult({ target: 'x', served: [fakeCert()], chain: [] });
        // Rows cycle error, warning, info, ok, unreachable; certificates cycle these days until Not After.
        const daysFromNow = [-3, 20, 45, 200, 400, 75];
        await page.addInitScript({ content: `{ const __name = (f) => f; (${installBulkFake.toString()})(${JSON.stringify({ template, count: 30, daysFromNow })}); }` });
        await page.goto(pathToFileURL(join(suite.rendererDir, 'index.html')).href);
        await page.getByLabel('Host', { exact: true }).fill('bulk.contoso.com');
        await page.getByRole('button', { name: 'Test', exact: true }).click();
        await page.getByRole('status').filter({ hasText: 'Done: 30 endpoints checked.' }).waitFor();
        const timeline = page.getByRole('group', { name: 'Expiry timeline' });
        const bars = timeline.getByRole('button');
        // 24 answered (every fifth is unreachable); 30/6 = 5 rows per day value, one of them unreachable at i % 5 === 4.
        const expected = Array.from({ length: 30 }, (_, i) => i).filter((i) => i % 5 !== 4);
        const expiredCount = expected.filter((i) => daysFromNow[i % 6] < 0).length;
        const expired = timeline.locator('[data-bucket="expired"]');
        assert.match((await expired.getAttribute('aria-label')) ?? '', new RegExp(`^${expiredCount} certificates already expired`));
        assert.ok((await bars.count()) >= 14, 'one bar per month until the last Not After (about 13 months)');
        const total = await bars.evaluateAll((els) => els.reduce((sum, el) => sum + Number(/^(\d+)/.exec(el.getAttribute('aria-label') ?? '')?.[1] ?? 0), 0));
        assert.equal(total, expected.length, 'every certificate is on the timeline once');
        const fill = await expired.locator('.seg.cat-error').evaluate((el) => getComputedStyle(el).fill);
        assert.match(fill, /rgb\((1[5-9]\d|2\d\d), \d{1,2}, \d{1,2}\)/, `error segments are red (${fill})`);

        // A click filters the table to that bar's certificates; again (or Show all) shows every row.
        await expired.click();
        await page.getByText(`${expiredCount} of 30 rows`).waitFor();
        assert.ok((await visibleColumn(page, 'daysLeft')).every((days) => Number(days) < 0), 'only expired certificates');
        if (SCREENSHOT_DIR && deviceScaleFactor === 1) {
          mkdirSync(SCREENSHOT_DIR, { recursive: true });
          await page.mouse.move(0, 0);
          await page.screenshot({ path: join(SCREENSHOT_DIR, 'screenshot-timeline.png') });
        }
        await timeline.page().getByRole('button', { name: 'Show all' }).click();
        await page.getByText('30 rows', { exact: true }).waitFor();
        await expired.press('Enter');
        await page.getByText(`${expiredCount} of 30 rows`).waitFor();
        await expired.click();
        await page.getByText('30 rows', { exact: true }).waitFor();

        // Headers fit or wrap, sorted (with the sort mark) or not: no "Days Lef…".
        await grid(page).getByRole('columnheader', { name: 'Days Left', exact: true }).getByRole('button').click();
        const cut = await grid(page).locator('.sort-button').evaluateAll((buttons) =>
          buttons.filter((b) => b.scrollWidth > b.clientWidth + 1 || b.scrollHeight > b.clientHeight + 1).map((b) => b.textContent),
        );
        assert.deepEqual(cut, [], 'no header is cut short');

        // Scrolled sideways by an odd amount, no column shows as a clipped sliver beside the sticky ones.
        for (const by of [37, 260, 100_000]) {
          await grid(page).evaluate((el, left) => el.scrollTo({ left: Math.min(left, el.scrollWidth) }), by);
          await page.waitForTimeout(400);
          const slivers = await grid(page).evaluate((el) => {
            const sticky = [...el.querySelectorAll('.head-cell.sticky')].map((c) => c.getBoundingClientRect().right);
            const edge = Math.max(...sticky);
            return [...el.querySelectorAll('.head-cell:not(.sticky)')]
              .map((c) => ({ text: c.textContent, rect: c.getBoundingClientRect() }))
              .filter(({ rect }) => rect.left < edge - 1 && rect.right > edge + 1)
              .map(({ text, rect }) => `${text} (${Math.round(rect.right - edge)} px showing)`);
          });
          assert.deepEqual(slivers, [], `after scrolling ${by} px sideways`);
        }
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }
});

describe('bulk test end to end through the web server', { skip: browserSkip }, () => {
  type World = Awaited<ReturnType<typeof import('./helpers/fixtures.ts').startWorld>>;
  let world: World;
  const cleanups: (() => Promise<void>)[] = [];
  let silentServers: { host: string; port: number; close(): Promise<void> }[] = [];
  let appUrl = '';
  /** The 60 targets, in list order: 25 that answer, 20 that hang (silent), 15 that answer. */
  let targets: { ip: string; port: number }[] = [];

  before(async () => {
    await suite.build('sfb-ui-bulk-e2e-');
    const { startWorld } = await import('./helpers/fixtures.ts');
    const { startTlsServer, startSilentServer } = await import('./helpers/servers.ts');
    const { bundle } = await import('./helpers/pki.ts');
    const { startWebServer } = await import('../web/server.ts');
    world = await startWorld();
    cleanups.push(async () => {
      await world.close();
      rmSync(world.pki.dir, { recursive: true, force: true });
    });

    // Eight of the world's cases, each served on five ports of its address: 40 endpoints that answer.
    const { certs, ca, servers } = world;
    const cases = [
      { server: servers.good, pem: bundle(certs.good, ca), key: certs.good.keyPem },
      { server: servers.expired, pem: bundle(certs.expired, ca), key: certs.expired.keyPem },
      { server: servers.selfSigned, pem: bundle(certs.selfSigned), key: certs.selfSigned.keyPem },
      { server: servers.noIntermediate, pem: bundle(certs.good), key: certs.good.keyPem },
      { server: servers.wrongName, pem: bundle(certs.wrongName, ca), key: certs.wrongName.keyPem },
      { server: servers.sha1, pem: bundle(certs.sha1, ca), key: certs.sha1.keyPem },
      { server: servers.soon, pem: bundle(certs.soon, ca), key: certs.soon.keyPem },
      { server: servers.tls12, pem: bundle(certs.good, ca), key: certs.good.keyPem, maxVersion: 'TLSv1.2' as const },
    ];
    const answering: { ip: string; port: number }[] = [];
    for (const item of cases) answering.push({ ip: item.server.host, port: item.server.port });
    for (let copy = 0; copy < 4; copy++) {
      for (const item of cases) {
        const extra = await startTlsServer({ host: item.server.host, certPem: item.pem, keyPem: item.key, maxVersion: item.maxVersion });
        cleanups.push(() => extra.close());
        answering.push({ ip: extra.host, port: extra.port });
      }
    }
    silentServers = await Promise.all(Array.from({ length: 20 }, () => startSilentServer('127.0.0.20')));
    cleanups.push(async () => void (await Promise.all(silentServers.map((server) => server.close()))));
    const hanging = silentServers.map((server) => ({ ip: server.host, port: server.port }));
    targets = [...answering.slice(0, 25), ...hanging, ...answering.slice(25)];

    const web = await startWebServer({ port: 0, host: '127.0.0.1', dataDir: join(suite.workDir, 'data'), rendererDir: suite.rendererDir });
    appUrl = web.url;
    cleanups.push(() => web.close());
    await suite.launch();
  });

  after(() => suite.close(cleanups));

  async function importCsv(page: Page, name: string, content: string): Promise<void> {
    const path = join(suite.workDir, name);
    writeFileSync(path, content);
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Import…' }).click();
    await (await chooser).setFiles(path);
  }

  async function download(page: Page, click: () => Promise<void>): Promise<string> {
    const pending = page.waitForEvent('download');
    await click();
    const file = await (await pending).path();
    return readFileSync(file, 'utf8');
  }

  test('1,000 rows with bad ones mixed in import into the list quickly; the rejected lines are listed with their numbers', async () => {
    const { context, page, problems } = await suite.newPage({ acceptDownloads: true });
    try {
      await page.goto(appUrl);
      await page.getByLabel('Host', { exact: true }).waitFor();
      const bad = ['contoso.test,FED,5061', 'bad_host!.contoso.test,DIR,443', 'port.contoso.test,DIR,99999'];
      const lines = ['Domain,Type,Port'];
      for (let i = 0; i < 1000; i++) lines.push(i % 20 === 19 ? bad[((i - 19) / 20) % 3] : `h${String(i).padStart(4, '0')}.bulk.test,DIR,5061`);
      const started = Date.now();
      await importCsv(page, 'big.csv', `${lines.join('\r\n')}\r\n`);
      await page.getByRole('heading', { name: 'Target list (950)' }).waitFor();
      assert.ok(Date.now() - started < 5000, `import took ${Date.now() - started} ms`);
      await page.getByText('Imported 950 targets from big.csv. 50 rows were rejected:').waitFor();
      const rejected = page.getByRole('list', { name: 'Rejected rows' }).getByRole('listitem');
      assert.equal(await rejected.count(), 50);
      // Data row i is on line i + 2 (the header is line 1).
      assert.match(await rejected.nth(0).innerText(), /^Line 21: Cannot have both Port and Domain type specified/);
      assert.match(await rejected.nth(1).innerText(), /^Line 41: .*bad_host!/);
      assert.match(await rejected.nth(2).innerText(), /^Line 61: Port "99999" is not a number from 1 to 65535\.$/);
      assert.match(await rejected.nth(49).innerText(), /^Line 1001: /);
      if (SCREENSHOT_DIR) await page.screenshot({ path: join(SCREENSHOT_DIR, 'import-1000.png') });

      // The list renders a window of its rows, and scrolls to the last one.
      const rendered = await page.locator('.queue-table tbody tr:not(.spacer)').count();
      assert.ok(rendered < 80, `${rendered} list rows in the DOM`);
      await page.locator('.target-list .table-scroll').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
      await page.getByRole('cell', { name: 'h0998.bulk.test', exact: true }).waitFor();
      assert.equal(await page.getByRole('cell', { name: 'h0000.bulk.test', exact: true }).count(), 0);
      await page.getByLabel('Select h0998.bulk.test').check();
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      await page.getByRole('heading', { name: 'Target list (949)' }).waitFor();
      await page.getByRole('button', { name: 'Clear All' }).click();
      await page.getByRole('heading', { name: 'Target list' }).filter({ hasNotText: '(' }).waitFor();
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('60 targets: progress with time left, Cancel keeps the results, Resume runs the rest, then the table sorts, filters and opens cards', async () => {
    const { context, page, problems } = await suite.newPage({ acceptDownloads: true });
    const startRequests: CheckRequest[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/startCheck')) startRequests.push((request.postDataJSON() as { args: [CheckRequest] }).args[0]);
    });
    try {
      await page.goto(appUrl);
      // Trust the world's root, so the certificate faults show rather than "untrusted" everywhere.
      await page.getByRole('button', { name: 'Trusted Roots…' }).click();
      const rootsDialog = page.getByRole('dialog', { name: 'Trusted Roots' });
      const chooser = page.waitForEvent('filechooser');
      await rootsDialog.getByRole('button', { name: 'Add Certificates…' }).click();
      await (await chooser).setFiles(world.root.certPath);
      await rootsDialog.getByText('World Root CA').first().waitFor();
      await rootsDialog.getByRole('button', { name: 'Close', exact: true }).click();

      await importCsv(page, 'bulk.csv', `Domain,Type,Port\r\n${targets.map((t) => `${t.ip},DIR,${t.port}`).join('\r\n')}\r\n`);
      await page.getByRole('heading', { name: 'Target list (60)' }).waitFor();
      await page.getByRole('button', { name: /^Dismiss (message|all messages)$/ }).click();

      await page.getByRole('button', { name: 'Test', exact: true }).click();
      // The first 25 answer; then the silent servers hold every worker.
      await page.waitForFunction(() => Number((document.querySelector('progress') as HTMLProgressElement | null)?.value ?? 0) >= 25);
      assert.equal(await page.locator('progress').evaluate((el) => (el as HTMLProgressElement).max), 60);
      await page.locator('.status-count').filter({ hasText: /^\d+ \/ 60 \(\d+%\)$/ }).waitFor();
      // The engine counts endpoints: the status line names the host and port in flight, what the slowest waits for, and the time left.
      await page.locator('#status').filter({ hasText: /^Checking \d+\/60 endpoints · checking 127\.0\.0\.\d+:\d+ and \d+ more · slowest: 127\.0\.0\.\d+:\d+, waiting \d+ s for the TLS handshake · .*left$/ }).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Table', exact: true }).getAttribute('aria-pressed'), 'true');

      const cancelledAt = Date.now();
      await page.getByRole('button', { name: 'Cancel Test' }).click();
      await page.getByRole('status').filter({ hasText: /^Test cancelled: \d+ endpoints checked before it stopped\.$/ }).waitFor({ timeout: 4000 });
      assert.ok(Date.now() - cancelledAt < 4000, 'Cancel stops promptly');
      const kept = Number(/(\d+) endpoints/.exec(await page.locator('#status').innerText())?.[1]);
      assert.ok(kept >= 25 && kept < 60, `${kept} results kept`);
      assert.equal(await grid(page).getAttribute('aria-rowcount'), String(kept + 1), 'the results so far stay in the table');
      assert.equal(await page.locator('.status-eta').count(), 0);

      // The hanging servers go away; Resume runs only the targets without a result.
      await Promise.all(silentServers.map((server) => server.close()));
      const resume = page.getByRole('button', { name: `Resume (${60 - kept} left)` });
      await resume.click();
      await page.getByRole('status').filter({ hasText: 'Done: 60 endpoints checked.' }).waitFor();
      assert.equal(await page.locator('.status-count').innerText(), '60 / 60 (100%)');
      assert.equal(await resume.count(), 0);
      assert.equal(startRequests.length, 2);
      assert.equal(startRequests[0].targets.length, 60);
      assert.equal(startRequests[1].targets.length, 60 - kept);

      // Every target has exactly one result, and the second run only had the ones the first did not finish.
      const exported = JSON.parse(await download(page, () => page.getByRole('button', { name: 'Export JSON' }).click())) as { results: EndpointResult[]; importErrors: unknown[] };
      // The list was imported: like check --import --json, the document says which rows were rejected (none).
      assert.deepEqual(Object.keys(exported), ['results', 'importErrors']);
      assert.deepEqual(exported.importErrors, []);
      // In the list's order, whatever order they finished in.
      assert.deepEqual(exported.results.map((r) => `${r.target}|${r.port}`), targets.map((t) => `${t.ip}|${t.port}`));
      const resultKeys = exported.results.map((r) => `${r.target}|${r.port}`);
      assert.deepEqual([...resultKeys].sort(), targets.map((t) => `${t.ip}|${t.port}`).sort());
      const firstRun = new Set(resultKeys.slice(0, kept));
      assert.ok(startRequests[1].targets.every((t) => !firstRun.has(`${t.input}|${t.port}`)));
      assert.equal(exported.results.filter((r) => r.error).length, 20, 'the 20 closed servers are unreachable');
      const csv = await download(page, () => page.getByRole('button', { name: 'Export CSV' }).click());
      assert.equal(csv.trimEnd().split('\r\n').length, 61);

      // Sort by severity: the most serious first.
      const severityHeader = grid(page).getByRole('columnheader', { name: 'Worst severity', exact: true });
      await severityHeader.getByRole('button').click();
      assert.equal(await severityHeader.getAttribute('aria-sort'), 'ascending');
      const severities = (await visibleColumn(page, 'severity')).map((text) => text.replace(/^\S+\s/, ''));
      assert.deepEqual(severities.slice(0, 20), Array(20).fill('Unreachable'));
      const rank = ['Unreachable', 'Error', 'Warning', 'Info', 'OK', 'No comments'];
      assert.deepEqual(severities, [...severities].sort((a, b) => rank.indexOf(a) - rank.indexOf(b)));
      // The engine's verdicts vary across the world's cases (the chips count every row).
      const chipCounts = Object.fromEntries(
        (await page.locator('.severity-filter label').allInnerTexts()).map((text) => [text.replace(/^\S+\s+|\s+\d+$/g, ''), Number(/(\d+)$/.exec(text)?.[1])]),
      );
      assert.equal(chipCounts.Unreachable, 20);
      assert.ok(chipCounts.Error > 0 && chipCounts.Warning + chipCounts.Info + chipCounts.OK > 0, JSON.stringify(chipCounts));

      // Filter: the unreachable ones, then one address by text, sorted by port.
      const chip = (name: string) => page.locator('.severity-filter label', { hasText: name }).locator('input');
      await chip('Unreachable').check();
      await page.getByText('20 of 60 rows').waitFor();
      await chip('Unreachable').uncheck();
      await page.getByLabel('Filter results').fill('127.0.0.9');
      await page.getByText('5 of 60 rows').waitFor();
      assert.deepEqual([...new Set(await visibleColumn(page, 'ip'))], ['127.0.0.9']);
      // IP targets show the port they were checked on, so the five rows of one address tell themselves apart.
      const targetCells = await visibleColumn(page, 'target');
      assert.ok(targetCells.every((text) => /^127\.0\.0\.9:\d+$/.test(text)), targetCells.join(', '));
      assert.equal(new Set(targetCells).size, 5);
      const portHeader = grid(page).getByRole('columnheader', { name: 'Port', exact: true });
      await portHeader.getByRole('button').click();
      const ports = (await visibleColumn(page, 'port')).map(Number);
      assert.deepEqual(ports, [...ports].sort((a, b) => a - b));
      const summaryTips = await grid(page).locator('.body-row .col-summary').evaluateAll((cells) => cells.map((cell) => cell.getAttribute('title') ?? ''));
      assert.deepEqual([...new Set(summaryTips.map((tip) => tip.includes('weak-signature')))], [true], 'the engine\'s comment ids, in the tooltip');

      // A row click opens its card; the card saves the whole chain as one PEM file.
      await rowAt(page, 2).click();
      const dialog = page.getByRole('dialog', { name: /^Endpoint \d+ of 60$/ });
      await dialog.waitFor();
      assert.equal(await dialog.locator('.card-title').innerText().then((t) => t.replace(/^\d+\.\s*/, '')), `127.0.0.9:${ports[0]}`);
      const pem = await download(page, () => dialog.getByRole('button', { name: /^Save chain of .* as PEM bundle$/ }).click());
      const blocks = pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n/g) ?? [];
      assert.ok(blocks.length >= 2, `${blocks.length} certificates in the bundle`);
      assert.equal(blocks.join(''), pem);
      const thumbprints = blocks.map((block) => new X509Certificate(block).fingerprint.replace(/:/g, ''));
      assert.equal(thumbprints[0], world.certs.sha1.thumbprint);
      assert.ok(thumbprints.includes(world.ca.thumbprint), 'the issuing CA is in the bundle');
      await page.getByText(/Saved the chain \(\d certificates\)/).waitFor();
      if (SCREENSHOT_DIR) await page.screenshot({ path: join(SCREENSHOT_DIR, 'table-card-dialog.png') });
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      assert.deepEqual(problems, []);

      if (SCREENSHOT_DIR) {
        mkdirSync(SCREENSHOT_DIR, { recursive: true });
        await page.getByLabel('Filter results').fill('');
        const dismiss = page.getByRole('button', { name: /^Dismiss (message|all messages)$/ });
        while ((await dismiss.count()) > 0) await dismiss.first().click();
        // Back to the results' order: the answering servers first, then the ones that hung.
        await portHeader.getByRole('button').click();
        await portHeader.getByRole('button').click();
        await page.mouse.move(0, 0);
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        await page.screenshot({ path: join(SCREENSHOT_DIR, 'table-left.png') });
        // docs/screenshot-table.png: scrolled sideways, Severity and Target stay while the dates and the summary come into view.
        await grid(page).evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
        await page.screenshot({ path: join(SCREENSHOT_DIR, 'screenshot-table.png') });
      }
    } finally {
      await context.close();
    }
  });
});
