// The history in the app, through the web harness in Chromium, sharing one history file with the CLI:
// the CLI records the first run of a list, certificates are swapped, the app runs the list again and
// its Changes panel shows what changed (filterable, exported as CSV Python reads back), a card opens the
// target's History (exported too), and the CLI's `diff` then reads the run the app recorded.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { main } from '../cli/main.ts';
import { startWebServer } from '../web/server.ts';
import { readHistorySettings } from '../shared/history/recording.ts';
import { HistoryStore, historyPath } from '../shared/history/store.ts';
import { BrowserSuite, browserSkip, SCREENSHOT_DIR } from './helpers/browser.ts';
import { EXPECTED_CHANGES, POOL_IPS, startHistoryScenario, type HistoryScenario, pythonCsv } from './helpers/history-scenario.ts';


describe('history in the app (web harness, Chromium)', { skip: browserSkip }, () => {
  const suite = new BrowserSuite();
  const cleanups: (() => Promise<void>)[] = [];
  let scenario: HistoryScenario;
  let dataDir = '';
  let appUrl = '';

  before(async () => {
    await suite.build('sfb-ui-history-');
    scenario = await startHistoryScenario();
    cleanups.push(() => scenario.close());
    dataDir = join(suite.workDir, 'data');
    const web = await startWebServer({ port: 0, host: '127.0.0.1', dataDir, rendererDir: suite.rendererDir });
    appUrl = web.url;
    cleanups.push(() => web.close());
    await suite.launch();
  });

  after(() => suite.close(cleanups));

  async function cli(...argv: string[]): Promise<{ code: number; out: string }> {
    let out = '';
    const code = await main([...argv, '--data-dir', dataDir], (t) => void (out += t), () => {});
    return { code, out };
  }

  async function download(page: Page, click: () => Promise<void>, name: string): Promise<string> {
    const pending = page.waitForEvent('download');
    await click();
    const path = join(suite.workDir, name);
    writeFileSync(path, readFileSync(await (await pending).path()));
    return path;
  }

  test('the CLI records a run, the app records the next into the same file: Changes panel, History view, exports, then the CLI diff', async () => {
    const first = await cli('check', '--import', scenario.listPath, '--dns-server', scenario.dns.address, '--timeout', '3000', '--json', '--fail-on', 'never');
    assert.equal(first.code, 0);
    await scenario.change();

    const { context, page, problems } = await suite.newPage({ acceptDownloads: true });
    try {
      await page.goto(appUrl);
      await page.getByLabel('Host', { exact: true }).waitFor();
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: 'Import…' }).click();
      await (await chooser).setFiles(scenario.listPath);
      await page.getByRole('heading', { name: 'Target list (3)' }).waitFor();
      await page.getByLabel('DNS Server').fill(scenario.dns.address);
      await page.getByRole('button', { name: 'Test', exact: true }).click();
      await page.getByRole('status').filter({ hasText: /Done: 4 endpoints? checked/ }).waitFor({ timeout: 30_000 });

      const today = new Date().toISOString().slice(0, 10);
      await page.getByRole('button', { name: `${EXPECTED_CHANGES.length} changed since ${today}` }).click();
      const panel = page.getByRole('dialog', { name: `${EXPECTED_CHANGES.length} changed since ${today}` });
      await panel.waitFor();
      const rows = page.getByRole('table', { name: 'Changes' }).locator('tbody tr');
      assert.equal(await rows.count(), EXPECTED_CHANGES.length);
      const kinds = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-kind')));
      assert.deepEqual(kinds.sort(), EXPECTED_CHANGES.map((c) => c.split(' ')[0]).sort());
      if (SCREENSHOT_DIR) await page.screenshot({ path: join(SCREENSHOT_DIR, 'changes-panel.png') });

      // Filtered like the results table: by severity, then by words.
      await page.getByLabel('Filter changes by severity').selectOption('error');
      assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-kind'))), ['reachability-lost']);
      await page.getByLabel('Filter changes by severity').selectOption('all');
      await page.getByLabel('Filter changes', { exact: true }).fill('pool.contoso.test certificate-changed');
      assert.equal(await rows.count(), 1);
      await page.getByLabel('Filter changes', { exact: true }).fill('');

      const changesCsv = pythonCsv(await download(page, () => page.getByRole('button', { name: 'Export changes…' }).click(), 'changes.csv'));
      await panel.getByRole('button', { name: 'Close', exact: true }).click();
      await panel.waitFor({ state: 'hidden' });
      assert.deepEqual(changesCsv.map((r) => `${r.Change} ${r.Target} ${r['IP Address']}`).sort(), EXPECTED_CHANGES);

      // The History of the pool, from the card of the member that changed.
      await page.locator(`article.card[data-ip="${POOL_IPS[1]}"]`).getByRole('button', { name: /^History of/ }).click();
      const dialog = page.getByRole('dialog', { name: 'History of pool.contoso.test' });
      const timeline = dialog.getByRole('table', { name: 'Timeline' });
      await timeline.waitFor();
      assert.equal(await timeline.getByRole('cell', { name: scenario.certs.poolOther.thumbprint, exact: true }).count(), 1);
      assert.equal(await timeline.getByRole('cell', { name: scenario.certs.pool.thumbprint, exact: true }).count(), 3);
      await dialog.getByRole('listitem').filter({ hasText: 'New certificate:' }).first().waitFor();
      const historyCsv = pythonCsv(await download(page, () => dialog.getByRole('button', { name: 'Export history…' }).click(), 'history.csv'));
      assert.deepEqual(historyCsv.map((e) => `${e.Run} ${e['IP Address']} ${e.Thumbprint}`), [
        `1 ${POOL_IPS[0]} ${scenario.certs.pool.thumbprint}`,
        `1 ${POOL_IPS[1]} ${scenario.certs.pool.thumbprint}`,
        `2 ${POOL_IPS[0]} ${scenario.certs.pool.thumbprint}`,
        `2 ${POOL_IPS[1]} ${scenario.certs.poolOther.thumbprint}`,
      ]);
      await dialog.getByRole('button', { name: 'Close', exact: true }).click();

      // The app's setting turns recording off (and sets how much is kept) for every shell.
      await page.getByRole('button', { name: 'History…' }).click();
      const settings = page.getByRole('dialog', { name: 'History' });
      await settings.getByText(dataDir).waitFor();
      assert.equal(await settings.getByLabel('Record every check').isChecked(), true);
      assert.equal(await settings.getByLabel('Keep days').inputValue(), '400');
      await settings.getByLabel('Keep days').fill('30');
      await settings.getByLabel('Record every check').uncheck();
      await settings.getByRole('button', { name: 'Save' }).click();
      await settings.waitFor({ state: 'hidden' });
      assert.deepEqual(readHistorySettings(dataDir), { record: false, retention: { maxDays: 30, maxRuns: null } });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }

    // The CLI reads the run the app recorded, in the same file.
    const diff = await cli('diff', '--json');
    assert.equal(diff.code, 0);
    const changes = JSON.parse(diff.out).changes as { kind: string; target: string; ip: string }[];
    assert.deepEqual(changes.map((c) => `${c.kind} ${c.target} ${c.ip}`).sort(), EXPECTED_CHANGES);

    // With recording off in the app, a plain CLI check records nothing either.
    await cli('check', `${POOL_IPS[0]}:${scenario.ports.pool}`, '--timeout', '3000', '--json');
    const store = HistoryStore.open(historyPath(dataDir));
    try {
      assert.equal(store.runs().length, 2);
    } finally {
      store.close();
    }
  });
});
