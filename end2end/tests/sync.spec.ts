import { Page } from '@playwright/test';
import { test, expect, hydrated, watchPage, screenshot, newRequest, signIn, completeStep as complete, pushOne, letter, ACCOUNTS, PASSWORD, SIGNED_IN } from './fixtures';


/** A new complete request, taken by the API to step 5 (Subkor ILE's review). */
async function cardAtStep5(page: Page, n: number): Promise<string> {
  const card = await newRequest(page, n);
  const r = page.request;
  await complete(r, card, '1', 'pemohon', { kind: 'submitted' });
  await complete(r, card, '2', 'tu', { kind: 'received' });
  await complete(r, card, '3', 'kepala_dinas', { kind: 'disposition', to: 'kabid_aptika', instruction: 'Tindak lanjuti' });
  await complete(r, card, '4', 'kabid_aptika', { kind: 'disposition', to: 'subkor_ile', instruction: 'Proses' });
  return card;
}

/** Opens the card's move dialog, picks `target`, fills `fields`, saves. */
async function moveWithDialog(page: Page, card: string, target: string | null, fields: Record<string, string> = {}) {
  await page.locator(`[data-card="${card}"] [data-testid="move"]`).click();
  const dialog = page.getByTestId('move-dialog');
  if (target) await dialog.locator(`input[data-target="${target}"]`).check();
  for (const [name, value] of Object.entries(fields)) await dialog.locator(`[name="${name}"]`).fill(value);
  await dialog.getByTestId('save-move').click();
  await expect(dialog).toBeHidden();
}

test('two screens see each other\'s moves; one offline makes three moves, reloads, and both converge', async ({ browser, page }) => {
  await page.goto('/');
  await hydrated(page);
  const cards = [await newRequest(page, 21), await newRequest(page, 22), await newRequest(page, 23)];
  const other = await browser.newContext({ storageState: SIGNED_IN });
  const b = await other.newPage();
  // Requests fail while offline, by design: only errors that are not about the network count.
  const bTrouble = watchPage(b, (url) => url.includes('/api/'));
  await b.goto('/');
  await hydrated(b);
  await expect(b.getByTestId('connection')).toHaveText('Tersinkron');
  for (const card of cards) await expect(b.locator(`section[data-step="1"] [data-card="${card}"]`)).toBeVisible();
  // The app is installed (service worker) and the board saved: this screen can work offline.
  await b.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10_000 });
  await expect.poll(() => b.evaluate(() => localStorage.getItem('pantau.board') !== null), { timeout: 10_000 }).toBe(true);

  // Live: a move on A shows on B.
  await moveWithDialog(page, cards[0], null);
  await expect(b.locator(`section[data-step="2"] [data-card="${cards[0]}"]`)).toBeVisible({ timeout: 2000 });

  // B goes offline and makes three moves: they show at once, marked as waiting.
  await other.setOffline(true);
  await moveWithDialog(b, cards[0], null, { agenda_number: 'AG-OFF-1' });
  await moveWithDialog(b, cards[1], null);
  await moveWithDialog(b, cards[2], null);
  await expect(b.getByTestId('sync-state')).toHaveAttribute('data-pending', '3');
  await expect(b.getByTestId('sync-state')).toHaveText('· 3 menunggu');
  await screenshot(b, 'board-offline-three-waiting');

  // Reloading while offline still shows them.
  await b.reload();
  await hydrated(b);
  await expect(b.locator(`section[data-step="3"] [data-card="${cards[0]}"]`)).toBeVisible();
  await expect(b.locator(`section[data-step="2"] [data-card="${cards[1]}"]`)).toBeVisible();
  await expect(b.locator(`section[data-step="2"] [data-card="${cards[2]}"]`)).toBeVisible();
  await expect(b.getByTestId('sync-state')).toHaveAttribute('data-pending', '3');
  // A has not seen them.
  await expect(page.locator(`section[data-step="1"] [data-card="${cards[1]}"]`)).toBeVisible();

  // Back online: the queue drains, and both screens agree, each move applied once.
  await other.setOffline(false);
  await expect(b.getByTestId('sync-state')).toHaveAttribute('data-pending', '0', { timeout: 15_000 });
  for (const [card, step] of [[cards[0], '3'], [cards[1], '2'], [cards[2], '2']]) {
    await expect(page.locator(`section[data-step="${step}"] [data-card="${card}"]`)).toBeVisible({ timeout: 3000 });
    await expect(b.locator(`section[data-step="${step}"] [data-card="${card}"]`)).toBeVisible();
  }
  const history = await (await page.request.get(`/api/cards/${cards[0]}`)).json();
  expect(history.events.map((e: any) => e.change.type)).toEqual(['created', 'step_completed', 'step_completed']);
  expect(history.events[2].change.output.agenda_number).toBe('AG-OFF-1');
  expect(bTrouble.pageErrors).toEqual([]);
  await other.close();
});

test('a move the server refuses (the other screen moved the card first) is undone with the reason', async ({ browser, page }) => {
  await page.goto('/');
  await hydrated(page);
  const card = await cardAtStep5(page, 31);
  const other = await browser.newContext({ storageState: SIGNED_IN });
  const b = await other.newPage();
  const bTrouble = watchPage(b, (url) => url.includes('/api/'));
  await b.goto('/');
  await hydrated(b);
  await expect(b.locator(`section[data-step="5"] [data-card="${card}"]`)).toBeVisible();

  // B, offline, approves it; meanwhile A returns it to the applicant.
  await other.setOffline(true);
  await moveWithDialog(b, card, '5a', { instruction: 'Mohon cek jaringan dan kondisi CCTV' });
  await expect(b.locator(`section[data-step="5a"] [data-card="${card}"]`)).toBeVisible();
  await moveWithDialog(page, card, 'dikembalikan', { reason: 'Surat belum ditandatangani kepala OPD' });
  await expect(page.locator(`[data-end="dikembalikan"] [data-card="${card}"]`)).toBeAttached();

  // B comes back: its move is refused, undone, and the reason is shown.
  await other.setOffline(false);
  const notice = b.getByTestId('notices').locator('.notice.refused');
  await expect(notice).toContainText('Ditolak server, dibatalkan: Kartu sudah berakhir: Dikembalikan oleh Subkor ILE', { timeout: 15_000 });
  await expect(b.locator(`[data-end="dikembalikan"] [data-card="${card}"]`)).toBeAttached();
  await expect(b.locator(`section[data-step="5a"] [data-card="${card}"]`)).toHaveCount(0);
  await expect(b.getByTestId('sync-state')).toHaveAttribute('data-pending', '0');
  await screenshot(b, 'board-refused-move-undone');
  expect(bTrouble.pageErrors).toEqual([]);
  await other.close();
});

test('a new request: problems next to their fields, then registered at step 2 by TU', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await page.getByTestId('new-request').click();
  const form = page.getByTestId('new-request-form');
  await form.getByTestId('save-request').click();
  await expect(form.locator('label:has(input[name="letter_number"]) .field-error')).toHaveText('Nomor surat wajib diisi');
  await expect(form.locator('label:has(input[name="agency"]) .field-error')).toHaveText('Instansi pemohon wajib diisi');
  await form.locator('[name="contact_phone"]').fill('12345');
  const email = form.locator('[name="contact_email"]');
  await expect(email).toHaveAttribute('type', 'email');
  await email.fill('humas at satpolpp');
  await form.getByTestId('save-request').click();
  await expect(form.locator('label:has(input[name="contact_phone"]) .field-error')).toContainText('Nomor telepon');
  await expect(form.locator('label:has(input[name="contact_email"]) .field-error')).toContainText('bukan alamat pos-el yang sah');
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await screenshot(page, 'new-request-form-errors');

  await form.locator('[name="letter_number"]').fill('000.8/77/SATPOL/2026');
  await form.locator('[name="letter_date"]').fill('2026-11-27');
  await form.locator('[name="agency"]').fill('Satpol PP');
  await form.locator('[name="subject"]').fill('Pengamanan malam tahun baru');
  await form.locator('[name="contact_phone"]').fill('0812-5555-1234');
  await email.fill('humas@satpolpp.singkawangkota.go.id');
  await form.locator('[name="cameras"]').fill('Simpang Tugu Naga\nPasar Hongkong');
  await form.getByTestId('save-request').click();
  await expect(form).toBeHidden();
  const card = page.locator('section[data-step="2"] .card', { hasText: '000.8/77/SATPOL/2026' });
  await expect(card).toBeVisible();
  await expect(page.getByTestId('sync-state')).toHaveAttribute('data-pending', '0');
  await expect(card).toHaveAttribute('data-pending', 'false');
  // Its details show the address it was registered with.
  await card.click();
  await expect(page.getByTestId('card-drawer')).toContainText('humas@satpolpp.singkawangkota.go.id');
});

test('"Giliran saya" keeps only the cards waiting for my roles', async ({ browser }) => {
  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await ctx.newPage();
  await signIn(page, 'e2e.kadis');
  await page.getByTestId('filter-mine').check();
  for (const step of ['1', '2', '4', '5', '5a', '6', '7']) {
    await expect(page.locator(`section[data-step="${step}"] .card`)).toHaveCount(0);
  }
  await expect(page.locator('section[data-step="3"] .card').first()).toBeVisible();
  await ctx.close();
});

test('a demo account signs in with the password printed at start and wears the DEMO badge', async ({ browser }) => {
  const fs = await import('node:fs');
  const printed = fs.readFileSync(process.env.PANTAU_E2E_SERVER_OUT!, 'utf8');
  const line = printed.split('\n').find((l) => l.trim().startsWith('demo.tu '));
  expect(line, printed).toBeTruthy();
  const password = line!.trim().split(/\s+/)[2];
  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await ctx.newPage();
  // Not signed in: the board sends the browser to the login page, and back afterwards.
  await page.goto('/');
  await page.waitForURL((url) => url.pathname === '/masuk');
  await hydrated(page);
  await page.getByLabel('Nama pengguna').fill('demo.tu');
  await page.getByLabel('Kata sandi').fill('salah-sekali-bukan-ini');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await expect(page.getByRole('alert').first()).toContainText('nama pengguna atau kata sandi salah');
  await page.getByLabel('Kata sandi').fill(password);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL((url) => url.pathname === '/');
  await hydrated(page);
  await expect(page.getByTestId('demo-badge')).toHaveText('DEMO');
  await expect(page.getByTestId('user')).toContainText('Demo TU');
  await screenshot(page, 'board-demo-tu-signed-in');
  // Signing out returns to the login page; the board is no longer readable.
  await page.getByRole('button', { name: 'Keluar' }).click();
  await page.waitForURL((url) => url.pathname === '/masuk');
  expect((await page.request.get('/api/board')).status()).toBe(401);
  await ctx.close();
});

test('a change the server cannot store does not hold back the others, and the person is told', async ({ browser, page }) => {
  // Three moves queue while the push endpoint is away. Back, the server (stood in for by this test
  // at the push endpoint only) fails every batch holding the first with 500, and refuses every
  // batch holding the second with 422; the third is fine.
  const cards: string[] = [];
  for (const n of [41, 42, 43]) {
    const card = await newRequest(page, n);
    await complete(page.request, card, '1', 'pemohon', { kind: 'submitted' });
    cards.push(card);
  }
  const other = await browser.newContext({ storageState: SIGNED_IN });
  const b = await other.newPage();
  const trouble = watchPage(b, (url, status) => url.includes('/api/sync/push') && (status === 500 || status === 422));
  let away = true;
  let sent500 = 0;
  await b.route('**/api/sync/push', async (route) => {
    const body = route.request().postData() ?? '';
    if (away) return route.abort('internetdisconnected');
    if (body.includes('AG-RUSAK')) {
      sent500 += 1;
      return route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'uji' } }) });
    }
    if (body.includes('AG-TOLAK')) {
      return route.fulfill({ status: 422, contentType: 'application/json', body: JSON.stringify({ error: { code: 'invalid_body', message: 'Ditolak oleh uji / Refused by the test', text: { id: 'Ditolak oleh uji', en: 'Refused by the test' } } }) });
    }
    return route.continue();
  });
  await b.goto('/');
  await hydrated(b);
  for (const card of cards) await expect(b.locator(`section[data-step="2"] [data-card="${card}"]`)).toBeVisible();
  await moveWithDialog(b, cards[0], null, { agenda_number: 'AG-RUSAK' });
  await moveWithDialog(b, cards[1], null, { agenda_number: 'AG-TOLAK' });
  await moveWithDialog(b, cards[2], null, { agenda_number: 'AG-BAIK' });
  await expect(b.getByTestId('sync-state')).toHaveAttribute('data-pending', '3');

  away = false;
  // The good one reaches the server, the refused one is undone with the server's words, the
  // failing one is set aside and named; the queue is not stuck behind it.
  await expect.poll(async () => (await (await page.request.get(`/api/cards/${cards[2]}`)).json()).card.stage, { timeout: 40_000 }).toEqual({ step: '3' });
  await expect(b.getByTestId('notices')).toContainText('Ditolak oleh uji', { timeout: 10_000 });
  const held = b.getByTestId('notices').locator('.notice.held');
  await expect(held).toContainText('Tertahan: server tidak dapat menyimpan satu perubahan (HTTP 500)');
  await expect(held).toContainText('tetap menunggu');
  await expect(b.getByTestId('sync-state')).toHaveAttribute('data-pending', '1');
  await expect(b.locator(`section[data-step="2"] [data-card="${cards[1]}"]`)).toBeVisible();
  await screenshot(b, 'board-one-change-held-back');
  // It was tried alone before it was set aside, and not sent again since.
  expect(sent500).toBeGreaterThanOrEqual(4);
  const tries = sent500;
  await b.waitForTimeout(4000);
  expect(sent500).toBe(tries);
  for (const card of [cards[0], cards[1]]) {
    expect((await (await page.request.get(`/api/cards/${card}`)).json()).card.stage).toEqual({ step: '2' });
  }
  // The only failures are the ones this test made: aborted, 500 and 422 pushes.
  expect(trouble.pageErrors).toEqual([]);
  expect(trouble.failedRequests.filter((r) => !r.includes('/api/sync/push'))).toEqual([]);
  await other.close();
});

test("a letter edited into an applicant's agency reaches its open board, and is still there after a reload", async ({ browser, page }) => {
  // The applicant's account was never sent this letter (another agency's): the edit that names its
  // agency is the first it hears of it, so the board fetches the letter's history.
  const card = await newRequest(page, 930, 'tu', 'Satlantas Polres Singkawang');
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const applicant = await context.newPage();
  const trouble = watchPage(applicant);
  expect((await context.request.post('/api/auth/login', { data: { username: ACCOUNTS.pemohon, password: PASSWORD } })).ok()).toBe(true);
  await applicant.goto('/');
  await hydrated(applicant);
  await expect(applicant.getByTestId('connection')).toHaveText('Tersinkron');
  const shown = applicant.locator(`.card[data-card="${card}"]`);
  await expect(shown).toHaveCount(0);

  await pushOne(page.request, 'tu', { type: 'edit_request', card, request: letter(930, 'Dinas Perhubungan') });
  await expect(shown).toBeVisible({ timeout: 10_000 });
  await expect(shown).toContainText('Permohonan monitoring uji 930');
  await expect(shown).toContainText('Dinas Perhubungan');
  // Its moves come on as for any of its letters.
  await complete(page.request, card, '2', 'tu', { kind: 'received' });
  await expect(applicant.locator(`[data-step="3"] .card[data-card="${card}"]`)).toBeVisible();
  // Kept by this browser: a reload shows it from the saved board.
  await applicant.reload();
  await hydrated(applicant);
  await expect(applicant.locator(`[data-step="3"] .card[data-card="${card}"]`)).toBeVisible();
  expect(trouble).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [] });
  await context.close();
});
