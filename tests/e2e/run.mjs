// Runs the end-to-end tests (tests/e2e/*.test.mjs) in headless Chromium
// against a built site served under a sub-path, as GitHub Pages serves it.
//
//   node tests/e2e/run.mjs --dir target/e2e-dist [--base /kubeplay/] [--filter TEXT]
//   node tests/e2e/run.mjs --url http://127.0.0.1:8080/kubeplay/   (a server you run)
//
// Prints `ok - name` / `not ok - name` per test and `N passed, N failed` at the
// end; exits 1 if any test failed or if no test ran at all.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServer } from './serve.mjs';
import { ROOT, TestContext, launchBrowser, registeredTests } from './harness.mjs';

function parseArgs(argv) {
  const opts = { dir: null, base: '/kubeplay/', filter: process.env.E2E_FILTER ?? '', url: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`missing value for ${a}`);
      return argv[++i];
    };
    if (a === '--dir') opts.dir = val();
    else if (a === '--base') opts.base = val();
    else if (a === '--filter') opts.filter = val();
    else if (a === '--url') opts.url = val();
    else throw new Error(`unknown argument ${a}`);
  }
  if (!opts.dir && !opts.url) throw new Error('give --dir <built site> or --url <running site>');
  return opts;
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function indent(text) {
  return String(text).split('\n').map((l) => `    ${l}`).join('\n');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));

  const dir = path.join(ROOT, 'tests', 'e2e');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.test.mjs')).sort();
  for (const f of files) await import(pathToFileURL(path.join(dir, f)).href);
  const tests = registeredTests().filter((t) => t.name.includes(opts.filter));

  let server = null;
  let baseURL = opts.url;
  if (!baseURL) {
    server = await startServer({ dir: opts.dir, base: opts.base, port: 0 });
    baseURL = server.url;
  }
  console.log(`# e2e: ${tests.length} tests from ${files.length} files against ${baseURL}`);

  const browser = await launchBrowser();
  console.log(`# browser: Chromium ${browser.version()}`);

  let passed = 0;
  let failed = 0;
  for (const t of tests) {
    const ctx = new TestContext(browser, baseURL);
    const started = performance.now();
    let error = null;
    try {
      await withTimeout(t.fn(ctx), t.timeout, 'test');
      const fatal = ctx.fatalProblems();
      if (fatal.length) {
        error = new Error(`the page reported errors:\n${fatal.map((p) => `${p.kind}: ${p.text}`).join('\n')}`);
      }
    } catch (e) {
      error = e;
      const seen = ctx.playgrounds.flatMap((p) => p.problems);
      if (seen.length) {
        error.message += `\npage problems seen meanwhile:\n${seen.map((p) => `${p.kind}: ${p.text}`).join('\n')}`;
      }
    } finally {
      await ctx.close();
    }
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    if (error) {
      failed++;
      console.log(`not ok - ${t.name} (${secs}s)`);
      console.log(indent(error.message || error));
    } else {
      passed++;
      console.log(`ok - ${t.name} (${secs}s)`);
    }
  }

  await browser.close();
  if (server) await server.close();

  console.log(`${passed} passed, ${failed} failed`);
  if (passed + failed === 0) console.log('# e2e: no test ran, which counts as a failure');
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`e2e harness error: ${e?.stack || e}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
