// The console: commands typed at the prompt print what kubectl v1.34 prints.
import { test, assert } from './harness.mjs';

test('kubectl version prints the client version', async (t) => {
  const pg = await t.open();
  const at = await pg.run('kubectl version');
  await pg.waitForLine('Client Version: v1.34.5', { after: at });
});

test('kubectl get nodes prints the header and a row per node', async (t) => {
  const pg = await t.open();
  const at = await pg.run('kubectl get nodes');
  await pg.waitForLine('NAME           STATUS   ROLES           AGE   VERSION', { after: at });
  await pg.waitForLine(/^node01\s+Ready\s+<none>\s+\S+\s+v1\.34\.5$/, { after: at });
});

test('an unknown kubectl command is an error on stderr', async (t) => {
  const pg = await t.open();
  const at = await pg.run('kubectl gett');
  await pg.waitForLine('error: unknown command "gett" for "kubectl"', { after: at, stderr: true });
});

test('typed text is shown as text, never parsed as HTML', async (t) => {
  const pg = await t.open();
  const payload = '<img src=x onerror=alert(1)>';
  const at = await pg.run(`kubectl run '${payload}' --image=nginx`);
  // The echoed command holds the literal markup...
  const lines = await pg.lines();
  assert(lines[at].text.includes(payload), `echoed line does not show the literal text: ${JSON.stringify(lines[at].text)}`);
  // ...and so does kubectl's answer (the name is invalid), on stderr.
  const escaped = payload.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await pg.waitForLine(new RegExp(escaped), { after: at, stderr: true });
  const imgs = await pg.page.$$eval('img', (els) => els.map((e) => e.outerHTML));
  assert(imgs.length === 0, `an <img> element was created: ${imgs.join(', ')}`);
  assert(!pg.problems.some((p) => p.kind === 'dialog'), 'an alert() ran');
});
