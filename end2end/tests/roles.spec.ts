import { Page } from '@playwright/test';
import { test, expect, signIn, newRequest, ACCOUNTS, RoleName, screenshot, fillStep, startMonitoringNow } from './fixtures';

// These tests sign in themselves, each as the role it is about.
test.use({ storageState: { cookies: [], origins: [] }, viewport: { width: 1600, height: 1000 } });

/** The steps whose cards each role may move (Subkor ILE also ends 5a, 6 and 7 as failed). */
const MOVABLE: Record<RoleName, string[]> = {
  pemohon: ['1'],
  tu: ['2'],
  kepala_dinas: ['3'],
  kabid_aptika: ['4'],
  subkor_ile: ['5', '5a', '6', '7'],
  operator_tcmr: ['5a', '7'],
  admin: ['1', '2', '3', '4', '5', '5a', '6', '7'],
};

test('each role sees only its own moves enabled, and why the others are not', async ({ page }) => {
  // One card more at steps 1 and 2 (other tests move the demo's), so that every column has one.
  await signIn(page, 'e2e.semua');
  await newRequest(page, 0);
  await newRequest(page, 100, 'tu');
  const seen: string[] = [];
  for (const role of Object.keys(ACCOUNTS) as RoleName[]) {
    await signIn(page, ACCOUNTS[role]);
    await expect(page.getByTestId('connection')).toHaveText('Tersinkron');
    for (const step of ['1', '2', '3', '4', '5', '5a', '6', '7']) {
      const buttons = page.locator(`section[data-step="${step}"] [data-testid="move"]`);
      const n = await buttons.count();
      for (let i = 0; i < n; i++) {
        const expected = MOVABLE[role].includes(step) ? 'false' : 'true';
        await expect(buttons.nth(i), `${role} at step ${step}`).toHaveAttribute('aria-disabled', expected);
      }
      if (n > 0) seen.push(`${role}@${step}`);
    }
    if (role === 'tu') {
      // The reason, on hover and focus, names who does the step.
      const kadis = page.locator('section[data-step="3"] [data-testid="move"]').first();
      await expect(kadis).toHaveAttribute('title', 'Langkah 3 dikerjakan oleh Kepala Dinas, bukan TU');
      await kadis.focus();
      await expect(kadis.locator('.move-reason')).toBeVisible();
    }
  }
  // The demo board has cards at every step, so every staff role was checked against every column.
  expect(seen.filter((s) => !s.startsWith('pemohon@'))).toHaveLength(6 * 8);
  // The applicant's account sees its own agency's letters only (not every column holds one of
  // them), among them the two made above.
  expect(seen).toEqual(expect.arrayContaining(['pemohon@1', 'pemohon@2']));
});

/** Drags a card with the mouse onto a column or lane. */
async function drag(page: Page, card: string, target: string) {
  const from = page.locator(`[data-card="${card}"] .subject`);
  const to = page.locator(target).first();
  await to.scrollIntoViewIfNeeded();
  await from.scrollIntoViewIfNeeded();
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 10, a.y + a.height / 2, { steps: 3 });
  await page.mouse.move(b.x + b.width / 2, b.y + Math.min(b.height / 2, 60), { steps: 12 });
  await page.mouse.up();
}

async function saveMove(page: Page, fill?: (dialog: ReturnType<Page['getByTestId']>) => Promise<void>) {
  const dialog = page.getByTestId('move-dialog');
  await expect(dialog).toBeVisible();
  if (fill) await fill(dialog);
  await dialog.getByTestId('save-move').click();
  await expect(dialog).toBeHidden();
}

test('a request goes through every step by drag and drop, each step by its own role, to Selesai', async ({ page }) => {
  await signIn(page, ACCOUNTS.pemohon);
  const card = await newRequest(page, 1);
  const walk: [RoleName, string, string][] = [
    ['pemohon', '1', 'section[data-step="2"]'],
    ['tu', '2', 'section[data-step="3"]'],
    ['kepala_dinas', '3', 'section[data-step="4"]'],
    ['kabid_aptika', '4', 'section[data-step="5"]'],
    ['subkor_ile', '5', 'section[data-step="5a"]'],
    ['operator_tcmr', '5a', 'section[data-step="6"]'],
    ['subkor_ile', '6', 'section[data-step="7"]'],
    ['operator_tcmr', '7', '[data-end="selesai"]'],
  ];
  for (const [role, step, target] of walk) {
    if (role !== 'pemohon') await signIn(page, ACCOUNTS[role]);
    await expect(page.locator(`section[data-step="${step}"] [data-card="${card}"]`)).toBeVisible();
    await drag(page, card, target);
    await saveMove(page, fillStep);
    await expect(page.locator(`${target} [data-card="${card}"]`)).toBeAttached();
    await expect(page.getByTestId('notices')).toContainText('Dipindahkan');
    // Confirmed by the server: no longer pending.
    await expect(page.getByTestId('sync-state')).toHaveAttribute('data-pending', '0');
    if (step === '5a') await screenshot(page, 'board-after-check-by-operator');
    // The report comes once the monitoring has started: Subkor ILE moves its start to now.
    if (step === '6') await startMonitoringNow(page.request, card);
  }
  const history = await (await page.request.get(`/api/cards/${card}`)).json();
  const actors = history.events.map((e: any) => e.actor);
  expect(actors).toEqual(['e2e.pemohon', 'e2e.pemohon', 'e2e.tu', 'e2e.kadis', 'e2e.kabid', 'e2e.subkor', 'e2e.operator', 'e2e.subkor', 'e2e.subkor', 'e2e.operator']);
  expect(history.card.stage).toEqual({ ended: 'selesai' });
});

test('a drop on a step the role may not reach snaps back and says why', async ({ page }) => {
  await signIn(page, ACCOUNTS.pemohon);
  const card = await newRequest(page, 2);
  await signIn(page, ACCOUNTS.tu);
  // Step 1 is the applicant's: TU cannot take it to step 2, nor skip to 4.
  await drag(page, card, 'section[data-step="2"]');
  await expect(page.getByTestId('move-dialog')).toBeHidden();
  const notice = page.getByTestId('notices').locator('.notice').last();
  await expect(notice).toContainText('Tidak dapat dipindahkan ke sini: Langkah 1 dikerjakan oleh Pemohon (OPD / Forum Lalu Lintas), bukan TU');
  await expect(notice, 'nothing was sent, so nothing was refused by the server').not.toContainText('Ditolak server');
  await expect(page.locator(`section[data-step="1"] [data-card="${card}"]`)).toBeVisible();
});

test('keyboard: Pindahkan lists the legal steps; returned at step 5 and failed at 5a', async ({ page }) => {
  await signIn(page, 'e2e.semua');
  const returned = await newRequest(page, 3);
  const failed = await newRequest(page, 4);
  for (const card of [returned, failed]) {
    // Walk to step 5 with the keyboard: focus Move, Enter, Enter on Save.
    for (let i = 0; i < 4; i++) {
      const move = page.locator(`[data-card="${card}"] [data-testid="move"]`);
      await move.focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByTestId('move-dialog');
      await expect(dialog).toBeVisible();
      // Focus went into the dialog.
      expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
      const suggestion = dialog.getByTestId('use-suggestion');
      if (await suggestion.count()) {
        await suggestion.focus();
        await page.keyboard.press('Enter');
      }
      await dialog.getByTestId('save-move').focus();
      await page.keyboard.press('Enter');
      await expect(dialog).toBeHidden();
      // The keyboard's focus is back on the moved card, in its new column, and stays there once
      // the server has confirmed the move.
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-card')), { message: 'focus on the moved card' })
        .toBe(card);
    }
    await expect(page.locator(`section[data-step="5"] [data-card="${card}"]`)).toBeVisible();
  }
  // Returned at step 5, with the reason.
  await page.locator(`[data-card="${returned}"] [data-testid="move"]`).click();
  let dialog = page.getByTestId('move-dialog');
  await dialog.locator('input[data-target="dikembalikan"]').check();
  await dialog.locator('textarea[name="reason"]').fill('Lokasi kamera tidak disebutkan');
  await dialog.getByTestId('save-move').click();
  await expect(page.locator(`[data-end="dikembalikan"] [data-card="${returned}"]`)).toBeAttached();
  await expect(page.getByTestId('notices')).toContainText('Dipindahkan: Dikembalikan');

  // On to 5a, then failed there by Subkor ILE with the reason.
  await page.locator(`[data-card="${failed}"] [data-testid="move"]`).click();
  await saveMove(page, fillStep);
  await expect(page.locator(`section[data-step="5a"] [data-card="${failed}"]`)).toBeVisible();
  await page.locator(`[data-card="${failed}"] [data-testid="move"]`).click();
  dialog = page.getByTestId('move-dialog');
  await dialog.locator('input[data-target="gagal"]').check();
  await expect(dialog).toContainText('sebagai Subkor ILE');
  // An empty reason is refused next to the field, and nothing moves.
  await dialog.getByTestId('save-move').click();
  await expect(dialog.locator('.form-errors')).toContainText('Alasan wajib diisi');
  await dialog.locator('textarea[name="reason"]').fill('Jaringan ke lokasi terputus lebih dari seminggu');
  await dialog.getByTestId('save-move').click();
  await expect(page.locator(`[data-end="gagal"] [data-card="${failed}"]`)).toBeAttached();
  await expect(page.getByTestId('sync-state')).toHaveAttribute('data-pending', '0');
});

test('cancel changes nothing', async ({ page }) => {
  await signIn(page, ACCOUNTS.pemohon);
  const card = await newRequest(page, 5);
  await page.locator(`[data-card="${card}"] [data-testid="move"]`).click();
  await page.getByTestId('move-dialog').getByRole('button', { name: 'Batal' }).click();
  await expect(page.getByTestId('move-dialog')).toBeHidden();
  await expect(page.locator(`section[data-step="1"] [data-card="${card}"]`)).toBeVisible();
  await expect(page.getByTestId('sync-state')).toHaveAttribute('data-pending', '0');
});
