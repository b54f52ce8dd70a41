import * as net from 'node:net';
import { randomUUID } from 'node:crypto';
import { Page } from '@playwright/test';
import { test, expect, hydrated, screenshot, advance, openWall, pushOne } from './fixtures';

// The e2e server probes every 2 s (serve.sh). A "camera" here is a real TCP listener the test opens
// and closes; the RTSP and HTTP probes are covered against real servers by server/tests/cameras.rs.

/** A TCP server on a free port: a camera that is up until `close()`. */
async function tcpCamera(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () => new Promise<void>((ok) => { for (const s of sockets) s.destroy(); server.close(() => ok()); }),
  };
}

/** Adds a camera through the Admin form of the cameras page. */
async function addCamera(page: Page, name: string, url: string) {
  const form = page.getByTestId('camera-admin').locator('form');
  await form.locator('[name="name"]').fill(name);
  await form.locator('[name="location"]').fill('Uji Playwright');
  await form.locator('select[name="kind"]').selectOption('tcp');
  await form.locator('[name="url"]').fill(url);
  await form.getByRole('button', { name: 'Tambah kamera' }).click();
  await expect(page.getByTestId('camera-form-message')).toHaveText('Tersimpan');
}

function row(page: Page, name: string) {
  return page.locator(`[data-testid="camera-table"] tr[data-camera="${name}"]`);
}

test('the cameras page shows the live feed; a camera going down is listed offline with its history', async ({ page, trouble }) => {
  await page.goto('/kamera');
  await hydrated(page);
  const strip = page.getByTestId('camera-strip').first();
  // The demo's simulated cameras, marked as such.
  await expect(row(page, 'Simpang Tugu Naga')).toContainText('simulasi');
  await expect(strip.locator('[data-status="cam-online"] .n')).not.toHaveText('0');

  const camera = await tcpCamera();
  const name = `Kamera Uji ${randomUUID().slice(0, 6)}`;
  await addCamera(page, name, `tcp://127.0.0.1:${camera.port}`);
  await expect(row(page, name)).toHaveAttribute('data-status', 'cam-online', { timeout: 10_000 });

  await camera.close();
  await expect(row(page, name)).toHaveAttribute('data-status', 'cam-offline', { timeout: 10_000 });
  await expect(strip.getByTestId('cameras-offline')).toContainText(name);
  await expect(row(page, name)).toContainText('koneksi ditolak');

  // Offline only: every row left is offline, ours among them.
  await page.getByTestId('only-offline').check();
  const statuses = await page.locator('[data-testid="camera-table"] tbody tr').evaluateAll(
    (rows) => rows.map((r) => r.getAttribute('data-status')));
  expect(statuses.length).toBeGreaterThan(0);
  expect(new Set(statuses)).toEqual(new Set(['cam-offline']));

  // The history: offline after online, newest first.
  await row(page, name).locator('button.link').click();
  const history = page.getByTestId('camera-history');
  await expect(history.locator('li').first()).toContainText('Offline');
  await expect(history.locator('li').nth(1)).toContainText('Online');
  await page.getByTestId('only-offline').uncheck();
  await screenshot(page, 'cameras-page');

  // A bad address is refused next to its field, and nothing is added.
  const form = page.getByTestId('camera-admin').locator('form');
  await form.locator('[name="name"]').fill('Kamera salah alamat');
  await form.locator('select[name="kind"]').selectOption('rtsp');
  await form.locator('[name="url"]').fill('http://10.0.0.1/stream');
  await form.getByRole('button', { name: 'Tambah kamera' }).click();
  await expect(form.locator('.field-error')).toContainText('rtsp://');
  await expect(row(page, 'Kamera salah alamat')).toHaveCount(0);
  // That refusal (422) was the point; nothing else may have failed.
  const expected = (e: string) => e.includes('422');
  expect(trouble.failedRequests.filter(expected)).toHaveLength(1);
  trouble.failedRequests = trouble.failedRequests.filter((e) => !expected(e));
  trouble.consoleErrors = trouble.consoleErrors.filter((e) => !expected(e));
});

test('a card whose camera goes offline warns on the board and the wall; the 5a check starts from the live status', async ({ page, browser }) => {
  const camera = await tcpCamera();
  const name = `Simpang Uji ${randomUUID().slice(0, 6)}`;
  const added = await page.request.post('/api/cameras', {
    data: { name, kind: 'tcp', url: `tcp://127.0.0.1:${camera.port}` },
  });
  expect(added.status()).toBe(201);

  // A request for that camera and one Pantau does not know, taken to step 5a.
  const card = randomUUID();
  const start = new Date(Date.now() + 3 * 86400_000);
  await pushOne(page.request, 'tu', { type: 'create_request', card, request: {
    letter_number: '000.8/KAMERA/2026', letter_date: '2026-11-27', agency: 'Satpol PP', contact_name: 'Andreas',
    contact_phone: '0812 3456 7890', subject: 'Pengamanan pasar malam', purpose: 'Keamanan',
    cameras: [name, 'Gang Belum Terdaftar'], window_start: start.toISOString(),
    window_end: new Date(start.getTime() + 4 * 3600_000).toISOString(), documents: [] } });
  for (const step of ['2', '3', '4', '5']) await advance(page.request, card, step);

  await page.goto('/');
  await hydrated(page);
  const onBoard = page.locator(`section[data-step="5a"] [data-card="${card}"]`);
  await expect(onBoard).toBeVisible();
  await expect(onBoard.getByTestId('camera-warning')).toHaveCount(0);

  const { wall, context } = await openWall(page, browser);
  const onWall = wall.locator(`.wall-card[data-card="${card}"]`);

  await camera.close();
  await expect(onBoard.getByTestId('camera-warning')).toContainText(`Kamera offline: ${name}`, { timeout: 10_000 });
  await expect(wall.getByTestId('camera-strip')).toContainText(name, { timeout: 10_000 });
  if (await onWall.count() > 0) {
    await expect(onWall.getByTestId('camera-warning')).toContainText(name);
  }
  await screenshot(wall, 'wall-camera-offline');
  await context.close();

  // The check dialog shows what Pantau sees and offers it: the operator's findings start empty,
  // one button takes the live state (the camera down), the unknown camera stays to choose.
  await onBoard.getByTestId('move').click();
  const dialog = page.getByTestId('move-dialog');
  const live = dialog.getByTestId('live-check');
  await expect(live.locator(`li[data-camera="${name}"]`)).toHaveAttribute('data-status', 'cam-offline');
  await expect(live.locator('li[data-camera="Gang Belum Terdaftar"]')).toContainText('tidak terdaftar di Pantau');
  await expect(dialog.locator('select[name="camera-0"]')).toHaveValue('');
  await dialog.getByTestId('use-live').click();
  await expect(dialog.locator('select[name="camera-0"]')).toHaveValue('down');
  await expect(dialog.locator('select[name="camera-1"]')).toHaveValue('');
  await dialog.locator('select[name="camera-1"]').selectOption('ok');
  if (await dialog.locator('select[name="network"]').inputValue() === '') await dialog.locator('select[name="network"]').selectOption('ok');
  // A camera down is said explicitly.
  await dialog.locator('input[name="faults_confirmed"]').check();
  await screenshot(page, 'check-dialog-live');
  await dialog.getByTestId('save-move').click();
  await expect(page.locator(`section[data-step="6"] [data-card="${card}"]`)).toBeVisible();

  // The report keeps the snapshot, with its time.
  await expect.poll(async () => {
    const detail = await (await page.request.get(`/api/cards/${card}`)).json();
    const check = detail.events.find((e: any) => e.change?.output?.kind === 'check_report');
    return check?.change.output.live?.cameras?.map((c: any) => `${c.camera}:${c.status}`).join(',');
  }).toBe(`${name}:offline,Gang Belum Terdaftar:unknown`);
  // Step 6 still needs the camera: the warning stays.
  await expect(page.locator(`section[data-step="6"] [data-card="${card}"]`).getByTestId('camera-warning')).toBeVisible();
});
