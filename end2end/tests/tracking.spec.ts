import { test, expect, hydrated, newRequest, advance, screenshot, pushOne } from './fixtures';

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

  // The applicant, with no account.
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const applicant = await context.newPage();
  await applicant.goto(url);
  await hydrated(applicant);
  await expect(applicant.getByTestId('track-step')).toHaveAttribute('data-step', '3');
  await expect(applicant.getByTestId('track-step')).toContainText('Disposisi Kepala Dinas');
  await expect(applicant.getByTestId('track-clock')).toContainText('waktu baku');
  const text = await applicant.locator('main').innerText();
  for (const hidden of [note, 'Penguji Semua Peran', 'e2e.semua', 'Budi', '0812']) {
    expect(text, `the page shows ${hidden}`).not.toContain(hidden);
  }
  await expect(applicant.getByRole('link', { name: 'Kamera' })).toHaveCount(0);
  await screenshot(applicant, 'tracking-page');

  // Revoked: the page says the link is not valid.
  await drawer.getByTestId('revoke-link').click();
  await expect(drawer).toContainText('Link dicabut');
  await applicant.reload();
  await hydrated(applicant);
  await expect(applicant.getByRole('alert')).toContainText('tidak berlaku');
  await context.close();
});

test('the tracking page refreshes itself each minute, names each step as the SOP does, and its language switch reads', async ({ page, browser }) => {
  const card = await newRequest(page, 952);
  await advance(page.request, card, '1');
  const link = await (await page.request.post(`/api/cards/${card}/tracking`)).json();
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const applicant = await context.newPage();
  await applicant.clock.install();
  await applicant.goto(link.path);
  await hydrated(applicant);
  await expect(applicant.getByTestId('track-step')).toHaveAttribute('data-step', '2');
  await expect(applicant.locator('.track-passed li').first()).toHaveText(/^Tahap 1 · Pengajuan permohonan — /);

  // Moved on by staff: the page shows it by itself within a minute, without "Muat ulang".
  await advance(page.request, card, '2');
  await applicant.clock.fastForward(61_000);
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
  await screenshot(applicant, 'tracking-page-refreshed');
  await context.close();
});
