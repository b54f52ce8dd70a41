import * as fs from 'node:fs';
import { test, expect, hydrated, screenshot, newRequest, advance } from './fixtures';

test('the SLA report shows each step against its standard with charts and numbers, and the CSV says the same', async ({ page, trouble }) => {
  // Something handled today: a request taken through steps 1 to 3.
  const card = await newRequest(page, 901);
  for (const step of ['1', '2', '3']) await advance(page.request, card, step);
  await page.goto('/laporan');
  await hydrated(page);
  const steps = page.getByTestId('report-steps');
  await expect(steps.locator('tbody tr[data-step]')).toHaveCount(9); // 8 steps and the total
  const json = await (await page.request.get(`/api/reports/sla?from=${await page.locator('input[name="from"]').inputValue()}&to=${await page.locator('input[name="to"]').inputValue()}`)).json();
  const step3 = json.steps.find((s: any) => s.step === '3').figures;
  expect(step3.handled).toBeGreaterThanOrEqual(1);
  await expect(steps.locator('tr[data-step="3"] td').first()).toHaveText(String(step3.handled));
  await expect(steps.locator('tr[data-step="total"] td').first()).toHaveText(String(json.total.handled));
  // Each chart has a bar and its number per step.
  await expect(page.getByTestId('share-chart').locator('g[data-step]')).toHaveCount(8);
  await expect(page.getByTestId('share-chart').locator('g[data-step="3"] text.value')).toContainText(`(${step3.within}/${step3.handled})`);
  await expect(page.getByTestId('time-chart').locator('g[data-step]')).toHaveCount(8);

  // The CSV download carries the same numbers.
  const download = page.waitForEvent('download');
  await page.getByTestId('report-csv').click();
  const file = await (await download).path();
  const csv = fs.readFileSync(file, 'utf8');
  expect(csv).toContain(`\nstep,3,${step3.handled},${step3.within},`);
  expect(csv).toContain(`\ntotal,all,${json.total.handled},${json.total.within},`);
  await screenshot(page, 'report-id');

  // A bad range says why, in place of the figures.
  await page.locator('input[name="from"]').fill('2026-12-31');
  await page.locator('input[name="to"]').fill('2026-01-01');
  await page.locator('input[name="to"]').dispatchEvent('change');
  // In the person's language only (the server sends both apart).
  await expect(page.getByRole('alert')).toHaveText('tanggal awal (from) sesudah tanggal akhir (to)');
  // That refusal (400) was the point; nothing else may have failed.
  const expected = (e: string) => e.includes('400') || e.includes('Bad Request');
  trouble.failedRequests = trouble.failedRequests.filter((e) => !expected(e));
  trouble.consoleErrors = trouble.consoleErrors.filter((e) => !expected(e));
});
