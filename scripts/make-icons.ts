// `npm run icons`: renders build/icon.svg (the one source image) into every icon the installers use:
// build/icons/NxN.png (Linux, electron-builder's naming), build/icon.png (1024), build/icon.ico
// (Windows, 16..256) and build/icon.icns (macOS, 16..1024). The results are committed; run this again
// only after changing the SVG. Rendering uses Chromium through playwright-core (set CHROMIUM_PATH when
// it is not /usr/bin/chromium), so each size is drawn from the vector, not scaled down from a bitmap.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import pngToIco from 'png-to-ico';
import { ROOT_DIR } from './build.ts';

export const BUILD_DIR = join(ROOT_DIR, 'build');
export const ICON_SOURCE = join(BUILD_DIR, 'icon.svg');
export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;
/** ICNS entry types and the pixel size each holds (the set Apple's iconutil writes). */
export const ICNS_TYPES: readonly (readonly [string, number])[] = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32],
  ['ic12', 64],
  ['ic07', 128],
  ['ic13', 256],
  ['ic08', 256],
  ['ic14', 512],
  ['ic09', 512],
  ['ic10', 1024],
];

interface IcnsLib {
  format(icons: Record<string, Buffer>): Buffer;
  parse(buffer: Buffer): Record<string, Buffer>;
}
// icns-lib is CommonJS without type declarations.
export const icns = createRequire(import.meta.url)('icns-lib') as IcnsLib;

const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** PNG renderings of the SVG, one per size, transparent background. */
export async function renderPngs(svg: string, sizes: readonly number[], executablePath = process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM): Promise<Map<number, Buffer>> {
  const browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    const source = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    const pngs = new Map<number, Buffer>();
    for (const size of sizes) {
      await page.setViewportSize({ width: size, height: size });
      await page.setContent(
        `<!doctype html><html><body style="margin:0;background:transparent"><img id="icon" src="${source}" width="${size}" height="${size}" style="display:block"></body></html>`,
      );
      await page.locator('#icon').evaluate((img: HTMLImageElement) => img.decode());
      pngs.set(size, await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }));
    }
    return pngs;
  } finally {
    await browser.close();
  }
}

export async function makeIcons(buildDir = BUILD_DIR): Promise<string[]> {
  const svg = await readFile(join(buildDir, 'icon.svg'), 'utf8');
  const pngs = await renderPngs(svg, PNG_SIZES);
  const png = (size: number) => pngs.get(size) as Buffer;
  const written: string[] = [];
  const write = async (path: string, data: Buffer) => {
    await writeFile(path, data);
    written.push(path);
  };

  await mkdir(join(buildDir, 'icons'), { recursive: true });
  for (const size of PNG_SIZES) await write(join(buildDir, 'icons', `${size}x${size}.png`), png(size));
  await write(join(buildDir, 'icon.png'), png(1024));
  await write(join(buildDir, 'icon.ico'), await pngToIco(ICO_SIZES.map(png)));
  await write(join(buildDir, 'icon.icns'), icns.format(Object.fromEntries(ICNS_TYPES.map(([type, size]) => [type, png(size)]))));
  return written;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  makeIcons().then(
    (files) => console.log(`Wrote ${files.length} icon files from ${ICON_SOURCE}.`),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exitCode = 1;
    },
  );
}
