import { test, expect } from '@playwright/test';
import { watchPage, hydrated } from './fixtures';

test('reloading while offline still shows the board this browser saw, and it comes back live', async ({ page, context }) => {
  // While offline the API cannot answer: those failures are expected here, nothing else is.
  let offline = false;
  const trouble = watchPage(page);
  await page.goto('/');
  await hydrated(page);
  const badge = page.getByTestId('connection');
  await expect(badge).toHaveText('Tersinkron');
  const cards = await page.locator('section[data-step] .card').count();
  expect(cards).toBeGreaterThan(0);
  // The service worker controls the page, and the board is saved in this browser.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10_000 });
  await expect.poll(() => page.evaluate(() => localStorage.getItem('pantau.board') !== null), { timeout: 10_000 }).toBe(true);

  offline = true;
  await context.setOffline(true);
  await page.reload();
  await hydrated(page);
  await expect(page.locator('section[data-step] .card')).toHaveCount(cards);
  await expect(badge).toContainText('Offline · data dari');

  offline = false;
  await context.setOffline(false);
  await expect(badge).toHaveText('Tersinkron', { timeout: 15_000 });
  expect(trouble.pageErrors).toEqual([]);
  const unexpected = trouble.failedRequests.filter((r) => !(r.includes('/api/') || r.includes('net::ERR_INTERNET_DISCONNECTED')));
  expect(unexpected, `offline=${offline}`).toEqual([]);
});
