import { test, expect, hydrated, signIn, ACCOUNTS, screenshot } from './fixtures';

test.use({ storageState: { cookies: [], origins: [] } });

test('a kiosk token opens /wall read-only; without one it is refused; revoked, it stops at once', async ({ page, browser }) => {
  await signIn(page, ACCOUNTS.admin);
  const name = `tv-${Date.now()}`;
  const created = await page.request.post('/api/kiosks', { data: { name } });
  expect(created.status()).toBe(201);
  const { token } = await created.json();

  const tv = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const wall = await tv.newPage();
  await wall.goto(`/wall?token=${token}`);
  await hydrated(wall);
  await expect(wall.getByTestId('connection')).toHaveText('Tersinkron');
  await expect(wall.locator('section[data-step] .card').first()).toBeVisible();
  // Read-only: no moves, nobody signed in.
  await expect(wall.getByTestId('move')).toHaveCount(0);
  await expect(wall.getByTestId('user')).toHaveCount(0);
  await screenshot(wall, 'wall-first-1080p');

  // Revoked by the Admin: the open stream ends and the wall says why.
  expect((await page.request.post(`/api/kiosks/${name}/revoke`)).status()).toBe(204);
  await expect(wall.getByTestId('connection')).toContainText('token kiosk tidak berlaku atau sudah dicabut', { timeout: 5000 });
  await tv.close();

  // Without a token: refused.
  const bare = await browser.newContext();
  const nothing = await bare.newPage();
  await nothing.goto('/wall');
  await hydrated(nothing);
  await expect(nothing.getByTestId('connection')).toContainText('token kiosk diperlukan');
  expect((await nothing.request.get('/api/board')).status()).toBe(401);
  await bare.close();
});
