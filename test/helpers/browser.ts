// Headless Chromium for the renderer tests: where the browser is, when its tests skip, how it is
// launched, the renderer build it loads, and pages that collect the app's console and page errors.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';

/** Debian's chromium package; playwright-core brings no browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
export const haveChromium = existsSync(CHROMIUM);

/** The `skip` of every browser suite: the reason when Chromium is missing, else false. */
export const browserSkip: string | false = haveChromium ? false : `Chromium is not installed at ${CHROMIUM} (apt-get install chromium): browser UI tests skipped`;

/**
 * The `skip` of the one test that checks Chromium is there. CI must have the browser: with CI=true a missing
 * Chromium fails that test instead of skipping it (the browser suites themselves still skip).
 */
export const chromiumCheckSkip: string | false = haveChromium || process.env.CI === 'true' ? false : browserSkip;

/** Set UI_SCREENSHOT_DIR to keep screenshots of what the tests saw. */
export const SCREENSHOT_DIR = process.env.UI_SCREENSHOT_DIR;

export async function launchChromium(): Promise<Browser> {
  // Loaded on demand so the tests without a browser do not pay for it.
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Builds the renderer into workDir/dist; returns the folder holding index.html. */
export async function buildRenderer(workDir: string): Promise<string> {
  const { build } = await import('../../scripts/build.ts');
  return (await build({ parts: ['renderer'], outDir: join(workDir, 'dist') })).rendererDir;
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  /** The page's uncaught errors and console errors so far: a clean run leaves it empty. */
  problems: string[];
}

const problemsOfPage = new WeakMap<Page, string[]>();

/** A 1280x800 page in a fresh context (15 s default timeout) that records the app's errors. */
export async function newPage(browser: Browser | undefined, contextOptions: BrowserContextOptions = {}): Promise<OpenedPage> {
  assert.ok(browser);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, ...contextOptions });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  problemsOfPage.set(page, problems);
  return { context, page, problems };
}

/** The problems recorded for a page opened with newPage (empty for any other page). */
export function pageProblems(page: Page): string[] {
  return problemsOfPage.get(page) ?? [];
}

/**
 * What the browser suites of a test file share, one describe block at a time: a temporary work folder, the
 * renderer built into it, and Chromium. A suite calls build() and launch() (or start()) in its before hook and
 * close() in its after hook; suites with servers start them in between, so the web server can serve rendererDir.
 */
export class BrowserSuite {
  browser: Browser | undefined;
  workDir = '';
  rendererDir = '';

  /** A fresh temporary folder named after prefix, with the renderer built into it. */
  async build(prefix: string): Promise<void> {
    this.workDir = mkdtempSync(join(tmpdir(), prefix));
    this.rendererDir = await buildRenderer(this.workDir);
  }

  async launch(): Promise<void> {
    this.browser = await launchChromium();
  }

  /** build() then launch(), for suites that start nothing else. */
  async start(prefix: string): Promise<void> {
    await this.build(prefix);
    await this.launch();
  }

  newPage(contextOptions: BrowserContextOptions = {}): Promise<OpenedPage> {
    return newPage(this.browser, contextOptions);
  }

  /** Closes Chromium, then runs the suite's cleanups newest first (their failures ignored), then removes the work folder. */
  async close(cleanups: (() => Promise<void>)[] = []): Promise<void> {
    await this.browser?.close();
    this.browser = undefined;
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    if (this.workDir) rmSync(this.workDir, { recursive: true, force: true });
  }
}

/** Adds a root under Trusted Roots through the app's dialog and the browser's file picker; waits until rootName is listed. */
export async function trustRootInDialog(page: Page, rootPath: string, rootName: string): Promise<void> {
  await page.getByRole('button', { name: 'Trusted Roots…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Trusted Roots' });
  const chooser = page.waitForEvent('filechooser');
  await dialog.getByRole('button', { name: 'Add Certificates…' }).click();
  await (await chooser).setFiles(rootPath);
  await dialog.getByText(rootName).first().waitFor();
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
}
