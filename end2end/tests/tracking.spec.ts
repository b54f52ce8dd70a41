import { test, expect, hydrated, newRequest, advance, screenshot, pushOne, bundleLoads } from './fixtures';

test('the applicant follows the request by its link without an account, sees no staff or notes, and a revoked link stops', async ({ page, browser }) => {
  const card = await newRequest(page, 951);
  for (const step of ['1', '2']) await advance(page.request, card, step);
  const note = 'Catatan internal untuk petugas saja';
  await pushOne(page.request, 'tu', { type: 'add_note', card, text: note });

  // Staff give the link from the card's details.
  await page.goto('/');
  await hydrated(page);
  await page.locator(`[data-card="${card}"]`).click();
  const drawer = page.getByTestId('card-drawer');
  await drawer.getByTestId('give-link').click();
  const url = await drawer.getByTestId('tracking-url').inputValue();
  expect(url).toMatch(/\/lacak\/[A-Za-z0-9_-]{32}$/);

  // The applicant, with no account: the server renders the page whole, without the app's bundle.
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const applicant = await context.newPage();
  const loads = bundleLoads(applicant);
  await applicant.goto(url);
  await expect(applicant.getByTestId('track-step')).toHaveAttribute('data-step', '3');
  await expect(applicant.getByTestId('track-step')).toContainText('Disposisi Kepala Dinas');
  await expect(applicant.getByTestId('track-clock')).toContainText('waktu baku');
  const text = await applicant.locator('main').innerText();
  for (const hidden of [note, 'Penguji Semua Peran', 'e2e.semua', 'Budi', '0812']) {
    expect(text, `the page shows ${hidden}`).not.toContain(hidden);
  }
  await expect(applicant.getByRole('link', { name: 'Kamera' })).toHaveCount(0);
  expect(loads(), 'the tracking page loads no JavaScript or WebAssembly of the app').toEqual([]);
  await screenshot(applicant, 'tracking-page');

  // Revoked: the page says the link is not valid, with 404.
  await drawer.getByTestId('revoke-link').click();
  await expect(drawer).toContainText('Link dicabut');
  const revoked = await applicant.reload();
  expect(revoked?.status()).toBe(404);
  await expect(applicant.getByRole('alert')).toContainText('tidak berlaku');
  await context.close();
});

test('a phone without JavaScript reads the status, the page reloads itself each minute, names each step as the SOP does, and its language switch is a link that is kept', async ({ page, browser }) => {
  const card = await newRequest(page, 952);
  await advance(page.request, card, '1');
  const link = await (await page.request.post(`/api/cards/${card}/tracking`)).json();
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] }, javaScriptEnabled: false });
  const applicant = await context.newPage();
  const first = await applicant.goto(link.path);
  expect(first?.headers()['cache-control']).toBe('no-store');
  await expect(applicant.getByTestId('track-step')).toHaveAttribute('data-step', '2');
  await expect(applicant.locator('.track-passed li').first()).toHaveText(/^Tahap 1 · Pengajuan permohonan — /);
  // A live view: the browser loads it again every minute by itself (no script needed).
  await expect(applicant.locator('meta[http-equiv="refresh"]')).toHaveAttribute('content', '60');

  // Moved on by staff: "Muat ulang" (a link) shows it.
  await advance(page.request, card, '2');
  await applicant.getByTestId('track-reload').click();
  await expect(applicant.getByTestId('track-step')).toHaveAttribute('data-step', '3');

  // The active language is readable: its colour is not the background's.
  const [active, background] = await applicant.locator('.lang-toggle .active').evaluate((el) => {
    const bg = (e: Element | null): string => {
      while (e) { const c = getComputedStyle(e).backgroundColor; if (c !== 'rgba(0, 0, 0, 0)') return c; e = e.parentElement; }
      return 'rgb(255, 255, 255)';
    };
    return [getComputedStyle(el).color, bg(el)];
  });
  expect(active).not.toBe(background);

  // English by the switch; kept for the next visit of the link (a cookie), and the page says so.
  await applicant.getByTestId('lang-toggle').click();
  await expect(applicant.locator('html')).toHaveAttribute('lang', 'en');
  await expect(applicant.getByTestId('track-step')).toContainText('Now at step 3');
  await applicant.goto(link.path);
  await expect(applicant.getByRole('heading', { level: 1 })).toHaveText('CCTV monitoring request status');
  await screenshot(applicant, 'tracking-page-english');

  // A mistyped link: 404, said in the chosen language.
  const wrong = await applicant.goto('/lacak/%00%3Cscript%3E' + 'x'.repeat(300));
  expect(wrong?.status()).toBe(404);
  await expect(applicant.getByRole('alert')).toContainText('not valid');
  await context.close();
});
