import { Page, Locator } from '@playwright/test';
import { test, expect, hydrated, signIn, newRequest, advance, ACCOUNTS, screenshot, fillStep, openWall, watchPage } from './fixtures';

// What a TCM Room trips over every day (issue 21): each test is a behaviour a person notices.

test.use({ viewport: { width: 1600, height: 1000 } });

/** Presses and moves the mouse from a card to a point, then releases. */
async function dragTo(page: Page, card: string, x: number, y: number) {
  const from = page.locator(`[data-card="${card}"] .subject`);
  await from.scrollIntoViewIfNeeded();
  const a = (await from.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 10, a.y + a.height / 2, { steps: 3 });
  await page.mouse.move(x, y, { steps: 12 });
  await page.mouse.up();
}

/** Whether focus is inside `dialog`. */
const focusInside = (dialog: Locator) => dialog.evaluate((d) => d.contains(document.activeElement));

test.describe('signed in by role', () => {
  // Signing in replaces the session the browser held: these tests start with none.
  test.use({ storageState: { cookies: [], origins: [] } });

test('a drag never opens the details drawer, a click without movement does, and the whole column takes a drop', async ({ page }) => {
  await signIn(page, 'e2e.semua');
  const card = await newRequest(page, 2101, 'tu');
  for (const step of ['2', '3']) await advance(page.request, card, step);
  await page.reload();
  await hydrated(page);
  const column = page.locator('section[data-step="5"]');
  await page.locator(`[data-card="${card}"] .subject`).scrollIntoViewIfNeeded();
  // Dropped low in the column, below its cards, where it is empty (every column is as tall as
  // the tallest).
  const box = (await column.boundingBox())!;
  const lastCard = (await column.locator('ol.cards > li').last().boundingBox())!;
  const bottom = Math.min(box.y + box.height, page.viewportSize()!.height) - 10;
  expect(bottom, 'the column has empty space below its cards').toBeGreaterThan(lastCard.y + lastCard.height + 20);
  await dragTo(page, card, box.x + box.width / 2, bottom);
  const dialog = page.getByTestId('move-dialog');
  await expect(dialog).toBeVisible();
  await fillStep(dialog);
  await dialog.getByTestId('save-move').click();
  await expect(dialog).toBeHidden();
  await expect(page.locator(`section[data-step="5"] [data-card="${card}"]`)).toBeVisible();
  await expect(page.getByTestId('card-drawer')).toBeHidden();
  await screenshot(page, 'board-after-drag');

  // A refused drop opens nothing either.
  const other = await newRequest(page, 2102, 'pemohon');
  const far = (await page.locator('section[data-step="6"]').boundingBox())!;
  await dragTo(page, other, far.x + far.width / 2, far.y + 80);
  await expect(page.getByTestId('notices').locator('.notice').last()).toContainText('Tidak dapat dipindahkan ke sini');
  await expect(page.getByTestId('card-drawer')).toBeHidden();

  // A click is a click.
  await page.locator(`[data-card="${other}"] .subject`).click();
  await expect(page.getByTestId('card-drawer')).toBeVisible();
});
});

test('dialogs take focus, keep it inside, close on Escape and give it back to the card', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  const card = await newRequest(page, 2103, 'tu');
  const move = page.locator(`[data-card="${card}"] [data-testid="move"]`);
  await move.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('move-dialog');
  await expect(dialog).toBeVisible();
  expect(await focusInside(dialog), 'focus moved into the dialog').toBe(true);
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press('Tab');
    expect(await focusInside(dialog), `Tab ${i + 1} stays inside`).toBe(true);
  }
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Shift+Tab');
    expect(await focusInside(dialog), `Shift+Tab ${i + 1} stays inside`).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(move).toBeFocused();

  // The details drawer: Enter on the card opens it, Escape closes it, focus is back on the card.
  const cardEl = page.locator(`[data-card="${card}"]`);
  await cardEl.focus();
  await page.keyboard.press('Enter');
  const drawer = page.getByTestId('card-drawer');
  await expect(drawer).toBeVisible();
  expect(await focusInside(drawer)).toBe(true);
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
  await expect(cardEl).toBeFocused();
});

test('the SOP controls start empty: an instruction is a suggestion, the trial a choice; the first wrong field gets focus', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  const card = await newRequest(page, 2104, 'tu');
  await advance(page.request, card, '2');
  await page.reload();
  await hydrated(page);
  await page.locator(`[data-card="${card}"] [data-testid="move"]`).click();
  const dialog = page.getByTestId('move-dialog');
  const instruction = dialog.locator('textarea[name="instruction"]');
  await expect(instruction).toHaveValue('');
  await dialog.getByTestId('save-move').click();
  // Refused next to the field, which gets focus, is marked and points to its message.
  await expect(instruction).toBeFocused();
  await expect(instruction).toHaveAttribute('aria-invalid', 'true');
  const described = await instruction.getAttribute('aria-describedby');
  await expect(dialog.locator(`#${described}`)).toHaveText('Instruksi wajib diisi');
  await dialog.getByTestId('use-suggestion').click();
  await expect(instruction).toHaveValue('Mohon ditindaklanjuti di TCM Room');
  await dialog.getByTestId('save-move').click();
  await expect(dialog).toBeHidden();
  await expect(page.locator(`section[data-step="4"] [data-card="${card}"]`)).toBeVisible();

  // Step 6: the trial's result is chosen, not ticked; a four-hour window asks why.
  for (const step of ['4', '5', '5a']) await advance(page.request, card, step);
  await expect(page.locator(`section[data-step="6"] [data-card="${card}"]`)).toBeVisible();
  await page.locator(`[data-card="${card}"] [data-testid="move"]`).click();
  await expect(dialog.locator('input[name="trial_ok"]:checked')).toHaveCount(0);
  await dialog.getByTestId('save-move').click();
  await expect(dialog.locator('.form-errors')).toContainText('Hasil uji coba CCTV wajib diisi');
  await dialog.locator('input[name="trial_ok"][value="true"]').check();
  await dialog.getByTestId('save-move').click();
  await expect(dialog.locator('.form-errors')).toContainText('Alasan jadwal melebihi standar 120 menit wajib diisi');
  await expect(dialog.locator('textarea[name="over_standard"]')).toBeFocused();
  await dialog.locator('textarea[name="over_standard"]').fill('Acara Cap Go Meh berlangsung empat jam');
  await dialog.getByTestId('save-move').click();
  await expect(dialog).toBeHidden();

  // Step 7 before the start: the report is refused, saying from when.
  await page.locator(`[data-card="${card}"] [data-testid="move"]`).click();
  await fillStep(dialog);
  await dialog.getByTestId('save-move').click();
  await expect(dialog.locator('.form-errors')).toContainText('Monitoring belum dimulai: laporannya dapat diberikan mulai');
  await page.keyboard.press('Escape');

  // Every output shows in the history.
  await page.locator(`[data-card="${card}"] .subject`).click();
  const history = page.getByTestId('card-drawer').getByTestId('history');
  await expect(history).toContainText('Nomor agenda');
  await expect(history).toContainText('Jaringan internet: Baik');
  await expect(history).toContainText('Simpang Tugu Naga: Baik');
  await expect(history).toContainText('Jadwal dikonfirmasi');
  await expect(history).toContainText('Uji coba CCTV: berhasil');
  await expect(history).toContainText('Melebihi standar 120 menit, alasan: Acara Cap Go Meh berlangsung empat jam');
});

test('a check with a camera down says so, and the card reaches step 6 marked for Subkor ILE, on the board and the wall', async ({ page, browser }) => {
  await page.goto('/');
  await hydrated(page);
  const card = await newRequest(page, 2105, 'tu');
  for (const step of ['2', '3', '4', '5']) await advance(page.request, card, step);
  await expect(page.locator(`section[data-step="5a"] [data-card="${card}"]`)).toBeVisible();
  await page.locator(`[data-card="${card}"] [data-testid="move"]`).click();
  const dialog = page.getByTestId('move-dialog');
  await expect(dialog.locator('select[name="network"]')).toHaveValue('');
  await dialog.locator('select[name="network"]').selectOption('ok');
  await dialog.locator('select[name="camera-0"]').selectOption('down');
  await dialog.locator('select[name="camera-1"]').selectOption('ok');
  await dialog.getByTestId('save-move').click();
  const confirm = dialog.locator('input[name="faults_confirmed"]');
  await expect(confirm).toBeFocused();
  await expect(dialog.locator('.form-errors')).toContainText('Ada kamera atau jaringan yang mati');
  await screenshot(page, 'check-dialog-camera-down');
  await confirm.check();
  await dialog.getByTestId('save-move').click();
  await expect(dialog).toBeHidden();
  const onBoard = page.locator(`section[data-step="6"] [data-card="${card}"]`);
  await expect(onBoard.getByTestId('fault')).toContainText('Perangkat mati: Simpang Tugu Naga');
  await expect(onBoard.getByTestId('fault')).toContainText('Subkor ILE memutuskan');

  const { wall, context } = await openWall(page, browser);
  const onWall = wall.locator(`.wall-card[data-card="${card}"]`);
  if (await onWall.count()) await expect(onWall.getByTestId('fault')).toContainText('Simpang Tugu Naga');
  await context.close();
});

test('letter numbers wrap without hidden characters: copied, they are the letter\'s', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  const card = await newRequest(page, 2106, 'tu');
  const text = await page.locator(`[data-card="${card}"] .letter-number`).textContent();
  expect(text).toBe('000.8/E2E-2106/DISHUB/2026');
  expect(await page.locator(`[data-card="${card}"] .letter-number wbr`).count()).toBe(3);
});

test('the new request form marks what is required, focuses the first wrong field and says what step 5 still needs', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await page.getByTestId('new-request').click();
  const form = page.getByTestId('new-request-form');
  expect(await focusInside(form)).toBe(true);
  await expect(form.locator('label[for="new-letter_number"]')).toContainText('(wajib)');
  await expect(form.locator('label[for="new-contact_name"]')).toContainText('(perlu untuk langkah 5)');
  await form.getByTestId('save-request').click();
  const letter = form.locator('input[name="letter_number"]');
  await expect(letter).toBeFocused();
  await expect(letter).toHaveAttribute('aria-invalid', 'true');
  await expect(form.locator(`#${await letter.getAttribute('aria-describedby')}`)).toContainText('Nomor surat wajib diisi');
  await letter.fill('000.8/2107/DISHUB/2026');
  await form.locator('input[name="letter_date"]').fill('2026-11-30');
  await form.locator('input[name="agency"]').fill('Dinas Perhubungan');
  await form.locator('input[name="subject"]').fill('Monitoring arus mudik');
  const missing = form.getByTestId('missing-for-step-5');
  await expect(missing).toContainText('Belum lengkap untuk langkah 5');
  await expect(missing).toContainText('Narahubung wajib diisi');
  await expect(missing).toContainText('Kamera / lokasi wajib diisi');
  await page.keyboard.press('Escape');
  await expect(form).toBeHidden();
});

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('the login page shows no board links and no endless "Memuat…"; a wrong password is said in one language', async ({ browser }) => {
    const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const page = await context.newPage();
    // The refused login is this test's point; nothing else may fail.
    const trouble = watchPage(page, (url, status) => status === 401 && url.includes('/api/auth/'));
    await page.goto('/masuk');
    await hydrated(page);
    await expect(page.locator('.topnav')).toHaveCount(0);
    await expect(page.getByTestId('connection')).toHaveCount(0);
    await page.getByLabel('Nama pengguna').fill(ACCOUNTS.tu);
    await page.getByLabel('Kata sandi').fill('salah-sekali-kata-sandinya');
    await page.getByRole('button', { name: 'Masuk' }).click();
    const error = page.locator('.login-error');
    await expect(error).toHaveText(/kata sandi salah/i);
    await expect(error).not.toContainText('/');
    await expect(error).not.toContainText('wrong');
    await page.getByTestId('lang-toggle').click();
    await expect(error).toHaveText(/wrong user name or password/i);
    expect(trouble.pageErrors).toEqual([]);
    expect(trouble.failedRequests).toEqual([]);
    await context.close();
  });
});
