import { test, expect, type Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { watchPage, hydrated } from './fixtures';

/** Opens the board, live, with the service worker controlling the page and the board saved in this
 * browser (current layout, 3); returns how many cards it shows. */
async function openBoardSavedHere(page: Page): Promise<number> {
  await page.goto('/');
  await hydrated(page);
  await expect(page.getByTestId('connection')).toHaveText('Tersinkron');
  const cards = await page.locator('section[data-step] .card').count();
  expect(cards).toBeGreaterThan(0);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10_000 });
  await expect.poll(() => page.evaluate(() => JSON.parse(localStorage.getItem('pantau.board') ?? '{}').version), { timeout: 10_000 }).toBe(3);
  return cards;
}

test('reloading while offline still shows the board this browser saw, and it comes back live', async ({ page, context, request }) => {
  // While offline the API cannot answer: those failures are expected here, nothing else is.
  let offline = false;
  const trouble = watchPage(page);
  const cards = await openBoardSavedHere(page);
  const badge = page.getByTestId('connection');

  // A move arrives live after the snapshot: it must survive the offline reload too.
  const board = await (await request.get('/api/board')).json();
  const card = board.cards.find((c: any) => c.stage.step === '2');
  const res = await request.post('/api/sync/push', {
    data: { mutations: [{
      id: randomUUID(), actor: 'tu-lain', role: 'tu', device: 'playwright', client_time: new Date().toISOString(),
      mutation: { type: 'complete_step', card: card.id, step: '2', output: { kind: 'received' } },
    }] },
  });
  expect((await res.json()).results[0].status).toBe('accepted');
  const moved = page.locator(`section[data-step="3"] [data-card="${card.id}"]`);
  await expect(moved).toBeVisible();
  await expect
    .poll(() => page.evaluate(() => JSON.parse(localStorage.getItem('pantau.board') ?? '{}').events?.length ?? 0), { timeout: 10_000 })
    .toBeGreaterThan(0);

  offline = true;
  await context.setOffline(true);
  await page.reload();
  await hydrated(page);
  await expect(page.locator('section[data-step] .card')).toHaveCount(cards);
  await expect(moved).toBeVisible();
  await expect(badge).toContainText('Offline · data dari');

  offline = false;
  await context.setOffline(false);
  await expect(badge).toHaveText('Tersinkron', { timeout: 15_000 });
  expect(trouble.pageErrors).toEqual([]);
  const unexpected = trouble.failedRequests.filter((r) => !(r.includes('/api/') || r.includes('net::ERR_INTERNET_DISCONNECTED')));
  expect(unexpected, `offline=${offline}`).toEqual([]);
});

test('a board saved by the previous version (layout 2) still shows offline after an upgrade, and is saved anew', async ({ page, context }) => {
  const trouble = watchPage(page);
  const cards = await openBoardSavedHere(page);

  // Layout 2 held the server's texts as escaped JSON strings. Written as the old version did, with
  // the network gone: only this browser's copy can show the board.
  await context.setOffline(true);
  await page.evaluate(() => {
    const saved = JSON.parse(localStorage.getItem('pantau.board')!);
    localStorage.setItem('pantau.board', JSON.stringify({
      version: 2, saved_at: saved.saved_at,
      snapshot: JSON.stringify(saved.snapshot), events: saved.events.map((e: unknown) => JSON.stringify(e)),
    }));
    // The page must not save over it on the way out.
    addEventListener('pagehide', (e) => e.stopImmediatePropagation(), { capture: true });
  });
  expect(await page.evaluate(() => typeof JSON.parse(localStorage.getItem('pantau.board')!).snapshot)).toBe('string');
  await page.reload();
  await hydrated(page);
  await expect(page.locator('section[data-step] .card')).toHaveCount(cards);
  await expect(page.getByTestId('connection')).toContainText('Offline · data dari');

  await context.setOffline(false);
  await expect(page.getByTestId('connection')).toHaveText('Tersinkron', { timeout: 15_000 });
  await expect.poll(() => page.evaluate(() => {
    const saved = JSON.parse(localStorage.getItem('pantau.board') ?? '{}');
    return [saved.version, typeof saved.snapshot];
  }), { timeout: 10_000 }).toEqual([3, 'object']);
  expect(trouble.pageErrors).toEqual([]);
});
