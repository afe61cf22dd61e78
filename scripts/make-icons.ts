/** The install icons (public/icon-192.png, icon-512.png) rendered from favicon.svg by Debian's Chromium: run when the icon changes. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';

const root = join(import.meta.dirname, '..');
const svg = readFileSync(join(root, 'public', 'favicon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
for (const size of [192, 512]) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  // A maskable icon keeps its content inside the central 80%: the background fills the rest.
  await page.setContent(`<body style="margin:0;background:#232838;display:grid;place-items:center;height:${size}px">${svg.replace('<svg ', `<svg width="${Math.round(size * 0.8)}" height="${Math.round(size * 0.8)}" `)}</body>`);
  await page.screenshot({ path: join(root, 'public', `icon-${size}.png`) });
  await page.close();
}
await browser.close();
