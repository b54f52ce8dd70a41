import { test, expect, hydrated, screenshot } from './fixtures';

test('search, agency and "only late" filters narrow the board and clear again', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  const cards = page.locator('section[data-step] .card');
  await expect(cards.first()).toBeVisible();
  const all = await cards.count();

  await page.getByTestId('filter-text').fill('satpol');
  await expect(cards).not.toHaveCount(all);
  for (const agency of await cards.locator('.agency').allTextContents()) {
    expect(agency).toBe('Satpol PP');
  }
  await page.getByTestId('filter-text').fill('');
  await page.getByTestId('filter-agency').selectOption('BPBD Kota Singkawang');
  for (const agency of await cards.locator('.agency').allTextContents()) {
    expect(agency).toBe('BPBD Kota Singkawang');
  }
  await page.getByRole('button', { name: 'Hapus saringan' }).click();
  await expect(cards).toHaveCount(all);

  await page.getByTestId('filter-late').check();
  for (const status of await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))) {
    expect(['warning', 'breached']).toContain(status);
  }
});

test('a card opens its details with the letter, time per step and history from the log', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  const card = page.locator('section[data-step="6"] .card').first();
  await card.click();
  const drawer = page.getByTestId('card-drawer');
  await expect(drawer).toBeVisible();
  await expect(drawer.getByRole('heading', { level: 2 })).not.toBeEmpty();
  await expect(drawer).toContainText('Narahubung');
  await expect(drawer.getByTestId('step-times').locator('tbody tr')).toHaveCount(7); // 1, 2, 3, 4, 5, 5a, and 6 now
  const history = drawer.getByTestId('history').locator(':scope > li');
  await expect(history).toHaveCount(6); // registered, then steps 2, 3, 4, 5, 5a completed
  await expect(history.first()).toContainText('Surat dari Srikandi didaftarkan');
  await expect(history.nth(1)).toContainText('Langkah 2 (Penerimaan oleh TU) selesai');
  await expect(history.nth(1)).toContainText('perangkat: demo-seed');
  await screenshot(page, 'card-details-id');
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
  await card.focus();
  await page.keyboard.press('Enter');
  await expect(drawer).toBeVisible();
  await drawer.getByRole('button', { name: 'Tutup' }).click();
  await expect(drawer).toBeHidden();
});
