// Makes the install icons (app/public/icon-*.png) from favicon.svg with Debian's Chromium: run
// `node end2end/support/make-icons.mjs` from the repository after changing the mark.
import { chromium } from '@playwright/test';
import fs from 'node:fs';
const svg = fs.readFileSync(new URL('../../app/public/favicon.svg', import.meta.url), 'utf8');
// Maskable: the same mark on a full-bleed square (the platform rounds or circles it itself).
const maskable = svg.replace('rx="14"', 'rx="0"').replace('r="16"', 'r="13"').replace('r="6"', 'r="5"').replace('stroke-width="6"', 'stroke-width="5"');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage();
for (const [name, src, size] of [['icon-192.png', svg, 192], ['icon-512.png', svg, 512], ['icon-maskable-512.png', maskable, 512]]) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(`<html><body style="margin:0;background:transparent">${src.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`);
  await page.screenshot({ path: new URL(`../../app/public/${name}`, import.meta.url).pathname, omitBackground: true });
}
await browser.close();
