import { Page } from '@playwright/test';
import { test, expect, hydrated, signIn, ACCOUNTS, screenshot, newRequest, advance, openWall, wallCount } from './fixtures';

// The TCM Room's wall screen: a kiosk token, nobody touching it, for days.

/** Checks that nothing is outside the screen or cut: columns side by side, the cards and the
 * "+n lainnya" line inside their column, one under the other. Returns the font sizes. */
async function layoutOf(wall: Page, viewport: { width: number; height: number }) {
  const boxes = await wall.evaluate(() => {
    const rect = (el: Element) => { const r = el.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, bottom: r.bottom }; };
    return {
      columns: [...document.querySelectorAll('.wall-column')].map(rect),
      lists: [...document.querySelectorAll('.wall-cards')].map(rect),
      cards: [...document.querySelectorAll('.wall-column')].map((c) => [...c.querySelectorAll('.wall-card, .wall-more')].map(rect)),
      page: { width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight },
      rootPx: parseFloat(getComputedStyle(document.documentElement).fontSize),
      smallest: [...document.querySelectorAll('.wall-page *')]
        .filter((el) => el.childNodes.length && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim()))
        .filter((el) => el.getClientRects().length > 0 && !el.closest('.visually-hidden, .state'))
        .map((el) => ({ px: parseFloat(getComputedStyle(el).fontSize), what: `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent!.trim().slice(0, 20)}` }))
        .sort((a, b) => a.px - b.px)[0],
    };
  });
  expect(boxes.page).toEqual({ width: viewport.width, height: viewport.height });
  expect(boxes.columns).toHaveLength(8);
  for (let i = 0; i < 8; i++) {
    const col = boxes.columns[i];
    expect(col.right).toBeLessThanOrEqual(viewport.width);
    expect(col.bottom).toBeLessThanOrEqual(viewport.height);
    if (i > 0) expect(col.left).toBeGreaterThanOrEqual(boxes.columns[i - 1].right);
    boxes.cards[i].forEach((card, k) => {
      expect(card.bottom, `column ${i + 1}, card ${k + 1} not cut`).toBeLessThanOrEqual(boxes.lists[i].bottom + 0.5);
      if (k > 0) expect(card.top).toBeGreaterThanOrEqual(boxes.cards[i][k - 1].bottom);
    });
  }
  return boxes;
}

test.describe('without a session', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('a kiosk token opens /wall read-only; without one it is refused; revoked, it stops at once', async ({ page, browser }) => {
    await signIn(page, ACCOUNTS.admin);
    const { name, context, wall } = await openWall(page, browser);
    await expect(wall.getByTestId('connection')).toHaveText('Tersinkron');
    await expect(wall.getByTestId('wall')).toBeVisible();
    // Read-only: no moves, nobody signed in, not the staff's top bar.
    await expect(wall.getByTestId('move')).toHaveCount(0);
    await expect(wall.getByTestId('user')).toHaveCount(0);
    await expect(wall.locator('header.topbar')).toHaveCount(0);

    // Revoked by the Admin: within about a second the wall clears what it showed and says why,
    // in a box of its own; after a reload too (nothing of the board was kept).
    await expect(wall.locator('.wall-card').first()).toBeVisible();
    const revoked = Date.now();
    expect((await page.request.post(`/api/kiosks/${name}/revoke`)).status()).toBe(204);
    const refused = wall.getByTestId('wall-refused');
    await expect(refused).toContainText('token kiosk tidak berlaku atau sudah dicabut', { timeout: 3000 });
    console.log(`the revoked wall cleared ${Date.now() - revoked} ms after the revocation`);
    await expect(wall.locator('.wall-card')).toHaveCount(0);
    const inside = await refused.evaluate((box) => [...box.querySelectorAll('p, h2')].every((el) => el.scrollWidth <= el.clientWidth + 1));
    expect(inside, 'the message fits inside its box').toBe(true);
    await screenshot(wall, 'wall-revoked');
    await wall.reload();
    await hydrated(wall);
    await expect(refused).toBeVisible();
    await expect(wall.locator('.wall-card')).toHaveCount(0);
    expect(await wall.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('pantau.board')))).toEqual([]);
    await context.close();

    // Without a token: refused.
    const bare = await browser.newContext();
    const nothing = await bare.newPage();
    await nothing.goto('/wall');
    await hydrated(nothing);
    await expect(nothing.getByTestId('wall-refused')).toContainText('token kiosk diperlukan');
    expect((await nothing.request.get('/api/board')).status()).toBe(401);
    await bare.close();
  });
});

test('a move made in another browser appears on the wall within a second', async ({ page, browser }) => {
  await page.goto('/');
  await hydrated(page);
  const { context, wall } = await openWall(page, browser);
  await expect(wall.getByTestId('connection')).toHaveText('Tersinkron');
  const card = await newRequest(page, 701, 'tu');
  await expect.poll(() => wallCount(wall, '2')).toBeGreaterThan(0);
  const before = { at2: await wallCount(wall, '2'), at3: await wallCount(wall, '3') };
  const moved = Date.now();
  await advance(page.request, card, '2');
  await expect.poll(() => wallCount(wall, '3'), { timeout: 1000, intervals: [25] }).toBe(before.at3 + 1);
  console.log(`the move reached the wall in ${Date.now() - moved} ms (push included)`);
  expect(await wallCount(wall, '2')).toBe(before.at2 - 1);
  await context.close();
});

test('offline, the wall says since when its data is; back online it catches up with every move missed', async ({ page, browser }) => {
  await page.goto('/');
  await hydrated(page);
  const cards = [await newRequest(page, 711, 'tu'), await newRequest(page, 712, 'tu')];
  const { context, wall } = await openWall(page, browser);
  await expect(wall.getByTestId('connection')).toHaveText('Tersinkron');
  await expect(wall.getByTestId('stale')).toHaveCount(0);
  const at4 = await wallCount(wall, '4');
  // Installed: the service worker holds the page and its code.
  await wall.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10_000 });

  await context.setOffline(true);
  // The stream is cut: the banner names the time of the last data.
  await wall.evaluate(() => window.dispatchEvent(new Event('offline')));
  await expect(wall.getByTestId('stale')).toContainText('Data tidak terbaru: data dari', { timeout: 10_000 });
  // The banner takes room: the columns still fit, nothing cut.
  await wall.waitForTimeout(100);
  await layoutOf(wall, { width: 1920, height: 1080 });
  await screenshot(wall, 'wall-stale-1080p');
  for (const card of cards) {
    await advance(page.request, card, '2');
    await advance(page.request, card, '3');
  }
  expect(await wallCount(wall, '4')).toBe(at4);
  // Reloaded while offline (the service worker has the page and the bundle): the saved board,
  // marked with its age.
  await wall.reload();
  await hydrated(wall);
  await expect(wall.getByTestId('stale')).toContainText('Data tidak terbaru: data dari');
  await expect.poll(() => wallCount(wall, '2')).toBeGreaterThanOrEqual(2);
  expect(await wallCount(wall, '4')).toBe(at4);

  await context.setOffline(false);
  await expect(wall.getByTestId('connection')).toHaveText('Tersinkron', { timeout: 15_000 });
  await expect(wall.getByTestId('stale')).toHaveCount(0);
  await expect.poll(() => wallCount(wall, '4')).toBe(at4 + 2);
  await context.close();
});

/** How many shown cards stick out of their column's list (a column checks itself each second). */
async function cutCards(wall: Page) {
  return wall.evaluate(() => [...document.querySelectorAll('.wall-cards')]
    .map((list) => [list.getBoundingClientRect().bottom, [...list.querySelectorAll('.wall-card, .wall-more')]] as const)
    .reduce((n, [bottom, cards]) => n + cards.filter((c) => c.getBoundingClientRect().bottom > bottom + 0.5).length, 0));
}

/** Every text on the wall that is wider than its box (scrollWidth > clientWidth): none may be. */
async function clippedTexts(wall: Page) {
  return wall.evaluate(() => [...document.querySelectorAll('.wall-page *')]
    .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim()))
    .filter((el) => el.getClientRects().length > 0 && !el.closest('.visually-hidden, .state'))
    .filter((el) => getComputedStyle(el).display !== 'inline')
    .filter((el) => el.scrollWidth > el.clientWidth + 1)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent!.trim().slice(0, 40)} (${el.scrollWidth} > ${el.clientWidth})`));
}

test('the wall fits 768p, 1080p and 4K: nothing cut, names and letter numbers whole, the most urgent first, "+n lainnya" for the rest', async ({ page, browser }) => {
  await page.goto('/');
  await hydrated(page);
  // Enough cards at step 2 that the column cannot show them all.
  for (let n = 0; n < 14; n++) await newRequest(page, 720 + n, 'tu');
  for (const [label, viewport] of [['768p', { width: 1366, height: 768 }], ['1080p', { width: 1920, height: 1080 }], ['4k', { width: 3840, height: 2160 }]] as const) {
    const { context, wall } = await openWall(page, browser, { viewport });
    await expect(wall.getByTestId('connection')).toHaveText('Tersinkron');
    const column = wall.locator('.wall-column[data-step="2"]');
    await expect(column.getByTestId('wall-more')).toBeVisible();
    const shown = await column.locator('.wall-card').count();
    const total = await wallCount(wall, '2');
    await expect(column.getByTestId('wall-more')).toHaveText(`+${total - shown} lainnya`);

    // A card that grew since its column measured (a camera went down, a timer's text got longer)
    // is set right within a few seconds.
    await expect.poll(() => cutCards(wall), { timeout: 12_000 }).toBe(0);
    const boxes = await layoutOf(wall, viewport);
    expect(await clippedTexts(wall), `${label}: no text cut`).toEqual([]);
    // Letter numbers whole, agencies by their short form ("Dishub"), never cut mid-word.
    const letters = await wall.locator('.wall-card .letter-number').allTextContents();
    for (const letter of letters) expect(letter).toMatch(/\/(\d{4}|[A-Z]+)$/);
    const agencies = (await wall.locator('.wall-card .agency').allTextContents()).map((a) => a.trim());
    expect(agencies, 'Dinas Perhubungan by its short form').toContain('Dishub');
    expect(agencies.filter((a) => a.includes('Dinas Perhubungan'))).toEqual([]);
    // The columns use the height: where "+n lainnya" shows, no other card would have fit above it.
    const room = await wall.evaluate(() => [...document.querySelectorAll('.wall-column')]
      .filter((col) => col.querySelector('.wall-more'))
      .map((col) => {
        const list = col.querySelector('.wall-cards')!.getBoundingClientRect();
        const more = col.querySelector('.wall-more')!.getBoundingClientRect();
        // The height of the first card left out, as the column measured it when it drew it.
        const next = Number(col.querySelector('.wall-cards')!.getAttribute('data-next-card-px'));
        return { step: col.getAttribute('data-step'), free: list.bottom - more.bottom, next };
      }));
    for (const r of room) {
      expect(r.next, `${label}: step ${r.step} measured the card it left out`).toBeGreaterThan(0);
      expect(r.free, `${label}: step ${r.step} leaves room for the next card`).toBeLessThan(r.next + 10);
    }
    console.log(`${label}: ${shown} cards shown at step 2 before "+n lainnya"`);
    // The smallest text: 1rem, a 80th of the screen's width.
    expect(boxes.rootPx).toBeCloseTo(viewport.width / 80, 0);
    console.log(`${label}: 1rem = ${boxes.rootPx}px, smallest text ${boxes.smallest.px}px (${boxes.smallest.what}), ${shown} of ${total} cards shown at step 2`);
    expect(boxes.smallest.px, boxes.smallest.what).toBeGreaterThanOrEqual(boxes.rootPx - 0.5);

    // Most urgent first: the cards' time left never decreases down the column.
    const statuses = await column.locator('.wall-card').evaluateAll((els) => els.map((el) => el.getAttribute('data-status')));
    const rank = (s: string | null) => ['breached', 'warning', 'on-time', 'paused', 'scheduled'].indexOf(s ?? '');
    expect(statuses.map(rank)).toEqual([...statuses.map(rank)].sort((a, b) => a - b));
    await screenshot(wall, `wall-${label}`);
    if (label === '1080p') {
      // English on request, remembered like on the board.
      await wall.getByRole('button', { name: 'Ganti bahasa ke English' }).click();
      await expect(wall.getByTestId('wall-totals')).toContainText('On time');
      await expect(wall.getByTestId('late-strip')).toContainText('Breached');
      await layoutOf(wall, viewport);
      await screenshot(wall, 'wall-1080p-en');
    }
    await context.close();
  }
});

test('a card turning breached is flashed once, counted, and listed in the Terlambat strip', async ({ page, browser }) => {
  await page.goto('/');
  await hydrated(page);
  // A tall screen: the card stays in view however many other tests left at 5a.
  const { context, wall } = await openWall(page, browser, { clock: true, viewport: { width: 1920, height: 2600 } });
  // A 5a card: 120 minutes, around the clock.
  const card = await newRequest(page, 740, 'tu');
  for (const step of ['2', '3', '4', '5']) await advance(page.request, card, step);
  const onWall = wall.locator(`.wall-column[data-step="5a"] [data-card="${card}"]`);
  await expect(onWall).toHaveAttribute('data-status', 'on-time');
  const breachedBefore = Number(await wall.getByTestId('wall-totals').locator('.breached .n').textContent());
  await wall.clock.fastForward(121 * 60_000);
  await expect(wall.locator(`[data-card="${card}"][data-status="breached"]`)).toHaveCount(1);
  await expect(wall.locator(`.wall-card.just-breached[data-card="${card}"]`)).toHaveCount(1);
  // The flash is a finite animation (three runs), not an endless one.
  const iterations = await wall.locator(`.wall-card.just-breached[data-card="${card}"]`).evaluate((el) => getComputedStyle(el).animationIterationCount);
  expect(iterations).toBe('3');
  // Counted in the strip (named there when it is among the five most overdue).
  await expect(wall.getByTestId('late-strip').locator('.late-title .n')).not.toHaveText('0');
  expect(Number(await wall.getByTestId('wall-totals').locator('.breached .n').textContent())).toBeGreaterThan(breachedBefore);
  // The sound is off unless someone turns it on; the choice is remembered.
  await expect(wall.getByTestId('sound')).toHaveAttribute('aria-pressed', 'false');
  await wall.getByTestId('sound').click();
  await wall.reload();
  await hydrated(wall);
  await expect(wall.getByTestId('sound')).toHaveAttribute('aria-pressed', 'true');
  await context.close();
});

test('the wall can be installed full-screen: a web app manifest starting at /wall', async ({ page }) => {
  await page.goto('/wall');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const res = await page.request.get(href!);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('manifest+json');
  const manifest = await res.json();
  expect(manifest).toMatchObject({ start_url: '/wall', display: 'fullscreen', lang: 'id' });
  expect(manifest.icons.length).toBeGreaterThan(0);
});
