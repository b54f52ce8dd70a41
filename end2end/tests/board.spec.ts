import { test, expect, hydrated, screenshot, SOP_STEPS } from './fixtures';

test('server-rendered page already holds the eight SOP step columns in order', async ({ request }) => {
  const res = await request.get('/');
  expect(res.status()).toBe(200);
  const html = await res.text();
  const steps = [...html.matchAll(/<section[^>]*data-step="([^"]+)"/g)].map((m) => m[1]);
  expect(steps).toEqual(SOP_STEPS);
  // Each column is headed by the Indonesian name, the performer and the standard time from the SOP.
  expect(html).toContain('Penerimaan oleh TU');
  expect(html).toContain('Disposisi Kepala Dinas');
  expect(html).toContain('Cek jaringan &amp; CCTV');
  expect(html).toContain('Subkor ILE');
  expect(html).toContain('>300 mnt<');
});

test('each column shows its step, Indonesian name, performer, required inputs, output and standard time', async ({ page }) => {
  await page.goto('/');
  const columns = page.locator('section[data-step]');
  await expect(columns).toHaveCount(8);
  const step5a = page.locator('section[data-step="5a"]');
  await expect(step5a.getByRole('heading')).toContainText('Cek jaringan & CCTV');
  await expect(step5a.locator('.performer')).toHaveText('Operator TCMR');
  await expect(step5a.locator('.standard')).toHaveText('120 mnt');
  const step1 = page.locator('section[data-step="1"]');
  await expect(step1.locator('.performer')).toHaveText('Pemohon (OPD / Forum Lalu Lintas)');
  await expect(step1.locator('.standard')).toHaveText('5 mnt');
  // Required inputs and output, as the SOP's Mutu Baku columns give them.
  const step5 = page.locator('section[data-step="5"]');
  await expect(step5.locator('.fact-inputs dd')).toHaveText('Ya / Tidak');
  await expect(step5.locator('.fact-output dd')).toHaveText('Disposisi');
  await expect(step5a.locator('.fact-inputs dd')).toHaveText('—');
  await expect(step5a.locator('.fact-output dd')).toHaveText('Laporan pengecekan');
});

test('after hydration the language switch turns the board to English and the choice is remembered', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await expect(page.locator('html')).toHaveAttribute('lang', 'id');
  await screenshot(page, 'board-id');

  await page.getByTestId('lang-toggle').click();
  const step2 = page.locator('section[data-step="2"]');
  await expect(step2.getByRole('heading')).toContainText('Received by TU');
  await expect(page.locator('section[data-step="7"] .standard')).toHaveText('120 min');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await screenshot(page, 'board-en');

  await page.reload();
  await hydrated(page);
  await expect(step2.getByRole('heading')).toContainText('Received by TU');

  await page.getByTestId('lang-toggle').click();
  await expect(step2.getByRole('heading')).toContainText('Penerimaan oleh TU');
});

test('health check names the version and the database in use', async ({ request }) => {
  const res = await request.get('/healthz');
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.status).toBe('ok');
  expect(body.database).toBe('sqlite');
  expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
});
