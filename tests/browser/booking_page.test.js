'use strict';
// Browser tests of the booking page (client/booking_page): Debian's Chromium,
// driven by puppeteer-core, against a real booking_page, scheduling_server
// and MariaDB that scripts/browser-test.sh starts and describes in the
// environment:
//
//   PAGE_URL        http://127.0.0.1:PORT of booking_page
//   PAGE_URL_B      a second replica of it, with the same form secret
//   PAGE_URL_EMBED  a third page, started with --frame_ancestors allowing
//                   http://127.0.0.1:EMBED_HOST_PORT, where the embedding
//                   test serves a site of its own
//   PAGE_LOG        its log file (checked for leaked tokens)
//   SCHEDCTL        build/client/cli/schedctl; SCHEDULING_SERVER its server
//                   (and SCHEDULING_API_KEY, SCHEDULING_INSECURE for it)
//   DB_SOCKET       the private MariaDB's socket (bookings are counted there)
//   ARTIFACTS       where screenshots and metrics.json go
//   CHROMIUM        the browser (default /usr/bin/chromium)
//   ONLY            run only tests whose name contains this
//
// Every test makes its own calendar and links through schedctl (the other
// reference client) in a location of its own, so tests share nothing.
// Exit status 0 when every test passed.

const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const puppeteer = require('puppeteer-core');

const env = (name, fallback) => {
  const value = process.env[name] || fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const PAGE_URL = env('PAGE_URL');
const PAGE_URL_B = env('PAGE_URL_B');
const PAGE_URL_EMBED = env('PAGE_URL_EMBED');
const EMBED_HOST_PORT = Number(env('EMBED_HOST_PORT'));
const PAGE_LOG = env('PAGE_LOG');
const SCHEDCTL = env('SCHEDCTL');
const SERVER = env('SCHEDULING_SERVER');
const DB_SOCKET = env('DB_SOCKET');
const ARTIFACTS = env('ARTIFACTS');
const CHROMIUM = env('CHROMIUM', '/usr/bin/chromium');
const ONLY = process.env.ONLY || '';

const LOCATION = `browser-${Date.now().toString(36)}-${process.pid}`;
const HOST_ZONE = 'Europe/Berlin';
const INVITEE_ZONE = 'America/New_York';
const GONE_TEXT = 'The link is no longer active. Please reach out to the event owner for a new link.';
const NOT_FOUND_TEXT = 'This link does not exist. Please check the address, or reach out to the event owner for a new link.';
// Script and markup that must stay text wherever the page shows them.
const HOSTILE_NAME = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'&"`;
const HOSTILE_INVITEE = '"><svg onload=window.__pwned=3>';
const HOSTILE_METADATA = '<script>window.__pwned=4</script>';

// ---------------------------------------------------------------------------
// Fixtures through schedctl

function schedctl(...args) {
  return execFileSync(SCHEDCTL, [`--server=${SERVER}`, ...args], { encoding: 'utf8' });
}

// schedctl that may fail: { status, stdout, stderr }.
function schedctlResult(...args) {
  return spawnSync(SCHEDCTL, [`--server=${SERVER}`, ...args], { encoding: 'utf8' });
}

// The "field: value" lines schedctl prints, as an object.
function fieldsOf(output) {
  const fields = {};
  for (const line of output.split('\n')) {
    const match = /^([a-z_]+):\s+(.*)$/.exec(line);
    if (match && !(match[1] in fields)) fields[match[1]] = match[2];
  }
  return fields;
}

// YYYY-MM-DD in the host's zone, `days` from now.
function hostDay(days) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: HOST_ZONE }).format(new Date(Date.now() + days * 86400000));
}

let calendars = 0;
// A calendar open on weekdays 09:00-17:00 in Berlin: any 7 days hold slots.
function createCalendar({ displayName = 'Intro call', type = '', extra = [] } = {}) {
  const id = `cal-${++calendars}`;
  schedctl('create-calendar', `--location=${LOCATION}`, `--calendar_id=${id}`, `--slug=${id}-slug`,
    `--display_name=${displayName}`, `--time_zone=${HOST_ZONE}`, '--hours=mon-fri 09:00-17:00',
    '--duration=30m', ...(type ? [`--type=${type}`] : []), ...extra);
  return { id, slug: `${id}-slug`, name: `locations/${LOCATION}/calendars/${id}` };
}

function createLink(calendar, extra = []) {
  const out = schedctl('create-link', `--calendar=${calendar.name}`, ...extra);
  const { name, url, token } = fieldsOf(out);
  if (!url.startsWith(`${PAGE_URL}/widget/otl/`)) {
    throw new Error(`the server hands out ${url}, not links to ${PAGE_URL}: is its --public_base_url the page's?`);
  }
  return { name, url, token };
}

// The link's free slots as the server lists them (up to 31 days ahead).
function linkSlots(link) {
  const out = schedctl('link-slots', `--token=${link.token}`, '--days=31');
  return [...out.matchAll(/^\s*\d+\s+(\d{4}-\d\d-\d\dT\S+Z)\s/gm)].map((m) => m[1]);
}

// One-time links of a calendar, as the server lists them.
function linksOf(calendar) {
  return Number(fieldsOf(schedctl('list-links', `--calendar=${calendar.name}`)).links);
}

function sql(query) {
  return execFileSync('mariadb', [`--socket=${DB_SOCKET}`, '-uscheduling', '-pscheduling', 'scheduling',
    '--batch', '--skip-column-names', '-e', query], { encoding: 'utf8' }).trim();
}

// Bookings of a calendar, read from the database itself.
function bookingsInDatabase(calendar) {
  return Number(sql(`SELECT COUNT(*) FROM bookings b JOIN calendars c ON c.pk = b.calendar_pk
    WHERE c.location_id = '${LOCATION}' AND c.calendar_id = '${calendar.id}'`));
}

// ---------------------------------------------------------------------------
// Browser

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const profiles = [];
async function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'booking-page-chromium-'));
  profiles.push(profile);
  // headless: false, because '--headless' is passed as one of FLAGS (the
  // project's fixed set); puppeteer then adds no headless flag of its own.
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: false,
    args: [...FLAGS, `--user-data-dir=${profile}`],
    defaultViewport: { width: 1024, height: 900 },
  });
}

async function newPage(browser, { zone = INVITEE_ZONE, context = null } = {}) {
  const page = await (context || browser).newPage();
  await page.emulateTimezone(zone);
  page.on('dialog', async (dialog) => {
    page.__dialogs = (page.__dialogs || 0) + 1;
    await dialog.dismiss();
  });
  page.on('pageerror', (error) => { page.__errors = [...(page.__errors || []), String(error)]; });
  return page;
}

let shots = 0;
async function screenshot(page, name, options = {}) {
  const file = path.join(ARTIFACTS, `${String(++shots).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true, ...options });
  return file;
}

const text = (page, selector) => page.$eval(selector, (e) => e.textContent.trim());

// Opens `url` and waits for the slot list in its final form (page.js
// reloads a page that was rendered in the calendar's zone).
async function open(page, url) {
  const response = await page.goto(url);
  // Not a slot list (a 404 or 410 page): say so now rather than time out.
  if (response.status() !== 200) throw new Error(`${url} answers HTTP ${response.status()}, not a slot list`);
  await page.waitForFunction(() => document.documentElement.dataset.tzAuto === '0' && document.querySelector('#slots .slot'));
  return response;
}

// Clicks the index-th slot; returns its start (RFC 3339, UTC).
async function chooseSlot(page, index = 0) {
  const slots = await page.$$('#slots .slot');
  if (slots.length <= index) throw new Error(`only ${slots.length} slots on the page`);
  await slots[index].click();
  return page.$eval('input[name=start]:checked', (e) => e.value);
}

async function fillDetails(page, name, email) {
  await page.$eval('#name', (e) => { e.value = ''; });
  await page.type('#name', name);
  await page.$eval('#email', (e) => { e.value = ''; });
  await page.type('#email', email);
}

// Submits the booking form and waits for the page that answers.
async function book(page) {
  const [response] = await Promise.all([page.waitForNavigation(), page.click('#book')]);
  return response;
}

function clock(iso, zone) {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .format(new Date(iso));
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function assertEqual(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

// Polls `condition` (sync or async) until it holds; fails after timeoutMs.
async function waitUntil(condition, what, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// The frame of `page` that shows a document of `origin` in which
// `condition` holds, once one does. Found again each time: a frame's
// document may move to another renderer process as it navigates.
async function frameWhere(page, origin, condition, what) {
  let found = null;
  await waitUntil(async () => {
    for (const frame of page.frames()) {
      if (frame.url().startsWith(`${origin}/`) && await frame.evaluate(condition).catch(() => false)) {
        found = frame;
        return true;
      }
    }
    return false;
  }, what);
  return found;
}

// The page a visitor sees for a link that is gone (410) or unknown (404).
async function assertMessagePage(page, response, status, body, what) {
  assertEqual(response.status(), status, `status of ${what}`);
  assertEqual(await text(page, 'h1'), 'Uh-oh!', `heading of ${what}`);
  assertEqual(await text(page, '#message p'), body, `text of ${what}`);
  assert(!(await page.$('#booking')), `no booking form on ${what}`);
}

// The attributes of the one iframe an embed code holds (parsed, not loaded).
function iframeOf(page, code) {
  return page.evaluate((html) => {
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const frames = doc.querySelectorAll('iframe');
    if (frames.length !== 1 || doc.body.children.length !== 1) return null;
    return Object.fromEntries([...frames[0].attributes].map((a) => [a.name, a.value]));
  }, code);
}

// ---------------------------------------------------------------------------
// Tests

const metrics = {};
const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test('a fresh link: slot list in the invitee zone, book, confirmation in both zones, then Uh-oh', async ({ browser }) => {
  const calendar = createCalendar();
  const link = createLink(calendar, ['--invitee_name=Ada Lovelace', '--invitee_email=ada@example.com']);
  const page = await newPage(browser);
  const bytes = {};
  page.on('response', async (response) => {
    const url = new URL(response.url());
    if (url.origin !== PAGE_URL || response.status() !== 200) return;
    const kind = url.pathname.endsWith('.js') ? 'js' : url.pathname.endsWith('.css') ? 'css' : 'html';
    try {
      const body = await response.buffer();
      bytes[kind] = body.length;
    } catch (e) { /* a document replaced before it was read */ }
  });

  // From opening the link to the slot list on screen, including the reload
  // into the browser's own zone (page.js, before the body is drawn).
  const started = Date.now();
  const first = await page.goto(link.url, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => document.documentElement.dataset.tzAuto === '0' && document.querySelector('#slots .slot'));
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const firstRender = Date.now() - started;
  await page.waitForNetworkIdle({ idleTime: 200 });
  const paint = await page.evaluate(() => {
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    const nav = performance.getEntriesByType('navigation')[0];
    const resources = performance.getEntriesByType('resource').filter((r) => r.name.includes('/static/'));
    return {
      fcp: fcp ? Math.round(fcp.startTime) : null,
      transferred: [nav, ...resources].reduce((sum, e) => sum + (e.encodedBodySize || 0), 0),
    };
  });
  metrics.first_render_ms = firstRender;
  metrics.first_contentful_paint_ms = paint.fcp;
  metrics.slots_on_page = (await page.$$('#slots .slot')).length;
  metrics.page_bytes = { html: bytes.html, js: bytes.js, css: bytes.css, total: (bytes.html || 0) + (bytes.js || 0) + (bytes.css || 0) };
  metrics.page_bytes_transferred = paint.transferred;

  assertEqual(first.status(), 200, 'status of the link');
  const csp = first.headers()['content-security-policy'] || '';
  assert(csp.includes("script-src 'self'") && !csp.includes('unsafe-inline'), `CSP: ${csp}`);
  assertEqual(await text(page, 'h1'), 'Intro call', 'heading');
  assertEqual(await page.evaluate(() => document.documentElement.dataset.tz), INVITEE_ZONE, 'zone shown');
  assert(new URL(page.url()).searchParams.get('tz') === INVITEE_ZONE, `reloaded with the browser's zone: ${page.url()}`);
  assertEqual(await page.$eval('#tz', (e) => e.value), INVITEE_ZONE, 'zone selector');
  assertEqual(await page.$eval('#name', (e) => e.value), 'Ada Lovelace', 'name prefilled from the link');
  assertEqual(await page.$eval('#email', (e) => e.value), 'ada@example.com', 'e-mail prefilled from the link');
  assertEqual(await page.$eval('#name', (e) => e.labels[0].textContent), 'Name', 'name label');
  assert(await page.$('#later'), 'a link to later days');
  await screenshot(page, 'slot-list');

  // Every slot label is its start in the invitee's zone.
  const labels = await page.$$eval('#slots .slot', (slots) => slots.map((s) => [s.querySelector('input').value, s.textContent.trim()]));
  for (const [iso, label] of labels) assertEqual(label, clock(iso, INVITEE_ZONE), `label of ${iso}`);

  const start = await chooseSlot(page, 2);
  await screenshot(page, 'slot-chosen');
  const response = await book(page);
  assertEqual(response.status(), 200, 'status of the booking');
  assertEqual(await text(page, 'h1'), 'You are booked', 'confirmation heading');
  const invitee = await text(page, '#when-invitee');
  const host = await text(page, '#when-host');
  assert(invitee.includes(clock(start, INVITEE_ZONE)) && invitee.includes(INVITEE_ZONE), `invitee time: ${invitee}`);
  assert(host.includes(clock(start, HOST_ZONE)) && host.includes(HOST_ZONE), `host time: ${host}`);
  assertEqual(bookingsInDatabase(calendar), 1, 'bookings in the database');
  await screenshot(page, 'confirmation');

  const again = await page.goto(link.url);
  assertEqual(again.status(), 410, 'status of the used link');
  assertEqual(await text(page, 'h1'), 'Uh-oh!', 'heading of the used link');
  assertEqual(await text(page, '#message p'), GONE_TEXT, 'text of the used link');
  await screenshot(page, 'uh-oh');
  assert(!page.__errors, `script errors: ${page.__errors}`);
});

test("a link's date window: shown, and only its days offered", async ({ browser }) => {
  const calendar = createCalendar();
  const [first, last] = [hostDay(8), hostDay(12)];
  const link = createLink(calendar, [`--earliest_date=${first}`, `--latest_date=${last}`]);
  const page = await newPage(browser);
  await open(page, link.url);
  const window = await text(page, '.window');
  assert(window.startsWith('Bookable from ') && window.includes(' to '), `the date window: ${window}`);
  const starts = await page.$$eval('#slots input[name=start]', (inputs) => inputs.map((i) => i.value));
  assert(starts.length > 0, 'slots in the window');
  for (const start of starts) {
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: HOST_ZONE }).format(new Date(start));
    assert(day >= first && day <= last, `slot ${start} is on ${day}, outside ${first}..${last}`);
  }
  assert(!(await page.$('#earlier')) && !(await page.$('#later')), 'no days before or after the window');
  // Asking for days outside the window shows the window's.
  await open(page, `${link.url}&tz=${encodeURIComponent(INVITEE_ZONE)}&from=2000-01-01`);
  assertEqual(JSON.stringify(await page.$$eval('#slots input[name=start]', (inputs) => inputs.map((i) => i.value))),
    JSON.stringify(starts), 'slots for a day long before the window');
});

test('two browsers race on one link: one confirmation, one Uh-oh, one booking', async ({ browser }) => {
  const calendar = createCalendar();
  const link = createLink(calendar);
  const other = await launch();
  try {
    const pages = [await newPage(browser), await newPage(other)];
    for (const [i, page] of pages.entries()) {
      await open(page, link.url);
      await chooseSlot(page, i); // different slots: the link, not the slot, is contended
      await fillDetails(page, `Racer ${i}`, `racer${i}@example.com`);
    }
    const responses = await Promise.all(pages.map((page) => book(page)));
    const statuses = responses.map((r) => r.status()).sort();
    assertEqual(JSON.stringify(statuses), '[200,410]', 'statuses of the two bookings');
    const headings = await Promise.all(pages.map((page) => text(page, 'h1')));
    assertEqual(JSON.stringify([...headings].sort()), JSON.stringify(['Uh-oh!', 'You are booked']), 'the two pages');
    for (const [i, page] of pages.entries()) {
      await screenshot(page, responses[i].status() === 200 ? 'race-winner' : 'race-loser');
    }
    assertEqual(bookingsInDatabase(calendar), 1, 'bookings in the database');
  } finally {
    await other.close();
  }
});

test('keyboard only: tab to the slots, arrows, type, Enter books', async ({ browser }) => {
  const calendar = createCalendar();
  const link = createLink(calendar);
  const page = await newPage(browser);
  await open(page, link.url);
  const focused = () => page.evaluate(() => {
    const e = document.activeElement;
    return e ? `${e.tagName.toLowerCase()}#${e.id}[${e.name || ''}]` : '';
  });
  let tabs = 0;
  while (!(await focused()).endsWith('[start]')) {
    assert(++tabs <= 40, `no slot reached after 40 tabs (at ${await focused()})`);
    await page.keyboard.press('Tab');
  }
  // Into the radio group; the arrow key moves and selects.
  await page.keyboard.press('ArrowRight');
  const chosen = await page.evaluate(() => document.activeElement.checked && document.activeElement.value);
  assert(chosen, 'the arrow key selected a slot');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement.nextElementSibling).outlineStyle);
  assert(outline !== 'none', 'the focused slot shows a focus ring');
  await screenshot(page, 'keyboard-focus');
  await page.keyboard.press('Tab');
  assertEqual(await focused(), 'input#name[name]', 'after the slots');
  await page.keyboard.type('Kim Keyboard');
  await page.keyboard.press('Tab');
  assertEqual(await focused(), 'input#email[email]', 'after the name');
  await page.keyboard.type('kim@example.com');
  const [response] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  assertEqual(response.status(), 200, 'status of the booking');
  assertEqual(await text(page, 'h1'), 'You are booked', 'confirmation heading');
  assert((await text(page, '#when-invitee')).includes(clock(chosen, INVITEE_ZONE)), 'the slot chosen by keyboard');
  await screenshot(page, 'keyboard-confirmation');
  metrics.tabs_to_first_slot = tabs;
});

test('phone viewport (375x667): no horizontal scrolling, large targets, books', async ({ browser }) => {
  const calendar = createCalendar({ displayName: 'A calendar with a rather long name to see how it wraps on a phone' });
  const link = createLink(calendar);
  const page = await newPage(browser);
  await page.setViewport({ width: 375, height: 667, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  await open(page, link.url);
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assertEqual(await overflow(), 0, 'horizontal overflow of the slot list (px)');
  const smallest = await page.$$eval('#slots .slot span, #book, #name, #email', (elements) =>
    Math.min(...elements.map((e) => e.getBoundingClientRect().height)));
  assert(smallest >= 44, `touch targets at least 44 px high (smallest ${smallest})`);
  await screenshot(page, 'phone-slot-list');
  const slot = await page.$('#slots .slot');
  await slot.tap();
  await fillDetails(page, 'Pat Phone', 'pat@example.com');
  const response = await book(page);
  assertEqual(response.status(), 200, 'status of the booking');
  assertEqual(await overflow(), 0, 'horizontal overflow of the confirmation (px)');
  await screenshot(page, 'phone-confirmation');
});

test('hostile calendar name, invitee and metadata are shown as text; no script runs', async ({ browser }) => {
  const calendar = createCalendar({ displayName: HOSTILE_NAME });
  const link = createLink(calendar, [`--invitee_name=${HOSTILE_INVITEE}`, '--invitee_email=eve@example.com',
    `--metadata=crm=${HOSTILE_METADATA}`]);
  const page = await newPage(browser);
  const response = await open(page, link.url);
  const html = await page.content();
  assertEqual(await text(page, 'h1'), HOSTILE_NAME, 'the name, as text');
  assertEqual(await page.title(), `Book: ${HOSTILE_NAME}`, 'the title, as text');
  assertEqual(await page.$eval('#name', (e) => e.value), HOSTILE_INVITEE, 'the prefilled name, as a value');
  assertEqual(await page.$$eval('script', (s) => s.length), 1, 'scripts in the page (page.js only)');
  assertEqual(await page.$$eval('img, svg', (e) => e.length), 0, 'images made from the name');
  assert(!html.includes(HOSTILE_METADATA), 'the metadata is not on the page');
  assert(response.status() === 200, 'status');
  await chooseSlot(page, 0);
  await book(page);
  assertEqual(await text(page, 'h1'), 'You are booked', 'confirmation heading');
  assertEqual(await text(page, '#confirmation p'), HOSTILE_NAME, 'the name on the confirmation, as text');
  assertEqual(await page.$$eval('img, svg', (e) => e.length), 0, 'images on the confirmation');
  assertEqual(await page.evaluate(() => window.__pwned), undefined, 'window.__pwned');
  assert(!page.__dialogs, 'no dialog opened');
  await screenshot(page, 'hostile-confirmation');
});

test('security headers, CSP enforced, token never in the access log', async ({ browser }) => {
  const calendar = createCalendar();
  const link = createLink(calendar);
  const page = await newPage(browser);
  const response = await page.goto(`${link.url}&tz=${encodeURIComponent(INVITEE_ZONE)}`);
  const headers = response.headers();
  const csp = headers['content-security-policy'] || '';
  for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "form-action 'self'",
    "frame-ancestors 'self'", "base-uri 'none'"]) {
    assert(csp.includes(directive), `CSP lacks ${directive}: ${csp}`);
  }
  assert(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), `CSP allows inline code: ${csp}`);
  assertEqual(headers['x-content-type-options'], 'nosniff', 'X-Content-Type-Options');
  assertEqual(headers['referrer-policy'], 'no-referrer', 'Referrer-Policy');
  assertEqual(headers['cache-control'], 'no-store', 'Cache-Control');
  // The policy is enforced, not only sent: markup injected into the page
  // cannot run code.
  const ran = await page.evaluate(() => new Promise((resolve) => {
    document.body.insertAdjacentHTML('beforeend', '<img src="data:," onerror="window.__inline=1"><a id="js" href="javascript:window.__inline=2">x</a>');
    const script = document.createElement('script');
    script.textContent = 'window.__inline = 3';
    document.body.appendChild(script);
    setTimeout(() => resolve(window.__inline), 300);
  }));
  assertEqual(ran, undefined, 'inline code ran');
  // A form on another site that posts a genuine form's fields (key and
  // token copied from this page) is refused: the browser says cross-site.
  const fields = await page.$$eval('#booking input[type=hidden]', (inputs) => inputs.map((i) => [i.name, i.value]));
  fields.push(['start', await page.$eval('input[name=start]', (e) => e.value)], ['name', 'Mallory'], ['email', 'm@example.com']);
  const action = link.url.split('?')[0];
  const inputs = fields.map(([n, v]) => `<input type="hidden" name="${n}" value="${v.replace(/"/g, '&quot;')}">`).join('');
  await page.goto(`data:text/html,${encodeURIComponent(`<form method="post" action="${action}">${inputs}</form>`)}`);
  const [crossSite] = await Promise.all([page.waitForNavigation(), page.$eval('form', (f) => f.submit())]);
  assertEqual(crossSite.status(), 403, 'status of a cross-site form POST');
  assertEqual(await text(page, 'h1'), 'This form was not sent from this page', 'heading of the refusal');
  const still = await open(page, link.url);
  assertEqual(still.status(), 200, 'the link is still active after the refused POST');
  // Without Sec-Fetch-Site (not a browser), another Origin is refused too.
  const scripted = await fetch(action, {
    method: 'POST',
    headers: { Origin: 'https://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  assertEqual(scripted.status, 403, 'status of a POST with another Origin');
  await new Promise((resolve) => setTimeout(resolve, 100));
  const log = fs.readFileSync(PAGE_LOG, 'utf8');
  assert(log.includes('"GET /widget/otl/[token]"'), 'the access log names link requests');
  assert(!log.includes(link.token), 'the token is in the access log');
});

test('a retried POST (same idempotency key) books once, on this replica or another', async ({ browser }) => {
  const calendar = createCalendar();
  const link = createLink(calendar);
  const page = await newPage(browser);
  await open(page, link.url);
  await chooseSlot(page, 1);
  await fillDetails(page, 'Rita Retry', 'rita@example.com');
  // The booking reaches the page and books, but its answer is lost on the
  // way back (the connection drops): the browser shows an error.
  const cdp = await page.createCDPSession();
  await cdp.send('Fetch.enable', { patterns: [{ urlPattern: '*/widget/otl/*', requestStage: 'Response' }] });
  let lost = null;
  cdp.on('Fetch.requestPaused', async (event) => {
    if (event.request.method === 'POST' && !lost) {
      lost = event.request;
      await cdp.send('Fetch.failRequest', { requestId: event.requestId, errorReason: 'ConnectionReset' });
    } else {
      await cdp.send('Fetch.continueRequest', { requestId: event.requestId });
    }
  });
  await page.click('#book').catch(() => {});
  await page.waitForFunction(() => !document.querySelector('#booking'), { timeout: 10000 }).catch(() => {});
  assert(lost, 'the POST whose answer was lost');
  assertEqual(bookingsInDatabase(calendar), 1, 'bookings after the lost answer');
  await screenshot(page, 'retry-lost-answer');

  // The same form sent to the other replica, as a load balancer might route
  // the retry (with the headers Chromium sends for the page's own POST): it
  // has not seen the key, and the server's request_id returns the booking.
  const other = await fetch(`${PAGE_URL_B}${new URL(lost.url).pathname}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'null', 'Sec-Fetch-Site': 'same-origin' },
    body: lost.postData,
  });
  const otherHtml = await other.text();
  assertEqual(other.status, 200, 'status of the retry on the other replica');
  const otherReference = /<dd id="reference">([^<]*)<\/dd>/.exec(otherHtml);
  assert(otherReference, 'the other replica confirms the booking');

  // The invitee retries in the browser: reloading re-sends the same form.
  const retry = await page.reload();
  assertEqual(retry.request().method(), 'POST', 'the reload re-sends the form');
  assertEqual(retry.status(), 200, 'status of the retried POST');
  assertEqual(await text(page, 'h1'), 'You are booked', 'heading of the retry');
  assertEqual(await text(page, '#reference'), otherReference[1], 'the same booking on both replicas');
  await screenshot(page, 'retry-confirmation');
  await page.reload();
  assertEqual(await text(page, '#reference'), otherReference[1], 'reference of a second retry');
  assertEqual(bookingsInDatabase(calendar), 1, 'bookings in the database');
  await cdp.detach();
});

test('a slot taken meanwhile: back to the slot list with a notice', async ({ browser }) => {
  const calendar = createCalendar();
  const link = createLink(calendar);
  const page = await newPage(browser);
  await open(page, link.url);
  const start = await chooseSlot(page, 0);
  await fillDetails(page, 'Sam Slow', 'sam@example.com');
  // Someone else books that slot through the permanent link first.
  schedctl('create-booking', `--calendar=${calendar.name}`, `--start=${start}`, '--invitee_name=Quick',
    '--invitee_email=quick@example.com');
  const response = await book(page);
  assertEqual(response.status(), 409, 'status');
  assert((await text(page, '#notice')).includes('that time was just taken'), 'the notice');
  assert(!(await page.$$eval('#slots input', (inputs) => inputs.map((i) => i.value))).includes(start), 'the taken slot is gone');
  assertEqual(await page.$eval('#name', (e) => e.value), 'Sam Slow', 'the name is kept');
  await screenshot(page, 'slot-taken');
  await chooseSlot(page, 0);
  const second = await book(page);
  assertEqual(second.status(), 200, 'status of booking another slot');
});

test('permanent link: duration choice, earlier/later days, books again and again', async ({ browser }) => {
  const calendar = createCalendar({ displayName: 'Consultation', type: 'service', extra: ['--allowed_durations=30m,60m'] });
  const page = await newPage(browser);
  await open(page, `${PAGE_URL}/widget/booking/${LOCATION}/${calendar.slug}`);
  assert(!(await page.$('#earlier')), 'no earlier days than today');
  await Promise.all([page.waitForNavigation(), page.click('#later')]);
  assert(await page.$('#earlier'), 'earlier days after moving on');
  await page.select('#duration', '60');
  await Promise.all([page.waitForNavigation(), page.click('#show-times')]);
  assertEqual(await page.$eval('#duration', (e) => e.value), '60', 'duration chosen');
  await screenshot(page, 'permanent-link');
  const slotList = page.url();
  for (const who of ['Una', 'Dov']) {
    await open(page, slotList);
    const start = await chooseSlot(page, 0);
    await fillDetails(page, who, `${who.toLowerCase()}@example.com`);
    const response = await book(page);
    assertEqual(response.status(), 200, `status of ${who}'s booking`);
    const when = await text(page, '#when-invitee');
    const end = new Date(Date.parse(start) + 60 * 60 * 1000).toISOString();
    assert(when.includes(`${clock(start, INVITEE_ZONE)}\u2013${clock(end, INVITEE_ZONE)}`), `an hour: ${when}`);
  }
  assertEqual(bookingsInDatabase(calendar), 2, 'bookings in the database');
  const missing = await page.goto(`${PAGE_URL}/widget/booking/${LOCATION}/no-such-calendar`);
  assertEqual(missing.status(), 404, 'status of an unknown slug');
});

test('permanent links of a calendar made or renamed a moment ago open at once', async ({ browser }) => {
  // Opening a permanent link lists the location's calendars (the page keeps
  // their slugs for a minute); calendars made or renamed after that listing
  // must not be "does not exist" meanwhile.
  const listed = createCalendar();
  const page = await newPage(browser);
  assertEqual((await open(page, `${PAGE_URL}/widget/booking/${LOCATION}/${listed.slug}`)).status(), 200, 'status of a listed calendar');
  const fresh = createCalendar({ displayName: 'Made a moment ago' });
  const response = await open(page, `${PAGE_URL}/widget/booking/${LOCATION}/${fresh.slug}`);
  assertEqual(response.status(), 200, 'status of a calendar made after the listing');
  assertEqual(await text(page, 'h1'), 'Made a moment ago', 'heading');
  schedctl('update-calendar', `--name=${listed.name}`, `--slug=${listed.slug}-renamed`);
  assertEqual((await open(page, `${PAGE_URL}/widget/booking/${LOCATION}/${listed.slug}-renamed`)).status(), 200,
    'status of the new slug of a renamed calendar');
  await assertMessagePage(page, await page.goto(`${PAGE_URL}/widget/booking/${LOCATION}/${listed.slug}`), 404,
    NOT_FOUND_TEXT, 'the old slug of a renamed calendar');
  await assertMessagePage(page, await page.goto(`${PAGE_URL}/widget/booking/${LOCATION}/never-made`), 404,
    NOT_FOUND_TEXT, 'a slug no calendar has');
});

test('gone: an expired link, a revoked one, a deactivated calendar: 410 Uh-oh, for a form already open too', async ({ browser }) => {
  const calendar = createCalendar();
  const inactive = createCalendar();
  // Expires a few seconds from now: time to open its page and fill the form,
  // which is then sent after the link expired.
  const expireTime = new Date(Math.ceil(Date.now() / 1000) * 1000 + 5000).toISOString().replace('.000Z', 'Z');
  const cases = [
    { what: 'the expired link', link: createLink(calendar, [`--expire_time=${expireTime}`]), reason: 'LINK_EXPIRED' },
    { what: 'the revoked link', link: createLink(calendar), reason: 'LINK_REVOKED' },
    { what: "the deactivated calendar's link", link: createLink(inactive), reason: 'CALENDAR_INACTIVE' },
  ];
  for (const c of cases) {
    c.page = await newPage(browser);
    const response = await open(c.page, c.link.url);
    assertEqual(response.status(), 200, `status of ${c.what} while active`);
    await chooseSlot(c.page, 0);
    await fillDetails(c.page, 'Gil Gone', 'gil@example.com');
  }
  assert((await text(cases[0].page, '.window')).startsWith('This link works until '), 'the expiring link says until when');
  schedctl('revoke-link', `--name=${cases[1].link.name}`);
  schedctl('deactivate-calendar', `--name=${inactive.name}`);
  const verdict = (c) => schedctlResult('resolve', `--token=${c.link.token}`).stderr;
  // The revoked link and the inactive calendar first, then the expired link
  // once the server says it has expired.
  for (const c of [cases[1], cases[2], cases[0]]) {
    if (c === cases[0]) await waitUntil(() => verdict(c).includes('LINK_EXPIRED'), 'the link to expire', 20000);
    assert(verdict(c).includes(`[reason ${c.reason}]`), `the server says ${c.reason} for ${c.what}: ${verdict(c)}`);
    // The form opened while the link was active is sent now (from the tab
    // in front: Chromium holds back a background tab's form submission).
    await c.page.bringToFront();
    await assertMessagePage(c.page, await book(c.page), 410, GONE_TEXT, `booking through ${c.what}`);
    await screenshot(c.page, `gone-${c.reason.toLowerCase().replace('_', '-')}`);
    await assertMessagePage(c.page, await c.page.goto(c.link.url), 410, GONE_TEXT, `opening ${c.what}`);
    assert(!c.page.__errors, `script errors: ${c.page.__errors}`);
  }
  assertEqual(fieldsOf(schedctl('get-link', `--name=${cases[0].link.name}`)).state, 'EXPIRED', 'state of the expired link');
  assertEqual(fieldsOf(schedctl('get-link', `--name=${cases[1].link.name}`)).state, 'REVOKED', 'state of the revoked link');
  // The deactivated calendar's permanent link is gone as well.
  const permanent = await cases[2].page.goto(`${PAGE_URL}/widget/booking/${LOCATION}/${inactive.slug}`);
  await assertMessagePage(cases[2].page, permanent, 410, GONE_TEXT, "the deactivated calendar's permanent link");
  assertEqual(bookingsInDatabase(calendar), 0, 'bookings in the database');
  assertEqual(bookingsInDatabase(inactive), 0, 'bookings of the deactivated calendar in the database');
});

test('unknown and garbage tokens: 404 in the look of the Uh-oh page', async ({ browser }) => {
  const calendar = createCalendar();
  const link = createLink(calendar);
  const page = await newPage(browser);
  const look = async (response) => ({
    csp: (response.headers()['content-security-policy'] || '').startsWith("default-src 'none'"),
    ...(await page.evaluate(() => ({
      stylesheet: document.querySelector('link[rel=stylesheet]').getAttribute('href'),
      script: document.querySelector('script').getAttribute('src'),
      card: document.querySelector('#message').className,
      background: getComputedStyle(document.querySelector('#message')).backgroundColor,
      font: getComputedStyle(document.body).fontFamily,
    }))),
  });
  // The gone page, to compare with.
  schedctl('revoke-link', `--name=${link.name}`);
  const gone = await page.goto(link.url);
  await assertMessagePage(page, gone, 410, GONE_TEXT, 'the revoked link');
  const goneLook = await look(gone);
  assert(goneLook.csp && goneLook.card.includes('gone'), `the gone page: ${JSON.stringify(goneLook)}`);
  // Well-formed, but no link has it (the server says NOT_FOUND); garbage
  // (INVALID_ARGUMENT); a token a mail program stuck punctuation to (no
  // route of the page matches); an unknown calendar's permanent link.
  const unknown = link.token.slice(0, -1) + (link.token.endsWith('A') ? 'B' : 'A');
  assert(schedctlResult('resolve', `--token=${unknown}`).stderr.includes('NOT_FOUND'), 'the server knows no such token');
  assert(schedctlResult('resolve', '--token=not-a-token').stderr.includes('INVALID_ARGUMENT'), 'the server refuses garbage');
  for (const [what, address] of [
    ['an unknown token', `/widget/otl/${unknown}?slug=${calendar.slug}`],
    ['a garbage token', `/widget/otl/not-a-token?slug=${calendar.slug}`],
    ['a token with punctuation stuck to it', `/widget/otl/${unknown}).`],
    ["an unknown calendar's permanent link", `/widget/booking/${LOCATION}/no-such-calendar`],
  ]) {
    const response = await page.goto(`${PAGE_URL}${address}`);
    await assertMessagePage(page, response, 404, NOT_FOUND_TEXT, what);
    assertEqual(JSON.stringify(await look(response)), JSON.stringify(goneLook), `the look of ${what}`);
    if (what === 'an unknown token') await screenshot(page, 'not-found');
  }
  assert(!page.__errors, `script errors: ${page.__errors}`);
});

test('a one-time link: another zone shifts the times; earlier/later stay within its dates', async ({ browser }) => {
  const calendar = createCalendar();
  const [first, last] = [hostDay(2), hostDay(16)];
  const link = createLink(calendar, [`--earliest_date=${first}`, `--latest_date=${last}`]);
  const expected = linkSlots(link); // every free slot of the link, from the server
  assert(expected.length > 0, 'the link has free slots');
  const page = await newPage(browser);
  await open(page, link.url);
  const shown = () => page.$$eval('#slots .slot', (slots) => slots.map((s) => [s.querySelector('input').value, s.textContent.trim()]));
  const before = await shown();
  for (const [iso, label] of before) assertEqual(label, clock(iso, INVITEE_ZONE), `label of ${iso} in ${INVITEE_ZONE}`);

  // Tokyo is 13 or 14 hours ahead of New York: every time changes.
  const zone = 'Asia/Tokyo';
  await page.select('#tz', zone);
  await Promise.all([page.waitForNavigation(), page.click('#show-times')]);
  assertEqual(new URL(page.url()).searchParams.get('tz'), zone, 'the zone in the address');
  assertEqual(new URL(page.url()).searchParams.get('slug'), calendar.slug, 'the slug in the address');
  assertEqual(await page.$eval('#tz', (e) => e.value), zone, 'zone selector');
  assertEqual(await page.evaluate(() => document.documentElement.dataset.tz), zone, 'zone shown');
  const after = new Map(await shown());
  for (const [iso, label] of after) assertEqual(label, clock(iso, zone), `label of ${iso} in ${zone}`);
  const both = before.filter(([iso]) => after.has(iso));
  assert(both.length > 0, 'slots shown in both zones');
  for (const [iso, label] of both) assert(after.get(iso) !== label, `${iso} shows ${label} in both zones`);
  await screenshot(page, 'zone-changed');

  // Later until the link's last date, then back: the edges offer no more.
  const windows = [];
  for (;;) {
    const slots = await shown();
    for (const [start, label] of slots) {
      const day = new Intl.DateTimeFormat('en-CA', { timeZone: HOST_ZONE }).format(new Date(start));
      assert(day >= first && day <= last, `slot ${start} is on ${day}, outside ${first}..${last}`);
      assertEqual(label, clock(start, zone), `label of ${start} in ${zone}`);
    }
    const starts = slots.map(([start]) => start);
    const off = await page.$$eval('.weeks .off', (spans) => spans.map((s) => s.textContent.trim()));
    const earlier = Boolean(await page.$('#earlier'));
    const later = Boolean(await page.$('#later'));
    assertEqual(off.includes('\u2190 Earlier'), !earlier, `"Earlier" shown as unavailable on window ${windows.length + 1}`);
    assertEqual(off.includes('Later \u2192'), !later, `"Later" shown as unavailable on window ${windows.length + 1}`);
    windows.push({ range: await text(page, '.range'), earlier, later, starts });
    if (!later) break;
    assert(windows.length < 5, 'more windows than 16 days fill');
    await Promise.all([page.waitForNavigation(), page.click('#later')]);
    assertEqual(new URL(page.url()).searchParams.get('tz'), zone, 'the zone kept on later days');
    assertEqual(new URL(page.url()).searchParams.get('slug'), calendar.slug, 'the slug kept on later days');
  }
  await screenshot(page, 'one-time-link-last-days');
  assertEqual(windows.length, 3, 'windows of 7 days over the link\'s 15 days');
  assertEqual(JSON.stringify(windows.map((w) => [w.earlier, w.later])), '[[false,true],[true,true],[true,false]]',
    'earlier/later offered');
  // The last window names its days up to the link's end (midnight after its
  // last date in Berlin), not a week on from its first day.
  const dayAfter = new Date(Date.parse(`${last}T12:00:00Z`) + 86400000).toISOString().slice(0, 10);
  const offset = new Intl.DateTimeFormat('en-US', { timeZone: HOST_ZONE, timeZoneName: 'longOffset' })
    .formatToParts(new Date(`${dayAfter}T00:00:00Z`)).find((p) => p.type === 'timeZoneName').value.replace('GMT', '');
  const end = new Date(Date.parse(`${dayAfter}T00:00:00${offset || 'Z'}`) - 1);
  const lastDay = new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'long', day: 'numeric', month: 'long' }).format(end);
  assert(windows[2].range.endsWith(` \u2013 ${lastDay}`), `the last window's days: ${windows[2].range}, the link ends on ${lastDay}`);
  const all = windows.flatMap((w) => w.starts);
  assertEqual(JSON.stringify(all), JSON.stringify([...expected].sort()), "the pages' slots against the link's free slots");
  await Promise.all([page.waitForNavigation(), page.click('#earlier')]);
  assertEqual(await text(page, '.range'), windows[1].range, 'back to the middle window');
  assertEqual(JSON.stringify(await page.$$eval('#slots input[name=start]', (inputs) => inputs.map((i) => i.value))),
    JSON.stringify(windows[1].starts), 'slots of the middle window again');

  // Booked in the zone chosen: the confirmation shows it.
  const start = await chooseSlot(page, 0);
  await fillDetails(page, 'Zoe Zone', 'zoe@example.com');
  const response = await book(page);
  assertEqual(response.status(), 200, 'status of the booking');
  const when = await text(page, '#when-invitee');
  assert(when.includes(clock(start, zone)) && when.includes(zone), `invitee time: ${when}`);
  assert((await text(page, '#when-host')).includes(clock(start, HOST_ZONE)), 'host time');
  assertEqual(bookingsInDatabase(calendar), 1, 'bookings in the database');
  await screenshot(page, 'zone-confirmation');
});

test('schedctl share: scheduling link, embed code, and with --new_link a one-time link that books', async ({ browser }) => {
  const name = 'Tea & "talk" <soon>';
  const calendar = createCalendar({ displayName: name });
  const page = await newPage(browser);
  const schedulingLink = `${PAGE_URL}/widget/booking/${LOCATION}/${calendar.slug}`;
  // Without --new_link: no link is made.
  const plain = fieldsOf(schedctl('share', `--calendar=${calendar.name}`, `--page_url=${PAGE_URL}/`));
  assertEqual(plain.calendar, calendar.name, 'calendar');
  assertEqual(plain.display_name, name, 'display_name');
  assertEqual(plain.scheduling_link, schedulingLink, 'scheduling_link');
  const embed = await iframeOf(page, plain.embed_code);
  assert(embed, `embed_code is one iframe: ${plain.embed_code}`);
  assertEqual(embed.src, schedulingLink, 'the embed code\'s address');
  assertEqual(embed.title, name, 'the embed code\'s title');
  assert(!embed.sandbox, 'the embed code is not sandboxed (the form would post with Origin null)');
  assertEqual(plain.one_time_link, '(add --new_link to generate one)', 'one_time_link without --new_link');
  assertEqual(linksOf(calendar), 0, 'one-time links of the calendar');

  // With --new_link: a fresh one-time link and its own embed code.
  const shared = fieldsOf(schedctl('share', `--calendar=${calendar.name}`, `--page_url=${PAGE_URL}`, '--new_link'));
  assertEqual(shared.scheduling_link, schedulingLink, 'scheduling_link with --new_link');
  assertEqual(shared.embed_code, plain.embed_code, 'embed_code with --new_link');
  const otl = shared.one_time_link;
  assert(new RegExp(`^${PAGE_URL}/widget/otl/[A-Za-z0-9_-]{44}\\?slug=${calendar.slug}$`).test(otl), `one_time_link: ${otl}`);
  const expires = Date.parse(/^\S+/.exec(shared.one_time_link_expires)[0]);
  assert(Math.abs(expires - (Date.now() + 48 * 3600 * 1000)) < 5 * 60 * 1000, `expires in 48 h: ${shared.one_time_link_expires}`);
  const otlEmbed = await iframeOf(page, shared.one_time_link_embed_code);
  assert(otlEmbed && otlEmbed.src === otl && otlEmbed.title === name, `one_time_link_embed_code: ${shared.one_time_link_embed_code}`);
  assertEqual(linksOf(calendar), 1, 'one-time links of the calendar after --new_link');

  // Both links open as booking pages; the one-time link books once.
  const permanent = await open(page, schedulingLink);
  assertEqual(permanent.status(), 200, 'status of the scheduling link');
  assertEqual(await text(page, 'h1'), name, 'heading of the scheduling link');
  const response = await open(page, otl);
  assertEqual(response.status(), 200, 'status of the one-time link');
  assertEqual(await text(page, 'h1'), name, 'heading of the one-time link');
  assert((await text(page, '.window')).startsWith('This link works until '), 'the link says until when');
  await screenshot(page, 'share-one-time-link');
  const start = await chooseSlot(page, 0);
  await fillDetails(page, 'Sasha Share', 'sasha@example.com');
  assertEqual((await book(page)).status(), 200, 'status of the booking');
  assertEqual(await text(page, 'h1'), 'You are booked', 'confirmation heading');
  assert((await text(page, '#when-invitee')).includes(clock(start, INVITEE_ZONE)), 'the time booked');
  assertEqual(bookingsInDatabase(calendar), 1, 'bookings in the database');
  await assertMessagePage(page, await page.goto(otl), 410, GONE_TEXT, 'the used one-time link');
});

test("embedded in another site: books inside the frame; a page left at frame-ancestors 'self' is refused", async ({ browser }) => {
  const calendar = createCalendar({ displayName: 'Embedded call' });
  // The scheduling link on the page that allows the site; the one-time link
  // is on the server's base URL, a page that allows only itself.
  const share = schedctlResult('share', `--calendar=${calendar.name}`, `--page_url=${PAGE_URL_EMBED}`, '--new_link');
  assertEqual(share.status, 0, `schedctl share: ${share.stderr}`);
  const shared = fieldsOf(share.stdout);
  assert(shared.embed_code.includes(`src="${PAGE_URL_EMBED}/widget/booking/`), `embed_code: ${shared.embed_code}`);
  assert(share.stderr.includes('on another base URL than --page_url'), `share notes the other base URL: ${share.stderr}`);
  const site = `http://127.0.0.1:${EMBED_HOST_PORT}`;
  const snippets = { '/allowed': shared.embed_code, '/refused': shared.one_time_link_embed_code };
  const host = http.createServer((request, response) => {
    const snippet = snippets[request.url];
    response.writeHead(snippet ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(snippet ? `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Acme</title></head>
<body><h1>Book a call with Acme</h1>\n${snippet}\n</body></html>\n` : '');
  });
  await new Promise((resolve, reject) => host.once('error', reject).listen(EMBED_HOST_PORT, '127.0.0.1', resolve));
  try {
    const page = await newPage(browser);
    const framed = page.waitForResponse((r) => r.url().startsWith(`${PAGE_URL_EMBED}/widget/booking/`));
    await page.goto(`${site}/allowed`);
    const csp = (await framed).headers()['content-security-policy'] || '';
    assert(csp.includes(`frame-ancestors 'self' ${site}`), `CSP of the embeddable page: ${csp}`);
    const frame = await frameWhere(page, PAGE_URL_EMBED,
      () => document.documentElement.dataset.tzAuto === '0' && Boolean(document.querySelector('#slots .slot')),
      'the slot list in the frame');
    assertEqual(await frame.$eval('h1', (e) => e.textContent.trim()), 'Embedded call', 'heading in the frame');
    const slots = await frame.$$('#slots .slot');
    await slots[1].click();
    const start = await frame.$eval('input[name=start]:checked', (e) => e.value);
    await frame.type('#name', 'Emma Embed');
    await frame.type('#email', 'emma@example.com');
    await screenshot(page, 'embedded-slot-chosen');
    const posted = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().startsWith(`${PAGE_URL_EMBED}/`));
    await frame.click('#book');
    assertEqual((await posted).status(), 200, 'status of the booking in the frame');
    const confirmed = await frameWhere(page, PAGE_URL_EMBED, () => Boolean(document.querySelector('#confirmation')),
      'the confirmation in the frame');
    assertEqual(await confirmed.$eval('h1', (e) => e.textContent.trim()), 'You are booked', 'confirmation in the frame');
    const when = await confirmed.$eval('#when-invitee', (e) => e.textContent);
    assert(when.includes(clock(start, INVITEE_ZONE)) && when.includes(INVITEE_ZONE), `invitee time: ${when}`);
    assertEqual(page.url(), `${site}/allowed`, 'the site stays around the frame');
    assertEqual(bookingsInDatabase(calendar), 1, 'bookings in the database');
    await screenshot(page, 'embedded-confirmation');

    // The default page ('self') in the same site: Chromium refuses the frame.
    const refusals = [];
    page.on('console', (message) => {
      if (message.text().includes("frame-ancestors 'self'")) refusals.push(message.text());
    });
    const refusedResponse = page.waitForResponse((r) => r.url().startsWith(`${PAGE_URL}/widget/otl/`));
    await page.goto(`${site}/refused`);
    const refusedCsp = (await refusedResponse).headers()['content-security-policy'] || '';
    assert(refusedCsp.includes("frame-ancestors 'self'") && !refusedCsp.includes(site), `CSP of the default page: ${refusedCsp}`);
    await waitUntil(() => refusals.length > 0, 'Chromium to report the refused frame');
    assertEqual(page.frames().length, 2, 'the site and its frame');
    for (const frame of page.frames().slice(1)) {
      const shows = await frame.evaluate(() => Boolean(document.querySelector('#main, #slots, #booking'))).catch(() => false);
      assert(!shows, `the refused frame (${frame.url()}) shows the page`);
    }
    await screenshot(page, 'embedded-refused');
    // Refused as a frame, the link itself is fine.
    const direct = await open(page, shared.one_time_link);
    assertEqual(direct.status(), 200, 'status of the one-time link opened directly');
    assertEqual(bookingsInDatabase(calendar), 1, 'bookings in the database after the refused frame');
  } finally {
    host.closeAllConnections();
    await new Promise((resolve) => host.close(resolve));
  }
});

// ---------------------------------------------------------------------------
// Runner

async function main() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const f of fs.readdirSync(ARTIFACTS)) if (f.endsWith('.png')) fs.rmSync(path.join(ARTIFACTS, f));
  const started = Date.now();
  const browser = await launch();
  console.log(`chromium: ${await browser.version()} (${CHROMIUM}); location ${LOCATION}`);
  let failed = 0;
  let ran = 0;
  try {
    for (const { name, fn } of tests) {
      if (ONLY && !name.includes(ONLY)) continue;
      ran++;
      const t = Date.now();
      const before = new Set(await browser.pages());
      let passed = false;
      try {
        await fn({ browser });
        passed = true;
        console.log(`PASS  ${name} (${Date.now() - t} ms)`);
      } catch (error) {
        failed++;
        console.log(`FAIL  ${name} (${Date.now() - t} ms)\n      ${error.stack || error}`);
      }
      // Each test's pages: a screenshot of where a failed one stopped, then
      // closed, so that no test leaves work (or a paused request) behind.
      for (const page of (await browser.pages()).filter((p) => !before.has(p))) {
        if (!passed && !page.isClosed()) {
          await Promise.race([
            page.bringToFront().then(() => screenshot(page, 'failure')),
            new Promise((resolve) => setTimeout(resolve, 5000)),
          ]).catch(() => {});
        }
        await page.close().catch(() => {});
      }
    }
  } finally {
    await browser.close();
    for (const profile of profiles) fs.rmSync(profile, { recursive: true, force: true });
  }
  metrics.tests = { ran, failed, ms: Date.now() - started };
  fs.writeFileSync(path.join(ARTIFACTS, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  if (metrics.page_bytes) {
    const b = metrics.page_bytes;
    console.log(`page weight of the slot list (${metrics.slots_on_page} slots): HTML ${b.html} + JS ${b.js} + CSS ${b.css} = ${b.total} bytes` +
      ` (${metrics.page_bytes_transferred} bytes transferred, compressed)`);
    console.log(`time to first render of the slot list: ${metrics.first_render_ms} ms from opening the link` +
      ` (with the reload into the browser's zone); first contentful paint of the final page ${metrics.first_contentful_paint_ms} ms`);
  }
  console.log(`screenshots: ${ARTIFACTS}`);
  console.log(`browser tests: ${ran - failed} passed, ${failed} failed (${Date.now() - started} ms)`);
  return failed || ran === 0 ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (error) => {
  console.error(error);
  process.exitCode = 2;
});
