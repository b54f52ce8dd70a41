import { test as plain, expect } from '@playwright/test';
import { watchPage, hydrated } from './fixtures';

// Pages that must exist; the crawl below also visits every page they link to.
const START_PAGES = ['/', '/tugas', '/kamera', '/laporan'];

plain('every page loads and hydrates without a console error, page error or failed request', async ({ page, baseURL }) => {
  const seen = new Set<string>();
  const queue = [...START_PAGES];
  while (queue.length > 0) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const trouble = watchPage(page);
    const res = await page.goto(path);
    expect(res?.status(), `${path} answers 200`).toBe(200);
    await hydrated(page);
    await page.waitForLoadState('networkidle');
    expect(trouble, `${path} loads cleanly`).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [] });
    page.removeAllListeners();
    const links = await page.locator('a[href]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    for (const link of links) {
      const url = new URL(link);
      if (url.origin === new URL(baseURL!).origin && !url.pathname.startsWith('/api/')) queue.push(url.pathname);
    }
  }
  expect(seen.size).toBeGreaterThanOrEqual(START_PAGES.length);
});

plain('an unknown address answers 404 with a page that leads back to the board', async ({ page }) => {
  const trouble = watchPage(page, (url, status) => status === 404 && url.endsWith('/no-such-page'));
  const res = await page.goto('/no-such-page');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Halaman tidak ditemukan');
  await hydrated(page);
  await page.getByRole('link', { name: 'Kembali ke papan' }).click();
  await expect(page.locator('section[data-step]')).toHaveCount(8);
  expect(trouble.pageErrors).toEqual([]);
  expect(trouble.failedRequests).toEqual([]);
  // Chromium logs the document's own 404 as a console error; nothing else may be there.
  expect(trouble.consoleErrors.filter((e) => !e.includes('404'))).toEqual([]);
});
