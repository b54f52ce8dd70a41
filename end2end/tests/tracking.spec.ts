import { test, expect, hydrated, newRequest, advance, screenshot } from './fixtures';

test('the applicant follows the request by its link without an account, sees no staff or notes, and a revoked link stops', async ({ page, browser }) => {
  const card = await newRequest(page, 951);
  for (const step of ['1', '2']) await advance(page.request, card, step);
  const note = 'Catatan internal untuk petugas saja';
  const res = await page.request.post('/api/sync/push', { data: { mutations: [{ id: crypto.randomUUID(), actor: 'x', role: 'tu',
    device: 'playwright', client_time: new Date().toISOString(), mutation: { type: 'add_note', card, text: note } }] } });
  expect((await res.json()).results[0].status).toBe('accepted');

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
