import { test, expect, hydrated, signIn, newRequest, ACCOUNTS, PASSWORD, watchPage } from './fixtures';

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

  // The Kepala Dinas opening the same link sees its details: it is not his turn yet.
  const other = await browser.newContext();
  const kadis = await other.newPage();
  const trouble = watchPage(kadis);
  await signIn(kadis, ACCOUNTS.kepala_dinas);
  await kadis.goto(`/kartu/${card}`);
  await hydrated(kadis);
  await expect(kadis.getByTestId('card-drawer')).toBeVisible();
  await expect(kadis.getByTestId('card-drawer')).toContainText('E2E-800');
  await expect(kadis.getByTestId('move-dialog')).toHaveCount(0);
  // A link to no card says so, over the board.
  await kadis.goto('/kartu/00000000-0000-4000-8000-000000000000');
  await hydrated(kadis);
  await expect(kadis.getByTestId('card-missing')).toContainText('tidak ada di papan Anda');
  expect(trouble).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [] });
  await other.close();
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
