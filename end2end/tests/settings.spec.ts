import { test, expect, hydrated, signIn, screenshot, watchPage, ACCOUNTS, PASSWORD } from './fixtures';
import { devices } from '@playwright/test';

test.use({ storageState: { cookies: [], origins: [] } });

test('notification settings: each wrong field is named beside it and focused, the right ones are kept', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  // The refused save is the point here: its 422 is expected, nothing else may fail.
  const trouble = watchPage(page, (url, status) => url.endsWith('/api/notify/me') && status === 422);
  await signIn(page, ACCOUNTS.tu);
  await page.getByRole('link', { name: 'Pengaturan' }).click();
  await page.waitForURL('**/pengaturan');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Pengaturan notifikasi' })).toBeVisible();
  // This server has no channel on: it says so, and where to turn one on.
  await expect(page.getByText('Belum ada saluran notifikasi')).toBeVisible();
  const email = page.getByLabel('E-mail');
  const whatsapp = page.getByLabel('Nomor WhatsApp');
  await email.fill('budi at dishub');
  await whatsapp.fill('0562 631234');
  await page.getByRole('button', { name: 'Simpan' }).click();
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(email).toBeFocused();
  await expect(page.locator('#settings-error-email')).toContainText('bukan alamat e-mail');
  await expect(whatsapp).toHaveAttribute('aria-describedby', 'settings-error-whatsapp');
  await expect(page.locator('#settings-error-whatsapp')).toContainText('bukan nomor ponsel');

  await email.fill('budi@dishub.singkawangkota.go.id');
  await whatsapp.fill('0812-3456-7890');
  await page.getByLabel('Mulai').fill('21:00');
  await page.getByLabel('Sampai').fill('06:00');
  await page.getByRole('button', { name: 'Simpan' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Tersimpan' })).toBeVisible();
  await expect(email).not.toHaveAttribute('aria-invalid', 'true');
  await expect(whatsapp).toHaveValue('+6281234567890');
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel('E-mail')).toHaveValue('budi@dishub.singkawangkota.go.id');
  await expect(page.getByLabel('Mulai')).toHaveValue('21:00');
  await screenshot(page, 'settings-desktop');
  expect(trouble.pageErrors).toEqual([]);
  expect(trouble.failedRequests).toEqual([]);
  await context.close();
});

test('the settings page fits a 360 px phone', async ({ browser }) => {
  const context = await browser.newContext({ ...devices['Pixel 5'], viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  const login = await context.request.post('/api/auth/login', { data: { username: ACCOUNTS.kepala_dinas, password: PASSWORD } });
  expect(login.ok()).toBe(true);
  await page.goto('/pengaturan');
  await hydrated(page);
  await expect(page.getByLabel('E-mail')).toBeVisible();
  // Nothing of the page's own content sticks out of the 360 px (the top bar is the phone work's, #24).
  const outside = await page.evaluate(() => [...document.querySelectorAll('main *')]
    .filter((el) => el.getClientRects().length > 0 && el.getBoundingClientRect().right > 360.5)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${Math.round(el.getBoundingClientRect().right)}`));
  expect(outside, 'nothing sticks out sideways').toEqual([]);
  await screenshot(page, 'settings-phone');
  await context.close();
});
