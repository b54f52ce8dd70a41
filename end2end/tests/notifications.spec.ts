import { test, expect, hydrated, screenshot, watchPage, ACCOUNTS, PASSWORD } from './fixtures';
import { devices } from '@playwright/test';

test.use({ storageState: { cookies: [], origins: [] } });

test('a push message the service worker receives is shown as a notification that names the card', async ({ browser, baseURL }) => {
  const context = await browser.newContext();
  await context.grantPermissions(['notifications'], { origin: baseURL });
  const page = await context.newPage();
  const login = await context.request.post('/api/auth/login', { data: { username: ACCOUNTS.kepala_dinas, password: PASSWORD } });
  expect(login.ok()).toBe(true);
  const cdp = await context.newCDPSession(page);
  const registrations: { registrationId: string; scopeURL: string }[] = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
  await cdp.send('ServiceWorker.enable');
  await page.goto('/pengaturan');
  await hydrated(page);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await expect.poll(() => registrations.find((r) => r.scopeURL.startsWith(baseURL!))?.registrationId).toBeTruthy();
  const id = registrations.find((r) => r.scopeURL.startsWith(baseURL!))!.registrationId;
  // What the server sends (its JSON, decrypted by the browser): the push service hands it over.
  const message = { title: 'Surat menunggu Anda · langkah 3', body: 'Surat 000.8.3.3/101/2026 dari Dishub · sisa 30 mnt', link: `${baseURL}/kartu/abc`, lang: 'id' };
  await cdp.send('ServiceWorker.deliverPushMessage', { origin: baseURL!, registrationId: id, data: JSON.stringify(message) });
  const shown = await expect.poll(() => page.evaluate(() => navigator.serviceWorker.ready
    .then((r) => r.getNotifications())
    .then((list) => list.map((n) => ({ title: n.title, body: n.body, link: (n.data || {}).link })))));
  await shown.toEqual([{ title: message.title, body: message.body, link: message.link }]);
  await context.close();
});

test('the deliveries page is for admins, and fits a 360 px phone', async ({ browser }) => {
  const context = await browser.newContext({ ...devices['Pixel 5'], viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  // A TU's look is refused (403): expected here.
  const trouble = watchPage(page, (url, status) => url.includes('/api/notify/deliveries') && status === 403);
  const tuLogin = await context.request.post('/api/auth/login', { data: { username: ACCOUNTS.tu, password: PASSWORD } });
  expect(tuLogin.ok()).toBe(true);
  await page.goto('/pengaturan');
  await hydrated(page);
  await expect(page.getByTestId('deliveries-link')).toHaveCount(0);
  await page.goto('/pengiriman');
  await hydrated(page);
  await expect(page.locator('main').getByRole('status')).toContainText('hanya Admin');
  await expect(page.getByTestId('delivery')).toHaveCount(0);
  expect(trouble.pageErrors).toEqual([]);
  expect(trouble.failedRequests).toEqual([]);
  await context.close();

  const admin = await browser.newContext({ ...devices['Pixel 5'], viewport: { width: 360, height: 740 } });
  const adminPage = await admin.newPage();
  const adminTrouble = watchPage(adminPage, () => false);
  const login = await admin.request.post('/api/auth/login', { data: { username: ACCOUNTS.admin, password: PASSWORD } });
  expect(login.ok()).toBe(true);
  await adminPage.goto('/pengaturan');
  await hydrated(adminPage);
  await adminPage.getByTestId('deliveries-link').click();
  await adminPage.waitForURL('**/pengiriman');
  await expect(adminPage.getByRole('heading', { name: 'Pengiriman notifikasi' })).toBeVisible();
  await expect(adminPage.getByText('Belum ada pengiriman.')).toBeVisible();
  await adminPage.getByRole('button', { name: 'Gagal' }).click();
  await expect(adminPage.getByRole('button', { name: 'Gagal' })).toHaveAttribute('aria-pressed', 'true');
  const outside = await adminPage.evaluate(() => [...document.querySelectorAll('main *')]
    .filter((el) => el.getClientRects().length > 0 && el.getBoundingClientRect().right > 360.5)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${Math.round(el.getBoundingClientRect().right)}`));
  expect(outside, 'nothing sticks out sideways').toEqual([]);
  await screenshot(adminPage, 'deliveries-phone');
  expect(adminTrouble.pageErrors).toEqual([]);
  expect(adminTrouble.failedRequests).toEqual([]);
  await admin.close();
});
