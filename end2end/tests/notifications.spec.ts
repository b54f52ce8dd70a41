import { test, expect, hydrated, screenshot, watchPage, newRequest, advance, ACCOUNTS, PASSWORD } from './fixtures';
import { devices } from '@playwright/test';
import { BotApi, OtherServer, PushServiceStandIn } from '../support/pantau';

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

test('a card reaching step 3 is told to the Kepala Dinas on his open page and on Telegram, whose link opens the card signed in', async ({ browser }) => {
  test.setTimeout(90_000);
  const bot = await BotApi.start('123456:uji-coba-bot-pantau-e2e-0000');
  // A server of its own, with Telegram on, talking to the stand-in.
  // Step 3 round the clock: an arrival outside office hours waits for the opening, and the test
  // must not depend on the hour (or the holiday) it runs at.
  const server = await OtherServer.start({
    PANTAU_TELEGRAM_TOKEN: bot.token, PANTAU_TELEGRAM_BOT: 'PantauUjiBot', PANTAU_TELEGRAM_API: bot.url,
    PANTAU_CALENDARS: '3=always_on',
  });
  try {
    const phone = await browser.newContext({ ...devices['Pixel 5'], baseURL: server.url });
    const kadis = await phone.newPage();
    const trouble = watchPage(kadis);
    // (On a phone the top bar hides the user's name: signed in as the sign-in form would.)
    expect((await phone.request.post('/api/auth/login', { data: { username: ACCOUNTS.kepala_dinas, password: PASSWORD } })).ok()).toBe(true);
    await kadis.goto('/pengaturan');
    await hydrated(kadis);
    await kadis.getByRole('button', { name: 'Hubungkan Telegram' }).click();
    const link = await kadis.getByTestId('telegram-link').getAttribute('href');
    const code = /^https:\/\/t\.me\/PantauUjiBot\?start=([A-Za-z0-9_-]+)$/.exec(link ?? '')?.[1];
    expect(code, link ?? '').toBeTruthy();
    // He presses Start in Telegram: the bot receives "/start <code>".
    bot.say(4242, 'kadis_skw', `/start ${code}`);
    await expect(kadis.getByTestId('telegram-name')).toHaveText('@kadis_skw', { timeout: 15_000 });
    await bot.message(4242, (t) => t.startsWith('Terhubung'));
    await kadis.goto('/');
    await hydrated(kadis);

    // TU registers a letter and completes step 2 from another browser.
    const office = await browser.newContext({ baseURL: server.url });
    const tu = await office.newPage();
    const login = await office.request.post('/api/auth/login', { data: { username: ACCOUNTS.tu, password: PASSWORD } });
    expect(login.ok()).toBe(true);
    const card = await newRequest(tu, 900, 'tu');
    await advance(office.request, card, '2');

    // On his open page: "Untuk Anda", in the words of the message, with the card's link.
    // (The demo letters' own timers may tell him of theirs meanwhile: only this letter's counts.)
    const item = kadis.getByTestId('for-you-item').filter({ hasText: 'E2E-900' });
    await expect(item).toHaveCount(1, { timeout: 10_000 });
    await expect(item).toContainText('E2E-900');
    await expect(item).toContainText('menunggu Anda di langkah 3');
    await expect(item.getByRole('link', { name: 'Buka kartu' })).toHaveAttribute('href', `/kartu/${card}`);
    const box = await item.boundingBox();
    expect(box!.x >= 0 && box!.x + box!.width <= 393.5, JSON.stringify(box)).toBe(true);
    await screenshot(kadis, 'for-you-phone');

    // On Telegram: the letter, the step, the time left and the link.
    const message = await bot.message(4242, (t) => t.includes('E2E-900'));
    expect(message.text).toContain('langkah 3');
    expect(message.text).toContain('sisa 30 mnt');
    const url = /(http:\/\/127\.0\.0\.1:\d+\/kartu\/[0-9a-f-]{36})/.exec(message.text)?.[1];
    expect(url, message.text).toBe(`${server.url}/kartu/${card}`);
    // Nothing told to TU, who made the move; one message about the card to the Kepala Dinas.
    expect(bot.sent.filter((m) => m.text.includes('E2E-900'))).toHaveLength(1);

    // He taps the message's link: his phone's browser opens the card, signed in, at his move.
    await kadis.goto(url!);
    await hydrated(kadis);
    const dialog = kadis.getByTestId('move-dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('E2E-900');
    // The card's own page tells nothing new: the item was opened, and does not come back.
    await expect(kadis.getByTestId('for-you-item').filter({ hasText: 'E2E-900' })).toHaveCount(0);
    expect(trouble).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [] });
    await phone.close();
    await office.close();
  } finally {
    server.stop();
    bot.close();
  }
});

test('turning on notifications for this phone subscribes it with the server key, and a card for him is pushed to its push service', async ({ browser }) => {
  test.setTimeout(90_000);
  const service = await PushServiceStandIn.start();
  // Step 3 round the clock, as above: not held until the office opens.
  const server = await OtherServer.start({ PANTAU_CALENDARS: '3=always_on' }, `[notify.push]\nsubject = "mailto:it@diskominfo.contoh.go.id"\nservices = ["${service.url}"]\n`);
  try {
    const phone = await browser.newContext({ ...devices['Pixel 5'], baseURL: server.url });
    await phone.grantPermissions(['notifications'], { origin: server.url });
    // Chromium's own subscription needs Google's push service, which this network cannot reach:
    // the browser's PushManager is replaced by one whose subscription points at the stand-in,
    // with a real P-256 key pair, so the page's code and the server's run as they are.
    await phone.addInitScript((endpointBase: string) => {
      const b64 = (a: Uint8Array) => btoa(String.fromCharCode(...a)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      let current: object | null = null;
      (window as any).__pushOptions = null;
      PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
        (window as any).__pushOptions = { userVisibleOnly: options?.userVisibleOnly, key: options?.applicationServerKey };
        const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
        const p256dh = b64(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));
        const auth = b64(crypto.getRandomValues(new Uint8Array(16)));
        const endpoint = `${endpointBase}/push/${crypto.randomUUID()}`;
        const json = { endpoint, expirationTime: null, keys: { p256dh, auth } };
        const sub = { ...json, toJSON: () => json, unsubscribe: async () => { current = null; return true; } };
        current = sub;
        return sub as unknown as PushSubscription;
      };
      PushManager.prototype.getSubscription = async () => current as PushSubscription | null;
    }, service.url);
    const kadis = await phone.newPage();
    const trouble = watchPage(kadis);
    // (On a phone the top bar hides the user's name: signed in as the sign-in form would.)
    expect((await phone.request.post('/api/auth/login', { data: { username: ACCOUNTS.kepala_dinas, password: PASSWORD } })).ok()).toBe(true);
    await kadis.goto('/pengaturan');
    await hydrated(kadis);
    const devicesCount = kadis.getByTestId('push-devices');
    await expect(devicesCount).toHaveText('0');
    await kadis.getByRole('button', { name: 'Aktifkan di perangkat ini' }).click();
    await expect(kadis.getByText('Perangkat ini akan menerima notifikasi Pantau.')).toBeVisible();
    await expect(devicesCount).toHaveText('1');
    const key = (await (await phone.request.get('/api/notify/push/key')).json()).key;
    expect(await kadis.evaluate(() => (window as any).__pushOptions)).toEqual({ userVisibleOnly: true, key });

    // A card reaches step 3: the server pushes to this phone's subscription, signed and encrypted.
    const office = await browser.newContext({ baseURL: server.url });
    const tu = await office.newPage();
    expect((await office.request.post('/api/auth/login', { data: { username: ACCOUNTS.tu, password: PASSWORD } })).ok()).toBe(true);
    const card = await newRequest(tu, 901, 'tu');
    await advance(office.request, card, '2');
    await expect.poll(() => service.received.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const push = service.received[0];
    expect(push.path).toMatch(/^\/push\/[0-9a-f-]{36}$/);
    expect(push.headers['content-encoding']).toBe('aes128gcm');
    expect(push.headers['authorization']).toMatch(new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, ?k=${key}$`));
    expect(push.bytes).toBeGreaterThan(86); // the RFC 8188 header alone is 86 bytes

    // Turned off again: the server forgets this phone.
    await kadis.getByRole('button', { name: 'Matikan di perangkat ini' }).click();
    await expect(kadis.getByText('Perangkat ini tidak lagi menerima notifikasi.')).toBeVisible();
    await expect(devicesCount).toHaveText('0');
    expect(trouble).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [] });
    await phone.close();
    await office.close();
  } finally {
    server.stop();
    service.close();
  }
});
