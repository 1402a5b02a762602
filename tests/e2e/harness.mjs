// A tiny test harness on playwright-core (no @playwright/test: it would try to
// download its own browser, which cannot work here). Test files call
// `test(name, fn)`; run.mjs imports them, then runs each test against one
// shared Chromium with a fresh browser context per page.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOT_DIR = path.join(ROOT, 'target', 'screenshots');

// playwright-core lives in tools/node (installed by scripts/setup.sh), not
// next to the tests, so resolve it from there.
const require = createRequire(path.join(ROOT, 'tools', 'node', 'package.json'));
export const { chromium } = require('playwright-core');

export const CHROMIUM = '/usr/bin/chromium';
// The machine has no network but the package registries: without the
// background-networking flags Chromium keeps trying to reach Google.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export const WIDE = { width: 1280, height: 720 };
export const NARROW = { width: 390, height: 844 };
export const PROMPT = 'controlplane:~$ ';
// How long a simulated image pull + container start may take in the page.
export const POD_START_TIMEOUT = 30_000;

const registry = [];

/** Registers a test. `fn` gets a TestContext (see below). */
export function test(name, fn, { timeout = 90_000 } = {}) {
  registry.push({ name, fn, timeout });
}
export function registeredTests() {
  return registry;
}

export class AssertionError extends Error {}
export function assert(cond, message) {
  if (!cond) throw new AssertionError(message);
}
export function assertEqual(actual, expected, message) {
  if (actual !== expected) {
    throw new AssertionError(`${message}\n  expected: ${JSON.stringify(expected)}\n  actual:   ${JSON.stringify(actual)}`);
  }
}

/** Console output text as a person reads it: non-breaking spaces are spaces. */
export function normalise(text) {
  return (text ?? '').replace(/\u00a0/g, ' ').replace(/\s+$/, '');
}

/**
 * What one test gets: `open()` starts a fresh page on the playground and
 * returns a Playground; everything opened is closed after the test, and any
 * uncaught page error or console error fails the test unless the test said
 * it expects them.
 */
export class TestContext {
  constructor(browser, baseURL) {
    this.browser = browser;
    this.baseURL = baseURL;
    this.playgrounds = [];
  }

  async open({ viewport = WIDE, colorScheme = 'light', waitReady = true, locale = 'en-US' } = {}) {
    const context = await this.browser.newContext({ viewport, colorScheme, locale });
    const page = await context.newPage();
    const pg = new Playground(context, page, this.baseURL);
    this.playgrounds.push(pg);
    await pg.goto({ waitReady });
    return pg;
  }

  async close() {
    await Promise.allSettled(this.playgrounds.map((p) => p.context.close()));
  }

  /** Errors that fail any test, whatever it checked. */
  fatalProblems() {
    return this.playgrounds.flatMap((p) => p.problems.filter((x) => ['pageerror', 'console.error', 'dialog'].includes(x.kind)));
  }
}

export class Playground {
  constructor(context, page, baseURL) {
    this.context = context;
    this.page = page;
    this.baseURL = baseURL;
    // Everything that went wrong while the page ran: uncaught exceptions
    // (a wasm panic ends up here or as console.error), console errors,
    // requests that failed or answered >= 400, and dialogs (alert() from
    // injected markup).
    this.problems = [];
    page.on('pageerror', (e) => this.problems.push({ kind: 'pageerror', text: String(e?.stack || e) }));
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      // "Failed to load resource" does not name the resource; its location does
      // (often /favicon.ico when index.html declares no icon).
      const where = m.location()?.url;
      this.problems.push({ kind: 'console.error', text: where ? `${m.text()} [${where}]` : m.text() });
    });
    page.on('requestfailed', (r) => this.problems.push({ kind: 'requestfailed', text: `${r.url()} ${r.failure()?.errorText}` }));
    page.on('response', (r) => {
      if (r.status() >= 400) this.problems.push({ kind: 'http', text: `${r.status()} ${r.url()}` });
    });
    page.on('dialog', (d) => {
      this.problems.push({ kind: 'dialog', text: `${d.type()}: ${d.message()}` });
      d.dismiss().catch(() => {});
    });
  }

  get input() {
    return this.page.locator('input#console-input');
  }

  async goto({ waitReady = true } = {}) {
    await this.page.goto(this.baseURL, { waitUntil: 'load' });
    if (waitReady) await this.waitReady();
  }

  async waitReady() {
    await this.page.waitForSelector('input#console-input[data-ready="true"]', { state: 'attached', timeout: 15_000 });
  }

  /** All console output lines as text, with their classes. */
  async lines() {
    return this.page.$$eval('#console-output .line', (els) =>
      els.map((e) => ({ text: e.textContent.replace(/\u00a0/g, ' ').replace(/\s+$/, ''), cls: e.className })));
  }

  /**
   * Types a command as a person would and presses Enter; resolves once the
   * echoed prompt line for it has appeared. Returns the index of that line,
   * for waitForLine(..., { after }).
   */
  async run(cmd) {
    const before = await this.page.locator('#console-output .line').count();
    await this.waitReady();
    await this.input.click();
    await this.input.pressSequentially(cmd);
    await this.input.press('Enter');
    const handle = await this.page.waitForFunction(
      ({ before, echo }) => {
        const ls = document.querySelectorAll('#console-output .line');
        for (let i = before; i < ls.length; i++) {
          const t = ls[i].textContent.replace(/\u00a0/g, ' ').replace(/\s+$/, '');
          // An object, since index 0 would read as "not yet".
          if (ls[i].classList.contains('prompt') && t === echo) return { index: i };
        }
        return false;
      },
      { before, echo: PROMPT + cmd },
      { timeout: 10_000 },
    ).catch(async (e) => {
      const tail = (await this.lines()).slice(-10).map((l) => `    [${l.cls}] ${l.text}`).join('\n');
      throw new AssertionError(`no echoed prompt line ${JSON.stringify(PROMPT + cmd)} appeared (${e.message.split('\n')[0]}); last lines:\n${tail}`);
    });
    return (await handle.jsonValue()).index;
  }

  /**
   * Waits until a console line after index `after` matches `want` (a string
   * for an exact line, or a RegExp); `stderr: true` requires class stderr.
   * Resolves to the matching line's text.
   */
  async waitForLine(want, { after = -1, stderr = false, timeout = 10_000 } = {}) {
    const spec = want instanceof RegExp
      ? { re: want.source, flags: want.flags }
      : { exact: want };
    const handle = await this.page.waitForFunction(
      ({ spec, after, stderr }) => {
        const ls = document.querySelectorAll('#console-output .line');
        const re = spec.re !== undefined ? new RegExp(spec.re, spec.flags) : null;
        for (let i = after + 1; i < ls.length; i++) {
          if (stderr && !ls[i].classList.contains('stderr')) continue;
          const t = ls[i].textContent.replace(/\u00a0/g, ' ').replace(/\s+$/, '');
          if (re ? re.test(t) : t === spec.exact) return t;
        }
        return false;
      },
      { spec, after, stderr },
      { timeout },
    ).catch(async (e) => {
      const tail = (await this.lines()).slice(Math.max(0, after)).slice(-15).map((l) => `    [${l.cls}] ${l.text}`).join('\n');
      throw new AssertionError(`no ${stderr ? 'stderr ' : ''}line matching ${want} after line ${after} (${e.message.split('\n')[0]}); lines:\n${tail}`);
    });
    return handle.jsonValue();
  }

  /** Waits for a pod drawn in the physical view to reach a STATUS text. */
  async waitForPodStatus(name, status, { namespace = 'default', timeout = POD_START_TIMEOUT } = {}) {
    await this.page.waitForFunction(
      ({ name, namespace, status }) => {
        const el = document.querySelector(`svg#physical-view g.node g.pod[data-pod="${CSS.escape(name)}"][data-namespace="${CSS.escape(namespace)}"]`);
        return el && el.getAttribute('data-status') === status;
      },
      { name, namespace, status },
      { timeout },
    ).catch(async (e) => {
      const now = await this.page.$$eval('svg#physical-view g.pod', (els) =>
        els.map((p) => `${p.getAttribute('data-namespace')}/${p.getAttribute('data-pod')}=${p.getAttribute('data-status')}`).join(', '));
      throw new AssertionError(`pod ${namespace}/${name} did not reach ${status} (${e.message.split('\n')[0]}); pods drawn: ${now}`);
    });
  }

  async screenshot(name) {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, name);
    await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }
}
