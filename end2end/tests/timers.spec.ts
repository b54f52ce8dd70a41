import { Page } from '@playwright/test';
import { test, expect, hydrated, newRequest, completeStep as complete, quietHours, heldBytes, signed } from './fixtures';

// The board's clock is the browser's, corrected to the server's; Playwright's clock control moves
// the browser's, so the board's moves with it by exactly as much.


/** A new request taken by the API to `until` (one of 2, 5a, 7); step 7 with the schedule given. */
async function cardAt(page: Page, n: number, until: '2' | '5a' | '7', schedule?: { start: Date; end: Date }) {
  const card = await newRequest(page, n, 'tu');
  if (until === '2') return card;
  const r = page.request;
  await complete(r, card, '2', 'tu', { kind: 'received' });
  await complete(r, card, '3', 'kepala_dinas', { kind: 'disposition', to: 'kabid_aptika', instruction: 'Tindak lanjuti' });
  await complete(r, card, '4', 'kabid_aptika', { kind: 'disposition', to: 'subkor_ile', instruction: 'Proses' });
  await complete(r, card, '5', 'subkor_ile', { kind: 'review', decision: 'yes', instruction: 'Cek jaringan' });
  if (until === '5a') return card;
  await complete(r, card, '5a', 'operator_tcmr', {
    kind: 'check_report', network: 'ok',
    cameras: [{ camera: 'Simpang Tugu Naga', status: 'ok' }, { camera: 'Jl. Diponegoro', status: 'ok' }],
  });
  await complete(r, card, '6', 'subkor_ile', {
    kind: 'schedule_confirmed',
    schedule: { start: schedule!.start.toISOString(), end: schedule!.end.toISOString() },
    trial: { ok: true },
    over_standard: 'Kegiatan berlangsung tiga jam',
  });
  return card;
}

const MINUTE = 60_000;

test('a 5a card (120 min, around the clock) turns warning at 80 % and breached at 100 %', async ({ page }) => {
  await page.clock.install();
  await page.goto('/');
  await hydrated(page);
  const card = await cardAt(page, 41, '5a');
  const onBoard = page.locator(`section[data-step="5a"] [data-card="${card}"]`);
  await expect(onBoard).toHaveAttribute('data-status', 'on-time');
  await page.clock.fastForward(95 * MINUTE);
  await expect(onBoard).toHaveAttribute('data-status', 'on-time');
  await page.clock.fastForward(2 * MINUTE); // 97 min: past 96 (80 %)
  await expect(onBoard).toHaveAttribute('data-status', 'warning');
  await expect(onBoard.locator('.sla-badge')).toHaveText('Peringatan');
  await page.clock.fastForward(24 * MINUTE); // 121 min
  await expect(onBoard).toHaveAttribute('data-status', 'breached');
  await expect(onBoard.locator('.sla-badge')).toHaveText('Terlambat');
  await expect(onBoard.locator('.timer-text')).toContainText('lewat 1 mnt');
  await expect(page.locator('section[data-step="5a"] .count-breached')).toBeVisible();
});

test('an office-hours step pauses outside office hours (Saturday)', async ({ page }) => {
  await page.clock.install();
  await page.goto('/');
  await hydrated(page);
  const card = await cardAt(page, 42, '2');
  const onBoard = page.locator(`section[data-step="2"] [data-card="${card}"]`);
  await expect(onBoard).toBeVisible();
  // To the coming Saturday, 10.00 WIB (03.00 UTC): the office is closed.
  const now = new Date();
  const saturday = new Date(now);
  saturday.setUTCDate(now.getUTCDate() + ((6 - now.getUTCDay() + 7) % 7 || 7));
  saturday.setUTCHours(3, 0, 0, 0);
  await page.clock.fastForward(saturday.getTime() - now.getTime());
  // Paused, unless the week's office hours since now already ran past the standard (then the
  // card is breached, and still its clock stands).
  await expect(onBoard).toHaveAttribute('data-status', /^(paused|breached)$/);
  await expect(onBoard.locator('.timer-pause')).toHaveText('Di luar jam kerja');
  // Paused means the clock stands: an hour later it shows the same elapsed time.
  const before = await onBoard.locator('.timer-text').textContent();
  await page.clock.fastForward(60 * MINUTE);
  await expect(onBoard.locator('.timer-text')).toHaveText(before!);
});

test('step 7 says "starts in" until the confirmed start, then counts from it against the confirmed window', async ({ page }) => {
  await page.clock.install();
  await page.goto('/');
  await hydrated(page);
  const start = new Date(Date.now() + 2 * 60 * MINUTE);
  const end = new Date(start.getTime() + 3 * 60 * MINUTE);
  const card = await cardAt(page, 43, '7', { start, end });
  const onBoard = page.locator(`section[data-step="7"] [data-card="${card}"]`);
  await expect(onBoard).toHaveAttribute('data-status', 'scheduled');
  await expect(onBoard.locator('.timer-text')).toContainText('Mulai dalam');
  await page.clock.fastForward(2 * 60 * MINUTE + 5 * MINUTE);
  await expect(onBoard).toHaveAttribute('data-status', 'on-time');
  // Five minutes since the start, not two hours since the card arrived; against the agreed three
  // hours, not the SOP's two (SOP.md, "Reading of step 7's standard").
  await expect(onBoard.locator('.timer-text')).toContainText('5 mnt / 3 j 00 mnt');
  // Past the SOP's 120 minutes, inside the window: still on time.
  await page.clock.fastForward(2 * 60 * MINUTE);
  await expect(onBoard).toHaveAttribute('data-status', 'on-time');
});

test('a board left open for days holds no more memory as its timers run', async ({ page }) => {
  test.setTimeout(3 * MINUTE);
  await page.clock.install();
  await page.goto('/');
  await hydrated(page);
  // Cards with running timers are on screen: each is redrawn every second.
  await expect(page.locator('section[data-step] .card .timer-text').first()).toBeVisible();
  const timers = await page.locator('section[data-step] .card .timer-text').count();
  // 72 hours first (a whole working day opens and closes in any 72: every timer settles once),
  // then 24 more, over which the bundle's allocator may hold at most 1 KiB more. (A timer rebuilt
  // every second held 48 bytes more each time: 34 KB a day here.)
  await quietHours(page, 72);
  const settled = await heldBytes(page);
  await quietHours(page, 24);
  const after = await heldBytes(page);
  console.log(`board, ${timers} timers: allocator holds ${settled} bytes after 72 quiet hours, ${after} after 24 more (${signed(after - settled)})`);
  expect(after - settled).toBeLessThanOrEqual(1024);
});
