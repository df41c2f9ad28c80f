// `npm run bench -- --ui`: the renderer under load, in Chromium (/usr/bin/chromium, headless), through
// the browser harness (web/server.ts) with a canned engine, so no network:
//   a live run of 1,000 results arriving over a few seconds, as a bulk run's do: long tasks (over 50 ms,
//   PerformanceObserver 'longtask') on the page meanwhile;
//   10,000 results, then the table scrolled frame after frame: frames per second from requestAnimationFrame
//   timings, and the page's memory (CDP Performance.getMetrics: JS heap, DOM nodes).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { RunHooks } from '../../shared/engine/pipeline.ts';
import type { CheckRequest, EndpointResult } from '../../shared/types.ts';
import { fakeCert, fakeResult } from '../../test/helpers/fake-results.ts';
import { CHROMIUM, launchChromium } from '../../test/helpers/browser.ts';
import { startWebServer } from '../../web/server.ts';
import { build } from '../build.ts';
import { mb, round } from './measure.ts';

export interface UiBenchReport {
  browser: string;
  live: { results: number; seconds: number; longTasksOver50ms: number; longestTaskMs: number; longTasksOver100ms: number };
  scroll: {
    results: number;
    frames: number;
    seconds: number;
    fps: number;
    /** 1000 / the median frame interval: what the page manages when the machine does not stall it. */
    medianFps: number;
    /** Frames that took over twice the median (stalls, the page's or the machine's). */
    slowFrames: number;
    slowestFrameMs: number;
  };
  memory: { results: number; jsHeapUsedMb: number; jsHeapTotalMb: number; domNodes: number };
}

const LIVE_RESULTS = 1000;
/** About the engine's pace on loopback: 1,000 results in ~5 s, in small bursts. */
const LIVE_BURST = 10;
const LIVE_BURST_EVERY_MS = 50;
const LOADED_RESULTS = 10_000;
const SCROLL_FRAMES = 300;

function result(i: number): EndpointResult {
  const severities = ['error', 'warning', 'info', 'ok'] as const;
  const kind = i % 4;
  return fakeResult({
    target: `h${i}.contoso.com:5061`,
    host: `h${i}.contoso.com`,
    ip: `127.${(i >> 8) & 255}.${i & 255}.1`,
    served: [fakeCert({ notAfter: new Date(Date.UTC(2045, 0, 1) - i * 86_400_000).toISOString() })],
    comments: [{ id: `rule-${severities[kind]}`, severity: severities[kind], text: `A ${severities[kind]} comment for row ${i}.` }],
  });
}

/** The canned engine: the request's first target decides how many results, and how fast, it reports. */
async function cannedEngine(request: CheckRequest, hooks: RunHooks = {}): Promise<EndpointResult[]> {
  const live = request.targets[0]?.input.startsWith('live') ?? false;
  const total = live ? LIVE_RESULTS : LOADED_RESULTS;
  for (let i = 0; i < total; i++) {
    if (hooks.signal?.aborted) break;
    hooks.onResult?.(result(i));
    if (i % LIVE_BURST === LIVE_BURST - 1) {
      hooks.onProgress?.({ done: i + 1, total, current: null, endpoints: { done: i + 1, total }, inFlight: [] });
      await new Promise((resolve) => setTimeout(resolve, live ? LIVE_BURST_EVERY_MS : 0));
    }
  }
  return [];
}

/** Installed before the app loads: every long task the page has, kept on window. */
function watchLongTasks(): void {
  const tasks: number[] = [];
  (window as unknown as { __longTasks: number[] }).__longTasks = tasks;
  new PerformanceObserver((list) => list.getEntries().forEach((entry) => tasks.push(entry.duration))).observe({ type: 'longtask', buffered: true });
}

async function startCheck(page: Page, host: string, results: number): Promise<number> {
  await page.getByLabel('Host', { exact: true }).fill(host);
  const started = Date.now();
  await page.getByRole('button', { name: 'Test', exact: true }).click();
  const done = page.getByRole('status').filter({ hasText: /Done: \d+ endpoints checked\./ });
  await done.waitFor({ timeout: 300_000 }).catch(async (error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; the status line says: ${await page.getByRole('status').first().textContent()}`);
  });
  const shown = Number(/Done: (\d+)/.exec((await done.textContent()) ?? '')?.[1] ?? 0);
  if (shown < results) throw new Error(`the page shows ${shown} results, expected ${results}`);
  return (Date.now() - started) / 1000;
}

export async function runUiBench(log: (line: string) => void): Promise<UiBenchReport> {
  const workDir = mkdtempSync(join(tmpdir(), 'sfb-bench-ui-'));
  log('Building the renderer and starting the web harness with a canned engine...');
  const { rendererDir } = await build({ parts: ['renderer'], outDir: join(workDir, 'dist') });
  const server = await startWebServer({ port: 0, dataDir: join(workDir, 'data'), rendererDir, engine: cannedEngine as never });
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.addInitScript({ content: `(${watchLongTasks.toString()})();` });

    log(`A live run of ${LIVE_RESULTS} results...`);
    await page.goto(server.url);
    const liveSeconds = await startCheck(page, 'live.contoso.com', LIVE_RESULTS);
    const tasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks.slice());

    log(`${LOADED_RESULTS} results, then scrolling the table for ${SCROLL_FRAMES} frames...`);
    await page.reload();
    await startCheck(page, 'bulk.contoso.com', LOADED_RESULTS);
    const grid = page.getByRole('grid', { name: 'Results table' });
    await grid.locator('[role="row"][aria-rowindex="2"]').waitFor();
    // Like a mouse wheel held down: a few rows further every frame, timed by requestAnimationFrame.
    const frameTimes = await grid.evaluate(async (el, frames) => {
      const times: number[] = [];
      const stepPx = 120;
      for (let i = 0; i < frames; i++) {
        el.scrollTop += stepPx;
        times.push(await new Promise<number>((resolve) => requestAnimationFrame((t) => resolve(t))));
      }
      return times;
    }, SCROLL_FRAMES);
    const seconds = (frameTimes.at(-1)! - frameTimes[0]!) / 1000;
    const intervals = frameTimes.slice(1).map((t, i) => t - frameTimes[i]!);
    const medianInterval = [...intervals].sort((a, b) => a - b)[Math.floor(intervals.length / 2)]!;

    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
    await context.close();
    return {
      browser: `${CHROMIUM} ${browser.version()} headless`,
      live: {
        results: LIVE_RESULTS,
        seconds: round(liveSeconds),
        longTasksOver50ms: tasks.length,
        longestTaskMs: round(Math.max(0, ...tasks), 0),
        longTasksOver100ms: tasks.filter((ms) => ms > 100).length,
      },
      scroll: {
        results: LOADED_RESULTS,
        frames: intervals.length,
        seconds: round(seconds),
        fps: round(intervals.length / seconds, 1),
        medianFps: round(1000 / medianInterval, 1),
        slowFrames: intervals.filter((ms) => ms > 2 * medianInterval).length,
        slowestFrameMs: round(Math.max(...intervals), 0),
      },
      memory: { results: LOADED_RESULTS, jsHeapUsedMb: mb(metric('JSHeapUsedSize')), jsHeapTotalMb: mb(metric('JSHeapTotalSize')), domNodes: metric('Nodes') },
    };
  } finally {
    await browser.close();
    await server.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

export function formatUiReport(r: UiBenchReport): string {
  return [
    `Renderer in ${r.browser}, through the web harness with a canned engine:`,
    `  live run of ${r.live.results} results over ${r.live.seconds} s: ${r.live.longTasksOver50ms} long tasks over 50 ms, ${r.live.longTasksOver100ms} over 100 ms, the longest ${r.live.longestTaskMs} ms`,
    `  scrolling the table of ${r.scroll.results} results: ${r.scroll.fps} frames per second (${r.scroll.frames} frames in ${r.scroll.seconds} s; median frame ${r.scroll.medianFps} fps; ${r.scroll.slowFrames} frames over twice the median, the slowest ${r.scroll.slowestFrameMs} ms)`,
    `  page memory with ${r.memory.results} results (after GC): JS heap ${r.memory.jsHeapUsedMb} MB used of ${r.memory.jsHeapTotalMb} MB, ${r.memory.domNodes} DOM nodes`,
    '',
  ].join('\n');
}
