import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Page } from '@playwright/test';
import { test, expect, hydrated, newRequest, advance, completeStep, screenshot, bundleLoads, ACCOUNTS, SIGNED_IN, watchPage } from './fixtures';

const MONTHS = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September',
  'Oktober', 'November', 'Desember'];
// serve.sh sets these letterhead settings; the defaults give the rest.
const ADDRESS = 'Jl. Uji Coba Kop No. 17, Singkawang 79123';
const SIGNATORY = 'Drs. Penanda Tangan Uji, M.Si.';

/** What Chromium prints for the page, read back by poppler: the text, the page count, the size. */
async function printed(page: Page, name: string) {
  const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
  const dir = path.join(__dirname, '..', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.pdf`);
  fs.writeFileSync(file, pdf);
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  // Lines wrap where the page ends them: all white space is squeezed to one space for matching.
  const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  return { text, pages: Number(/Pages:\s+(\d+)/.exec(info)![1]), size: /Page size:\s+(.*)/.exec(info)![1] };
}

/** An instant `ms` from now, its date as a letter writes it and its time ("09.07") in WIB. */
function soonWib(ms: number): { at: Date; written: string; time: string } {
  const at = new Date(Date.now() + ms);
  const local = new Date(at.getTime() + 7 * 3600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return {
    at,
    written: `${local.getUTCDate()} ${MONTHS[local.getUTCMonth()]} ${local.getUTCFullYear()}`,
    time: `${two(local.getUTCHours())}.${two(local.getUTCMinutes())}`,
  };
}

test('the reply letter and the monitoring report print on A4 under the configured letterhead, and the whole record downloads as one file', async ({ page, trouble }) => {
  const card = await newRequest(page, 961, 'tu');
  for (const step of ['2', '3', '4', '5', '5a']) await advance(page.request, card, step);
  // The monitoring starts in a few seconds (its report may only come after the start), and ends
  // the same day in WIB (the letter writes a window over midnight another way).
  const start = soonWib(4_000);
  const wibNow = new Date(Date.now() + 7 * 3600_000);
  const midnight = Date.UTC(wibNow.getUTCFullYear(), wibNow.getUTCMonth(), wibNow.getUTCDate() + 1) - 7 * 3600_000;
  test.skip(midnight - start.at.getTime() < 10 * 60_000, 'too close to midnight in WIB for a same-day window');
  const end = soonWib(Math.min(4_000 + 2 * 3600_000, midnight - 60_000 - Date.now()));
  await completeStep(page.request, card, '6', 'subkor_ile', {
    kind: 'schedule_confirmed', schedule: { start: start.at.toISOString(), end: end.at.toISOString() },
    trial: { ok: true, note: 'Kedua kamera tampil jernih' },
  });

  // The card's details link the records; the monitoring report is not there yet and says why.
  await page.goto('/');
  await hydrated(page);
  await page.locator(`[data-card="${card}"]`).click();
  const drawer = page.getByTestId('card-drawer');
  await expect(drawer.getByTestId('monitoring-report-link')).toContainText('setelah monitoring (tahap 7) selesai');
  // The print page is rendered whole by the server: no bundle loads.
  const loads = bundleLoads(page);
  await page.waitForFunction(() => !!navigator.serviceWorker?.controller);
  await drawer.getByTestId('reply-letter-link').click();
  await expect(page).toHaveURL(new RegExp(`/rekaman/${card}/surat-balasan$`));
  const letter = page.getByTestId('reply-letter');
  await expect(letter).toBeVisible();
  // The number shows in the letter as it is typed (a few lines of script), and is kept by
  // "Terapkan" (a form: without script too), in the page's address.
  await page.getByTestId('reply-number').fill('000.8.3.3/45/Al-A/2026');
  await expect(page.getByTestId('reply-number-shown')).toHaveText('000.8.3.3/45/Al-A/2026');
  await page.getByTestId('reply-number-apply').click();
  await expect(page).toHaveURL(/nomor=000\.8\.3\.3%2F45%2FAl-A%2F2026/);
  await expect(page.getByTestId('reply-number-shown')).toHaveText('000.8.3.3/45/Al-A/2026');
  await expect(page.getByTestId('reply-number')).toHaveValue('000.8.3.3/45/Al-A/2026');
  expect(loads(), 'the print page loads no JavaScript or WebAssembly of the app').toEqual([]);
  // The service worker fetched the page and kept none of it (no-store: names and the state of a
  // request stay off the device after a sign-out).
  expect(await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).workerStart),
    'the page came through the service worker').toBeGreaterThan(0);
  await page.waitForTimeout(300);
  const cached = await page.evaluate(async () => (await Promise.all((await caches.keys()).map(async (k) =>
    (await (await caches.open(k)).keys()).map((r) => r.url)))).flat());
  expect(cached.length, 'the worker keeps the app shell').toBeGreaterThan(0);
  expect(cached.filter((url) => url.includes('/rekaman/'))).toEqual([]);
  await screenshot(page, 'reply-letter');

  const reply = await printed(page, 'reply-letter');
  expect(reply.size, 'A4 from the print CSS').toContain('(A4)');
  expect(reply.pages).toBe(1);
  for (const line of [
    'PEMERINTAH KOTA SINGKAWANG', 'DINAS KOMUNIKASI DAN INFORMATIKA', ADDRESS,
    'Nomor : 000.8.3.3/45/Al-A/2026', 'Hal : Balasan Permohonan Monitoring CCTV',
    'Yth. Pimpinan Dinas Perhubungan',
    'Nomor 000.8/E2E-961/DISHUB/2026 tanggal 27 November 2026',
    `${start.written}, pukul ${start.time}–${end.time} WIB`, 'Simpang Tugu Naga, Jl. Diponegoro',
    'berhasil (Kedua kamera tampil jernih)', 'narahubung Saudara yang kami catat: Budi (0812 3456 7890)', 'Kepala Dinas Komunikasi dan Informatika Kota Singkawang,',
    SIGNATORY, 'NIP. 19700101 199003 1 001',
  ]) expect(reply.text, `the reply letter says ${line}`).toContain(line);
  // The screen's buttons and the staff bar are not printed.
  for (const chrome of ['Cetak / simpan PDF', 'Nomor surat balasan', 'Papan']) expect(reply.text).not.toContain(chrome);

  // Step 7 done once the monitoring has started: the monitoring report.
  await new Promise((r) => setTimeout(r, Math.max(0, start.at.getTime() - Date.now()) + 200));
  await completeStep(page.request, card, '7', 'operator_tcmr', {
    kind: 'monitoring_report', summary: 'Arus kendaraan di Simpang Tugu Naga padat merayap pukul 10.00, lancar kembali pukul 10.40',
    note: 'Rekaman disimpan di server TCM Room',
  });
  await page.goto(`/rekaman/${card}/laporan-monitoring`);
  await expect(page.getByTestId('monitoring-report')).toBeVisible();
  await screenshot(page, 'monitoring-report');
  const report = await printed(page, 'monitoring-report');
  expect(report.size).toContain('(A4)');
  expect(report.pages).toBeLessThanOrEqual(2);
  for (const line of [
    'PEMERINTAH KOTA SINGKAWANG', ADDRESS, 'LAPORAN HASIL MONITORING CCTV',
    'Surat Dinas Perhubungan Nomor 000.8/E2E-961/DISHUB/2026', `${start.written}, pukul ${start.time}–${end.time} WIB`,
    'Jaringan internet: Baik', 'Simpang Tugu Naga', 'Jl. Diponegoro', 'Berhasil — Kedua kamera tampil jernih',
    'padat merayap pukul 10.00', 'Catatan: Rekaman disimpan di server TCM Room', 'Mengetahui,', 'Subkor ILE,',
    'Operator TCM Room,', 'Penguji Semua Peran',
  ]) expect(report.text, `the monitoring report says ${line}`).toContain(line);

  // The whole record as one file, from the finished card's details in the Selesai lane.
  await page.goto('/');
  await hydrated(page);
  const lane = page.locator('details.end-lane[data-end="selesai"]');
  await lane.locator('summary').click();
  await lane.locator(`[data-card="${card}"] button`).click();
  const download = page.waitForEvent('download');
  await page.getByTestId('card-drawer').getByTestId('record-download').click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('rekaman-000.8-E2E-961-DISHUB-2026.json');
  const record = JSON.parse(fs.readFileSync(await file.path(), 'utf8'));
  expect(record.format).toBe('pantau.request-record/1');
  expect(record.events.map((e: any) => e.change.type)).toEqual(
    ['created', 'step_completed', 'step_completed', 'step_completed', 'step_completed', 'step_completed', 'step_completed', 'step_completed']);
  expect(record.card.outputs.find((o: any) => o.step === '5a').value.kind).toBe('check_report');
  expect(record.reply_letter.outcome.kind).toBe('scheduled');
  expect(record.monitoring_report.summary).toContain('padat merayap');
  expect(record.letterhead.address).toBe(ADDRESS);
  expect(trouble.pageErrors).toEqual([]);
});

test('a returned request gets a reply letter that gives the reason', async ({ page }) => {
  const card = await newRequest(page, 962, 'tu');
  for (const step of ['2', '3', '4']) await advance(page.request, card, step);
  await completeStep(page.request, card, '5', 'subkor_ile', {
    kind: 'review', decision: 'no', reason: 'Titik kamera yang diminta belum disebutkan',
  });
  await page.goto(`/rekaman/${card}/surat-balasan`);
  const letter = page.getByTestId('reply-letter');
  await expect(letter).toContainText('belum dapat kami proses karena: Titik kamera yang diminta belum disebutkan.');
  await expect(page.getByTestId('reply-number-shown')).toHaveText(/^…+$/);
  // No monitoring happened: its report says so instead of printing an empty one.
  await page.goto(`/rekaman/${card}/laporan-monitoring`);
  await expect(page.getByTestId('record-not-ready')).toContainText('setelah monitoring (tahap 7) selesai');
});

test('a print page asks a stranger to sign in and comes back, refuses a number it cannot print by its field, and says a wrong address in the chosen language', async ({ page, browser }) => {
  const card = await newRequest(page, 963, 'tu');
  for (const step of ['2', '3', '4']) await advance(page.request, card, step);
  await completeStep(page.request, card, '5', 'subkor_ile', { kind: 'review', decision: 'no', reason: 'Surat belum ditandatangani' });

  // Nobody signed in: the sign-in page, then back to the letter.
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const stranger = await context.newPage();
  await stranger.goto(`/rekaman/${card}/surat-balasan`);
  await expect(stranger).toHaveURL(/\/masuk\?lanjut=/);
  await hydrated(stranger);
  await stranger.getByLabel('Nama pengguna').fill(ACCOUNTS.tu);
  await stranger.getByLabel('Kata sandi').fill(process.env.PANTAU_E2E_PASSWORD ?? '');
  await stranger.getByRole('button', { name: 'Masuk' }).click();
  await expect(stranger).toHaveURL(new RegExp(`/rekaman/${card}/surat-balasan$`));
  await expect(stranger.getByTestId('reply-letter')).toContainText('Surat belum ditandatangani');
  await context.close();

  // Refusals answer 4xx on purpose: this page's watch allows them (and nothing else goes wrong).
  const staff = await browser.newContext({ storageState: SIGNED_IN });
  const other = await staff.newPage();
  const trouble = watchPage(other, (url) => url.includes('/rekaman/'));
  // A number longer than a letter's field: 422, said at the field, the letter printed unnumbered.
  const long = await other.goto(`/rekaman/${card}/surat-balasan?nomor=${'9'.repeat(101)}`);
  expect(long?.status()).toBe(422);
  const field = other.getByTestId('reply-number');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(other.locator('#reply-number-error')).toHaveText('paling panjang 100 karakter');
  await expect(other.getByTestId('reply-number-shown')).toHaveText(/^…+$/);

  // In English (the switch keeps what was typed); a card that is not there says so, with 404.
  await other.goto(`/rekaman/${card}/surat-balasan?nomor=12%2F3`);
  await other.getByTestId('lang-toggle').click();
  await expect(other).toHaveURL(/lang=en&nomor=12%2F3/);
  await expect(other.getByTestId('reply-number-apply')).toHaveText('Apply');
  await expect(other.getByTestId('reply-number-shown')).toHaveText('12/3');
  const missing = await other.goto('/rekaman/00000000-0000-4000-8000-000000000000/surat-balasan');
  expect(missing?.status()).toBe(404);
  await expect(other.getByRole('alert')).toBeVisible();
  const garbage = await other.goto('/rekaman/%FF%00/lainnya');
  expect(garbage?.status()).toBe(404);
  await expect(other.getByRole('alert')).toContainText('no record');
  // Chromium logs each 4xx page it loads as a console error: those are the refusals above.
  const unexpected = trouble.consoleErrors.filter((e) => !/status of (404|422) /.test(e));
  expect({ ...trouble, consoleErrors: unexpected }).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [] });
  await staff.close();
});
