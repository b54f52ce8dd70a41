import { test, expect, hydrated, signIn, newRequest, screenshot, ACCOUNTS, PASSWORD, watchPage } from './fixtures';
import { devices } from '@playwright/test';

// The page a notification's link opens: /kartu/<id>.
test.use({ storageState: { cookies: [], origins: [] } });

test('a notification link opens the card: its move dialog for the one whose turn it is, its details for anyone else', async ({ page, browser }) => {
  await signIn(page, ACCOUNTS.tu);
  const card = await newRequest(page, 800, 'tu');
  // TU's turn at step 2: the link opens the move dialog of that card.
  await page.goto(`/kartu/${card}`);
  await hydrated(page);
  const dialog = page.getByTestId('move-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('E2E-800');
  await dialog.getByRole('button', { name: 'Batal' }).click();
  await expect(dialog).toBeHidden();

  // The Kepala Dinas opening the same link sees the card's page: it is not his turn yet.
  const other = await browser.newContext();
  const kadis = await other.newPage();
  // Asking the server about a card that is not there answers 404: expected.
  const trouble = watchPage(kadis, (url, status) => url.includes('/api/cards/') && status === 404);
  await signIn(kadis, ACCOUNTS.kepala_dinas);
  await kadis.goto(`/kartu/${card}`);
  await hydrated(kadis);
  const sheet = kadis.getByTestId('card-page');
  await expect(sheet.getByRole('heading', { level: 1 })).toHaveText('Permohonan monitoring uji 800');
  await expect(sheet.getByTestId('card-step')).toHaveText('Langkah 2 · Penerimaan oleh TU');
  await expect(sheet.locator('.timer')).toContainText('/');
  await expect(sheet.getByTestId('history').locator('li').first()).toContainText('e2e.tu');
  await expect(sheet.getByTestId('step-times')).toBeVisible();
  await expect(kadis.getByTestId('move-dialog')).toHaveCount(0);
  await expect(kadis.getByTestId('card-drawer')).toHaveCount(0);
  // Its one action says whose step it is when he tries it.
  const act = sheet.getByRole('button', { name: 'Kerjakan langkah 2' });
  await expect(act).toHaveAttribute('aria-disabled', 'true');
  // (aria-disabled: a screen reader still reaches it, and a tap says why.)
  await act.click({ force: true });
  await expect(kadis.getByTestId('notices')).toContainText('TU');
  await expect(kadis.getByTestId('move-dialog')).toHaveCount(0);
  // A link to no card, or a cut one, says so.
  for (const bogus of ['00000000-0000-4000-8000-000000000000', 'abc']) {
    await kadis.goto(`/kartu/${bogus}`);
    await hydrated(kadis);
    await expect(kadis.getByTestId('card-missing')).toHaveText('Tidak ada kartu di alamat ini: tautannya salah atau terpotong.');
  }
  // The browser logs the 404 it was expected to get.
  trouble.consoleErrors = trouble.consoleErrors.filter((e) => !e.includes('status of 404'));
  expect(trouble).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [] });
  await other.close();
});

test("an applicant opening another agency's card is told it is another agency's, and shown nothing of it", async ({ browser }) => {
  const staff = await browser.newContext();
  expect((await staff.request.post('/api/auth/login', { data: { username: ACCOUNTS.tu, password: PASSWORD } })).ok()).toBe(true);
  const board = await (await staff.request.get('/api/board')).json();
  const foreign = board.cards.find((c: any) => c.request.agency !== 'Dinas Perhubungan' && 'step' in c.stage);
  const own = board.cards.find((c: any) => c.request.agency === 'Dinas Perhubungan' && 'step' in c.stage);
  expect(foreign && own).toBeTruthy();
  await staff.close();

  const phone = await browser.newContext({ ...devices['Pixel 5'] });
  const page = await phone.newPage();
  const trouble = watchPage(page, (url, status) => url.includes(`/api/cards/${foreign.id}`) && status === 403);
  expect((await phone.request.post('/api/auth/login', { data: { username: ACCOUNTS.pemohon, password: PASSWORD } })).ok()).toBe(true);
  await page.goto(`/kartu/${foreign.id}`);
  await hydrated(page);
  await expect(page.getByTestId('card-missing')).toContainText('milik instansi lain');
  const text = await page.locator('body').innerText();
  for (const secret of [foreign.request.letter_number, foreign.request.subject, foreign.request.agency]) {
    expect(text).not.toContain(secret);
  }
  await screenshot(page, 'phone-card-other-agency');
  // Its own agency's letter opens, with its details.
  await page.goto(`/kartu/${own.id}`);
  await hydrated(page);
  await expect(page.getByTestId('card-page').getByRole('heading', { level: 1 })).toHaveText(own.request.subject);
  await expect(page.getByTestId('history').locator('li').first()).toBeVisible();
  // Nor does its board hold another agency's letters.
  const mine = await (await phone.request.get('/api/board')).json();
  expect(mine.cards.length).toBeGreaterThan(0);
  expect(mine.cards.filter((c: any) => c.request.agency !== 'Dinas Perhubungan' && c.created_by !== ACCOUNTS.pemohon)).toEqual([]);
  trouble.consoleErrors = trouble.consoleErrors.filter((e) => !e.includes('status of 403'));
  expect(trouble).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [] });
  await phone.close();
});

test('a notification link opened signed out leads through the login back to the card', async ({ page, browser }) => {
  await signIn(page, ACCOUNTS.tu);
  const card = await newRequest(page, 801, 'tu');
  const fresh = await browser.newContext();
  const phone = await fresh.newPage();
  await phone.goto(`/kartu/${card}`);
  await phone.waitForURL((url) => url.pathname === '/masuk');
  await hydrated(phone);
  await phone.getByLabel('Nama pengguna').fill(ACCOUNTS.tu);
  await phone.getByLabel('Kata sandi').fill(PASSWORD);
  await phone.getByRole('button', { name: 'Masuk' }).click();
  await phone.waitForURL((url) => url.pathname === `/kartu/${card}`);
  await hydrated(phone);
  await expect(phone.getByTestId('move-dialog')).toContainText('E2E-801');
  await fresh.close();
});
