import { test, expect, hydrated, screenshot, SOP_STEPS } from './fixtures';
import { randomUUID } from 'node:crypto';

test('the demo board shows cards in every step with a timer against the standard', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await expect(page.getByTestId('connection')).toHaveText('Tersinkron');
  for (const step of SOP_STEPS) {
    const column = page.locator(`section[data-step="${step}"]`);
    await expect(column.locator('.card').first()).toBeVisible();
  }
  const card = page.locator('section[data-step="3"] .card').first();
  await expect(card.locator('.who')).toHaveText('Menunggu: Kepala Dinas');
  await expect(card.locator('.timer-text')).toContainText('/ 30 mnt');
  await expect(card).toHaveAttribute('data-status', /on-time|warning|breached|paused/);
  await expect(card.getByRole('progressbar')).toBeVisible();
  // One step 7 card waits for its confirmed start (which card comes first in the column depends on
  // the time of day the demo was made: it is ordered by arrival).
  await expect(page.locator('section[data-step="7"] .card .timer-text').filter({ hasText: 'Mulai dalam' })).toHaveCount(1);
  await screenshot(page, 'board-demo-id');
  await page.getByTestId('lang-toggle').click();
  await expect(card.locator('.who')).toHaveText('Waiting for: Head of Agency');
  await screenshot(page, 'board-demo-en');
});

test('the finished lanes hold the done, returned and failed requests with their reasons', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  for (const end of ['selesai', 'dikembalikan', 'gagal']) {
    const lane = page.locator(`details[data-end="${end}"]`);
    await expect(lane.locator('.lane-count')).not.toHaveText('0');
  }
  const returned = page.locator('details[data-end="dikembalikan"]');
  await returned.locator('summary').click();
  await expect(returned.locator('.end-reason').first()).toContainText('belum tercantum dalam surat');
});

test('a move made elsewhere appears on the board within a second', async ({ page, request }) => {
  await page.goto('/');
  await hydrated(page);
  await expect(page.getByTestId('connection')).toHaveText('Tersinkron');
  const board = await (await request.get('/api/board')).json();
  const card = board.cards.find((c: any) => c.stage.step === '2');
  const cardOnPage = page.locator(`[data-card="${card.id}"]`);
  await expect(page.locator('section[data-step="2"]').locator(cardOnPage)).toBeVisible();

  const started = Date.now();
  const res = await request.post('/api/sync/push', {
    data: {
      mutations: [{
        id: randomUUID(), actor: 'tu-lain', role: 'tu', device: 'playwright', client_time: new Date().toISOString(),
        mutation: { type: 'complete_step', card: card.id, step: '2', output: { kind: 'received', agenda_number: 'AG-99' } },
      }],
    },
  });
  expect((await res.json()).results[0].status).toBe('accepted');
  await expect(page.locator('section[data-step="3"]').locator(cardOnPage)).toBeVisible({ timeout: 1000 });
  console.log(`move visible after ${Date.now() - started} ms`);
});
