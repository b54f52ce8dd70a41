import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { test, expect } from '@playwright/test';

// A board of 2,000 cards: how long from navigation until it is interactive (hydrated, every card
// drawn), and how long from a drop (and from saving the move) to the next paint. Prints figures.

const CARDS = Number(process.env.PANTAU_BENCH_CARDS ?? 2000);
// Loads of each board: this machine's timings vary by a third from one load to the next.
const LOADS = Number(process.env.PANTAU_BENCH_LOADS ?? 9);
const STEPS: [string, string, object][] = [
  ['2', 'tu', { kind: 'received' }],
  ['3', 'kepala_dinas', { kind: 'disposition', to: 'kabid_aptika', instruction: 'Tindak lanjuti' }],
  ['4', 'kabid_aptika', { kind: 'disposition', to: 'subkor_ile', instruction: 'Proses' }],
];

function envelope(role: string, mutation: object) {
  return { id: randomUUID(), actor: 'x', role, device: 'bench', client_time: new Date().toISOString(), mutation };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('board of 2,000 cards: navigation to interactive, drop to paint', async ({ page, request }) => {
  // Interactive: hydrated, every card counted in the column headers (`?n=` in the address says how
  // many there are), the columns' first cards drawn, and that painted; "complete" when each
  // column's first page (60 cards) is drawn too. First with the test server's few demo cards (the
  // floor: what any board costs on this machine), then with the 2,000. The page notes the moments itself
  // (performance.now() counts from the navigation), so the figures are the app's, not the time the
  // test driver took to look. Where the time goes: when the wasm arrived, when hydration ended,
  // the long tasks on the way.
  await page.addInitScript(() => {
    const n = Number(new URL(location.href).searchParams.get('n') ?? 0);
    const marks: Record<string, number> = {};
    (window as any).__marks = marks;
    const long: string[] = [];
    (window as any).__long = long;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) long.push(`${e.startTime.toFixed(0)}+${e.duration.toFixed(0)}`);
    }).observe({ type: 'longtask', buffered: true });
    const columns = () => [...document.querySelectorAll('section[data-step]')];
    const count = (c: Element) => parseInt(c.querySelector('.count-total')?.textContent ?? '0', 10);
    // The saved board drawn (at least one card, and as many counted as there are).
    const ready = () => document.body?.dataset.hydrated === 'true'
      && columns().reduce((sum, c) => sum + count(c), 0) >= Math.max(n, 1)
      && document.querySelector('section[data-step] .card') !== null;
    const complete = () => columns().every((c) => c.querySelectorAll('.card').length >= Math.min(60, count(c)));
    new MutationObserver(() => {
      if (!marks.hydrated && document.body?.dataset.hydrated === 'true') marks.hydrated = performance.now();
      if (!marks.ready && ready()) {
        marks.ready = performance.now();
        requestAnimationFrame(() => setTimeout(() => { marks.interactive = performance.now(); }, 0));
      }
      if (marks.ready && !marks.drawn && complete()) {
        marks.drawn = performance.now();
        requestAnimationFrame(() => setTimeout(() => {
          marks.complete = performance.now();
          console.log('pantau-bench-complete');
        }, 0));
      }
    }).observe(document, { subtree: true, childList: true, attributes: true });
  });
  // Opens the board from another page (about:blank), as it is opened in the morning or from another
  // page of the app (with `reload`, from the board itself, whose teardown, a 2,000-card page and its
  // bundle, 30–100 ms on this machine, then counts in the next load), and waits without touching the
  // page until it says it is complete. (Waiting with page.waitForFunction made Playwright inject and
  // run its own script in the page while it loaded: a 100–150 ms task on the page's main thread,
  // counted in the app's figures.)
  const open = async (n: number, reload = false) => {
    if (!reload) await page.goto('about:blank');
    const complete = page.waitForEvent('console', { predicate: (m) => m.text() === 'pantau-bench-complete', timeout: 60_000 });
    await page.goto(`/?n=${n}`, { waitUntil: 'commit' });
    await complete;
  };
  const reloads = async (n: number) => {
    const times: number[] = [];
    for (let run = 0; run < 3; run++) {
      await open(n, true);
      times.push(await page.evaluate(() => (window as any).__marks.interactive));
    }
    return times;
  };
  const loadBoard = async (n: number) => {
    const loads: number[] = [];
    const completes: number[] = [];
    const seen: number[] = [];
    const phases: string[] = [];
    // The first load has no saved board; the rest have (what a reload or the next opening meets).
    for (let run = 0; run < LOADS; run++) {
      await open(n);
      seen.push(await page.evaluate(() => performance.now()));
      loads.push(await page.evaluate(() => (window as any).__marks.interactive));
      completes.push(await page.evaluate(() => (window as any).__marks.complete ?? NaN));
      phases.push(await page.evaluate(() => {
        const m = (window as any).__marks;
        const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm')) as PerformanceResourceTiming | undefined;
        // The load's waterfall: the page (through the service worker), its files, the first paint.
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        const files = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
          .filter((e) => e.name.includes('/pkg/'))
          .map((e) => `${e.name.split('/').pop()} ${e.startTime.toFixed(0)}→${e.responseEnd.toFixed(0)}`);
        const paint = performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
        const waterfall = `page: worker ${nav.workerStart.toFixed(0)}, request ${nav.requestStart.toFixed(0)}, first byte ${nav.responseStart.toFixed(0)}, last ${nav.responseEnd.toFixed(0)}, parsed ${nav.domInteractive.toFixed(0)}; ${files.join(', ')}; first paint ${paint?.toFixed(0)}`;
        return `${waterfall}; wasm loaded ${wasm?.responseEnd.toFixed(0)} ms, hydrated ${m.hydrated?.toFixed(0)} ms, first cards drawn ${m.ready?.toFixed(0)} ms, painted ${m.interactive?.toFixed(0)} ms (long tasks, start+duration: ${(window as any).__long.join(' ')})`;
      }));
    }
    return { loads, completes, seen, phases };
  };

  // With PANTAU_BENCH_TRACE=1: one more load (of the floor, then of the 2,000) under Chromium's tracing, and the main thread's time by
  // kind of work (script, style, layout, paint, wasm compile) up to the interactive mark.
  const traceLoad = async (n: number) => {
    const browser = page.context().browser()!;
    await browser.startTracing(page, { categories: ['devtools.timeline', 'v8', 'v8.wasm', 'blink', 'blink.user_timing', 'loading', 'disabled-by-default-devtools.timeline', 'disabled-by-default-v8.cpu_profiler'] });
    await open(n);
    const end = await page.evaluate(() => (window as any).__marks.complete);
    const buffer = await browser.stopTracing();
    // Kept for a closer look (chrome://tracing, or the DevTools performance panel).
    const file = test.info().outputPath(`board-trace-${n}.json`);
    writeFileSync(file, buffer);
    const trace = JSON.parse(buffer.toString());
    const events = trace.traceEvents as any[];
    // The renderer's main thread, and this navigation's start on it (the trace also holds the
    // page that was left, and an about:blank frame).
    const mainTid = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && events.some((x) => x.tid === e.tid && x.name === 'ParseHTML'))?.tid;
    const navs = events.filter((e) => e.name === 'navigationStart' && e.tid === mainTid
      && String(e.args?.data?.documentLoaderURL).includes(`/?n=${n}`));
    if (navs.length === 0) throw new Error('no navigationStart in the trace');
    const start = navs[navs.length - 1].ts;
    const totals = new Map<string, number>();
    const lines: string[] = [];
    for (const e of events) {
      if (e.tid !== mainTid || e.ph !== 'X' || !e.dur) continue;
      const at = (e.ts - start) / 1000;
      if (at < 0 || at > end + 50) continue;
      totals.set(e.name, (totals.get(e.name) ?? 0) + e.dur / 1000);
      if (e.dur > 10_000) lines.push(`${at.toFixed(0)}+${(e.dur / 1000).toFixed(0)} ${e.name}${e.args?.data?.url ? ' ' + e.args.data.url.split('/').pop() : ''}${e.args?.data?.functionName ? ' ' + e.args.data.functionName : ''}`);
    }
    // Wasm work on any thread (streaming compilation runs off the main thread; a cached module is read).
    const wasm = events
      .filter((e) => e.ph === 'X' && e.dur > 1000 && String(e.cat).includes('wasm') && e.ts >= start && (e.ts - start) / 1000 < end)
      .map((e) => `${((e.ts - start) / 1000).toFixed(0)}+${(e.dur / 1000).toFixed(0)} ${e.name}${e.tid === mainTid ? ' (main)' : ''}`);
    console.log(`  trace of one more load of ${n} cards (complete at ${end.toFixed(0)} ms; kept in ${file}):`);
    console.log('    by kind (ms, nested kinds counted in each): ' + [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', '));
    console.log('    events over 10 ms (start+duration): ' + lines.join('; '));
    console.log('    wasm work over 1 ms, any thread: ' + wasm.join('; '));
  };

  // The main thread from the traced click on the save (its EventDispatch) to the frame it painted.
  const traceClick = (buffer: Buffer) => {
    const file = test.info().outputPath('save-click-trace.json');
    writeFileSync(file, buffer);
    const events = (JSON.parse(buffer.toString()).traceEvents as any[]);
    const click = events.find((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'click');
    if (!click) return console.log('  traced save click: no click in the trace');
    const main = events.filter((e) => e.tid === click.tid && e.ph === 'X' && e.dur && e.ts >= click.ts);
    const paint = main.find((e) => e.name === 'Paint' || e.name === 'PaintImage' || e.name === 'Commit');
    const end = paint ? paint.ts + paint.dur : click.ts + 100_000;
    const totals = new Map<string, number>();
    const steps: string[] = [];
    for (const e of main) {
      if (e.ts > end) continue;
      totals.set(e.name, (totals.get(e.name) ?? 0) + e.dur / 1000);
      if (e.dur >= 1000) steps.push(`${((e.ts - click.ts) / 1000).toFixed(1)}+${(e.dur / 1000).toFixed(1)} ${e.name}${e.args?.data?.type ? ' ' + e.args.data.type : ''}`);
    }
    console.log(`  traced save click, main thread from the click to the end of its paint (${((end - click.ts) / 1000).toFixed(1)} ms; kept in ${file}):`);
    console.log('    by kind (ms, nested kinds counted in each): ' + [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, 16).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', '));
    console.log('    steps over 1 ms (start+duration): ' + steps.join('; '));
  };

  // Self time by function of a V8 CPU profile, the idle and the program's own bookkeeping left out.
  const printProfile = (what: string, profile: any) => {
    const byId = new Map<number, any>(profile.nodes.map((n: any) => [n.id, n]));
    const self = new Map<string, number>();
    const deltas: number[] = profile.timeDeltas;
    profile.samples.forEach((id: number, k: number) => {
      const f = byId.get(id).callFrame;
      const name = f.functionName || `(anonymous ${f.url.split('/').pop()}:${f.lineNumber})`;
      self.set(name, (self.get(name) ?? 0) + (deltas[k + 1] ?? 0) / 1000);
    });
    const busy = [...self.entries()].filter(([k]) => !['(idle)', '(program)', '(garbage collector)'].includes(k));
    const total = busy.reduce((sum, [, v]) => sum + v, 0);
    console.log(`  profiled ${what}, ${total.toFixed(1)} ms of script sampled; most self time (ms): ` +
      busy.sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, v]) => `${k.slice(0, 90)} ${v.toFixed(2)}`).join('; '));
  };

  // The floor: the same page with the test server's few demo cards, before the 2,000 are added.
  const empty = await loadBoard(0);
  if (process.env.PANTAU_BENCH_TRACE) await traceLoad(0);
  const demo = await page.evaluate(() => [...document.querySelectorAll('section[data-step] .count-total')]
    .reduce((sum, el) => sum + parseInt(el.textContent ?? '0', 10), 0));

  // Seed: CARDS requests registered by TU, a quarter each left at steps 2, 3, 4 and 5.
  const ids: string[] = [];
  for (let i = 0; i < CARDS; i += 200) {
    const batch = [];
    for (let k = i; k < Math.min(i + 200, CARDS); k++) {
      const card = randomUUID();
      ids.push(card);
      const start = new Date(Date.now() + 3 * 86400_000);
      batch.push(envelope('tu', { type: 'create_request', card, request: {
        letter_number: `000.8/B${k}/2026`, letter_date: '2026-11-27', agency: `Dinas ${k % 17}`,
        contact_name: 'Budi', contact_phone: '0812 3456 7890', subject: `Permohonan monitoring ${k}`,
        purpose: 'Uji beban', cameras: ['Simpang Tugu Naga'], window_start: start.toISOString(),
        window_end: new Date(start.getTime() + 3600_000).toISOString(), documents: [] } }));
    }
    const res = await request.post('/api/sync/push', { data: { mutations: batch } });
    expect(res.status()).toBe(200);
  }
  for (const [s, [step, role, output]] of STEPS.entries()) {
    const moving = ids.filter((_, k) => k % 4 > s);
    for (let i = 0; i < moving.length; i += 200) {
      const batch = moving.slice(i, i + 200).map((card) => envelope(role, { type: 'complete_step', card, step, output }));
      await request.post('/api/sync/push', { data: { mutations: batch } });
    }
  }

  const { loads, completes, seen, phases } = await loadBoard(CARDS + demo);
  const reloaded = await reloads(CARDS + demo);

  if (process.env.PANTAU_BENCH_TRACE) await traceLoad(CARDS + demo);

  // A drop of a step-2 card on column 3 (pointer events, as a mouse or finger makes them): to the
  // paint that shows the move dialog; then saving: to the paint that shows the card moved. The
  // display paints at most once a frame (60 Hz: every 16.7 ms), so the next paint after a drop that
  // comes at any moment also holds the wait for the next frame, 0 to 16.7 ms by chance: the drops
  // alternate between one at a frame's start (the paint follows at once if the work fits in the
  // frame: the app's own time) and one at any moment (what a user meets, the wait included).
  const drops: number[] = [];
  const anyMoment: number[] = [];
  const waits: number[] = [];
  const saves: number[] = [];
  for (let run = 0; run < 12; run++) {
    const atFrameStart = run % 2 === 0;
    const [drop, wait, save] = await page.evaluate(async (atFrameStart) => {
      const frame = () => new Promise<number>((r) => requestAnimationFrame(r));
      // After the frame's rendering: a task queued in a frame's callbacks runs once it is painted.
      const painted = () => new Promise<void>((r) => setTimeout(r, 0));
      const card = document.querySelector('section[data-step="2"] .card') as HTMLElement;
      const id = card.dataset.card;
      const from = card.querySelector('.subject')!.getBoundingClientRect();
      const to = document.querySelector('section[data-step="3"]')!.getBoundingClientRect();
      const fire = (type: string, x: number, y: number) => card.dispatchEvent(new PointerEvent(type,
        { bubbles: true, pointerId: 1, button: 0, isPrimary: true, clientX: x, clientY: y, pointerType: 'mouse' }));
      fire('pointerdown', from.x + 5, from.y + 5);
      fire('pointermove', from.x + 30, from.y + 5);
      fire('pointermove', to.x + to.width / 2, to.y + 80);
      // At a frame's start, the pointer is released inside the frame's callbacks.
      if (atFrameStart) await frame();
      const t0 = performance.now();
      fire('pointerup', to.x + to.width / 2, to.y + 80);
      const handled = performance.now();
      const wait = atFrameStart ? 0 : Math.max(0, (await frame()) - handled);
      await painted();
      const drop = performance.now() - t0;
      if (!document.querySelector('[data-testid="move-dialog"]')) throw new Error('no dialog after the drop');
      await frame();
      const t1 = performance.now();
      (document.querySelector('[data-testid="save-move"]') as HTMLElement).click();
      await painted();
      const save = performance.now() - t1;
      // Column 3 draws its longest-waiting cards first: the moved card left column 2.
      if (document.querySelector(`section[data-step="2"] [data-card="${id}"]`)) throw new Error('card not moved');
      return [drop, wait, save];
    }, atFrameStart);
    if (atFrameStart) {
      drops.push(drop);
      saves.push(save);
    } else {
      anyMoment.push(drop);
      waits.push(wait);
    }
  }
  // A move as a person makes it: the dialog's save clicked with the mouse (a trusted click, which
  // the browser's Event Timing measures: from the click to the next paint, the handler and the
  // redraw included); and whether the push to the server left after that paint.
  await page.evaluate(() => {
    (window as any).__events = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as any[]) if (e.name === 'click') (window as any).__events.push(e);
    }).observe({ type: 'event', durationThreshold: 16, buffered: false } as any);
  });
  const clicks: string[] = [];
  for (let run = 0; run < 8; run++) {
    const card = page.locator('section[data-step="2"] .card').first();
    const id = await card.getAttribute('data-card');
    await card.getByTestId('move').click();
    const save = page.getByTestId('save-move');
    await save.waitFor();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
    const before = await page.evaluate(() => performance.now());
    // With PANTAU_BENCH_TRACE=1, the first click is traced: the main thread's work from the click to
    // the paint, by kind (script, style, layout, paint).
    const tracing = process.env.PANTAU_BENCH_TRACE && run === 0;
    if (tracing) await page.context().browser()!.startTracing(page, { categories: ['devtools.timeline', 'blink', 'disabled-by-default-devtools.timeline'] });
    // With PANTAU_BENCH_PROFILE=1, the second click runs under V8's sampling profiler: the
    // functions that took the most time of their own (wasm functions are named when the bundle
    // keeps its name section: add "-g" to wasm-opt-features for that build).
    const profiling = process.env.PANTAU_BENCH_PROFILE && run === 1;
    const cdp = profiling ? await page.context().newCDPSession(page) : null;
    // The server's answer held back until the profile is taken: only the click's own work is in it.
    let release = () => {};
    let passed = Promise.resolve();
    if (cdp) {
      const held = new Promise<void>((r) => { release = r; });
      let through = () => {};
      passed = new Promise<void>((r) => { through = r; });
      await page.route('**/api/sync/push', async (route) => { await held; await route.continue(); through(); }, { times: 1 });
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
      await cdp.send('Profiler.start');
    }
    await save.click();
    await page.locator(`section[data-step="2"] [data-card="${id}"]`).waitFor({ state: 'detached' });
    if (cdp) {
      await page.waitForTimeout(100);
      printProfile('save click', (await cdp.send('Profiler.stop')).profile);
      release();
      await passed;
      // The board standing still for 3 s: what its clock's ticks cost each second.
      await page.waitForTimeout(500);
      await cdp.send('Profiler.start');
      await page.waitForTimeout(3000);
      printProfile('board standing 3 s', (await cdp.send('Profiler.stop')).profile);
    }
    await page.waitForTimeout(300);
    if (tracing) traceClick(await page.context().browser()!.stopTracing());
    clicks.push(await page.evaluate((before) => {
      const e = ((window as any).__events as any[]).find((x) => x.startTime >= before);
      const push = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
        .find((r) => r.name.includes('/api/sync/push') && r.startTime >= before);
      const painted = e ? e.startTime + e.duration : NaN;
      if (!e) return `<16 (handler + redraw under a frame), push sent at +${push ? (push.startTime - before).toFixed(0) : '?'} ms`;
      return `${e.duration} (handler ${(e.processingEnd - e.processingStart).toFixed(0)}), push sent ${push && push.startTime < painted ? 'before' : 'after'} the paint`;
    }, before));
  }
  // The board's snapshot as a first visit fetches it: on the wire (compressed as the browser
  // accepts) and as JSON.
  const snapshot = await page.evaluate(async () => {
    await (await fetch('/api/board?bench=1')).text();
    const r = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((x) => x.name.includes('/api/board')).pop();
    return r ? `${(r.encodedBodySize / 1024).toFixed(0)} KiB on the wire, ${(r.decodedBodySize / 1024).toFixed(0)} KiB of JSON` : 'not seen';
  });
  const drawn = await page.locator('section[data-step] .card').count();
  console.log(`board of ${CARDS} cards, ${drawn} drawn (first 6 per column before the first paint, then up to 60 per column, the rest behind "Tampilkan n lainnya"), headless Chromium on this machine:`);
  const runs = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
  // Medians over the loads with a saved board; the first load (none saved yet) is printed apart.
  const saved = (xs: number[]) => xs.slice(1);
  const atMedian = (xs: number[]) => 1 + saved(xs).indexOf(median(saved(xs)));
  console.log(`  navigation to interactive (hydrated, every card counted, the columns' first cards drawn and painted; measured in the page), saved board: median ${median(saved(loads)).toFixed(0)} ms (runs: ${runs(saved(loads))}; goal 300 ms); first load, nothing saved yet: ${loads[0].toFixed(0)} ms`);
  console.log(`    the same, reloaded (the board left is torn down first, and that counts): median ${median(reloaded).toFixed(0)} ms (runs: ${runs(reloaded)})`);
  console.log(`    the same page with the server's ${demo} demo cards before the 2,000 (the floor), saved board: median ${median(saved(empty.loads)).toFixed(0)} ms (runs: ${runs(saved(empty.loads))}); first load: ${empty.loads[0].toFixed(0)} ms`);
  console.log(`    every column's first page (60 cards) drawn and painted, saved board: median ${median(saved(completes)).toFixed(0)} ms (runs: ${runs(saved(completes))})`);
  console.log(`    where the time goes, the median load: ${phases[atMedian(loads)]}`);
  console.log(`    the floor's median load: ${empty.phases[atMedian(empty.loads)]}`);
  console.log(`    (the test driver saw it at ${seen.map((x) => x.toFixed(0)).join(', ')} ms: its polling and round trips added)`);
  const ms = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(', ');
  console.log(`  drop to the next paint (the move dialog shown), the drop at a frame's start: median ${median(drops).toFixed(1)} ms (runs: ${ms(drops)}; goal 16 ms)`);
  console.log(`    a drop at any moment: median ${median(anyMoment).toFixed(1)} ms (runs: ${ms(anyMoment)}), of which waiting for the display's next frame: ${ms(waits)}`);
  console.log(`  save to the next paint (the card gone from its column, counts updated), at a frame's start: median ${median(saves).toFixed(1)} ms (runs: ${ms(saves)})`);
  console.log(`  a move's save clicked with the mouse, click to the next paint by Event Timing (ms; entries under 16 ms are not reported; goal ≤ 16): ${clicks.join('; ')}`);
  console.log(`  the board snapshot (${CARDS} cards): ${snapshot} (goal ≤ 300 KiB on the wire)`);
});
