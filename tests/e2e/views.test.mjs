// The frame around the cluster: time controls, the three views, the inspector,
// the event stream, language and theme, and keyboard use.
import { test, assert, assertEqual, WIDE, NARROW } from './harness.mjs';

const clockText = (page) => page.locator('#sim-clock').textContent();
const elapsedText = (page) => page.locator('#sim-elapsed').textContent();

/** The AGE cell of `kubectl get pod NAME` run in the console. */
async function ageOf(pg, name) {
  const at = await pg.run(`kubectl get pod ${name}`);
  const line = await pg.waitForLine(new RegExp(`^${name}\\s`), { after: at });
  return line.trim().split(/\s+/).pop();
}

test('time controls: pause freezes the clock, AGE and pod state; step advances; speed multiplies', async (t) => {
  const pg = await t.open();
  const { page } = pg;
  await page.locator('#time-pause').click();
  await page.locator('.time-controls[data-paused="true"]').waitFor();
  const at = await pg.run('kubectl run web --image nginx');
  await pg.waitForLine('pod/web created', { after: at });
  const status = await page.locator('svg#physical-view g.pod[data-pod="web"]').getAttribute('data-status');
  const clock = await clockText(page);
  const age = await ageOf(pg, 'web');
  await page.waitForTimeout(2500);
  assertEqual(await clockText(page), clock, 'the simulated clock stands still while paused');
  assertEqual(await ageOf(pg, 'web'), age, 'AGE does not grow while paused');
  assertEqual(await page.locator('svg#physical-view g.pod[data-pod="web"]').getAttribute('data-status'), status, 'the pod stays where it was');
  assert(status !== 'Running', `a paused pod should not have started yet (${status})`);

  // Each step runs to the next piece of timed work: sandbox, pull, start.
  const before = await elapsedText(page);
  let steps = 0;
  while ((await page.locator('svg#physical-view g.pod[data-pod="web"]').getAttribute('data-status')) !== 'Running' && steps < 20) {
    await page.locator('#time-step').click();
    steps++;
  }
  assertEqual(await page.locator('svg#physical-view g.pod[data-pod="web"]').getAttribute('data-status'), 'Running', `web Running after ${steps} steps`);
  assert(steps >= 2, `starting took ${steps} step(s); sandbox, pull and start are separate moments`);
  assert((await elapsedText(page)) !== before, 'stepping moved the elapsed time');
  assertEqual(await page.locator('.time-controls').getAttribute('data-paused'), 'true', 'still paused after stepping');

  // 60x: a real second is a simulated minute.
  await page.locator('button.speed[data-speed="60"]').click();
  assertEqual(await page.locator('button.speed[data-speed="60"]').getAttribute('aria-pressed'), 'true', '60x pressed');
  const e0 = await elapsedText(page);
  await page.locator('#time-pause').click();
  await page.waitForTimeout(1500);
  await page.locator('#time-pause').click();
  const e1 = await elapsedText(page);
  const secs = (s) => s.replace('+', '').split(':').reduce((a, x) => a * 60 + Number(x), 0);
  const gained = secs(e1) - secs(e0);
  assert(gained >= 50 && gained <= 200, `at 60x, 1.5 s of real time gave ${gained} simulated seconds (${e0} -> ${e1})`);
});

test('views: physical shows capacity and conditions, logical groups by namespace and service, traffic is honest', async (t) => {
  const pg = await t.open();
  const { page } = pg;
  const at = await pg.run('kubectl run whoami --image subicura/whoami:1 --labels app=whoami');
  await pg.waitForLine('pod/whoami created', { after: at });

  // Physical: every node has CPU and memory bars and a Ready badge.
  assertEqual(await page.locator('svg#physical-view g.node g.capacity.cpu').count(), 3, 'CPU bars');
  assertEqual(await page.locator('svg#physical-view g.node g.capacity.memory').count(), 3, 'memory bars');
  assertEqual(await page.locator('svg#physical-view g.node g.badge[data-badge="Ready"]').count(), 3, 'Ready badges');
  const cpuLabel = await page.locator('svg#physical-view g.node[data-node="controlplane"] g.capacity.cpu').getAttribute('aria-label');
  assert(/CPU requests \S+ of 2 allocatable \(\d+%\)/.test(cpuLabel), `CPU bar label: ${cpuLabel}`);

  // Logical.
  await page.locator('#tab-logical').click();
  assertEqual(await page.locator('#tab-logical').getAttribute('aria-selected'), 'true', 'logical tab selected');
  const def = page.locator('#logical-view .ns-region[data-namespace="default"]');
  await def.waitFor();
  await def.locator('.standalone .pod-pill[data-pod="whoami"]').waitFor();
  const svc = def.locator('.service[data-service="kubernetes"]');
  assert((await svc.textContent()).includes('10.96.0.1'), 'the kubernetes service with its ClusterIP');
  // kube-system starts folded, with coredns grouped under its owner.
  const sys = page.locator('#logical-view details.ns-region[data-namespace="kube-system"]');
  await sys.locator('summary').click();
  const coredns = sys.locator('.owner .pod-pill[data-pod^="coredns-"]');
  assertEqual(await coredns.count(), 2, 'two coredns pods inside their owner');
  const dns = sys.locator('.service[data-service="kube-dns"]');
  assert((await dns.locator('.selector').textContent()).includes('k8s-app=kube-dns'), 'kube-dns selector shown');
  assertEqual(await dns.locator('.pod-pill[data-pod^="coredns-"]').count(), 2, 'kube-dns selects the coredns pods');

  // Traffic: the form offers the whoami pod's Service-less cluster nothing to send to
  // yet (traffic.test.mjs drives the view itself).
  await page.locator('#tab-traffic').click();
  await page.locator('#traffic-view svg#traffic-svg').waitFor({ state: 'attached' });

  await page.locator('#tab-physical').click();
  await page.locator('svg#physical-view g.pod[data-pod="whoami"]').waitFor();
});

test('inspector: a pod opens by click or keyboard, shows YAML and events; delete is typed into the console', async (t) => {
  const pg = await t.open();
  const { page } = pg;
  const at = await pg.run('kubectl run whoami --image subicura/whoami:1');
  await pg.waitForLine('pod/whoami created', { after: at });
  await pg.waitForPodStatus('whoami', 'Running');

  await page.locator('svg#physical-view g.pod[data-pod="whoami"]').click();
  const insp = page.locator('#inspector[data-kind="Pod"][data-name="whoami"]');
  await insp.waitFor();
  await page.locator('#inspector-tab-yaml').click();
  const yaml = await page.locator('#inspector-body pre[data-tab="yaml"]').textContent();
  assert(yaml.startsWith('apiVersion: v1\nkind: Pod\n'), `YAML starts as kubectl prints it:\n${yaml.slice(0, 200)}`);
  assert(yaml.includes('  name: whoami\n') && yaml.includes('phase: Running'), 'YAML of the running pod');
  await page.locator('#inspector-tab-events').click();
  const reasons = await page.locator('#inspector-body li.event').evaluateAll((els) => els.map((e) => e.getAttribute('data-reason')));
  assertEqual(reasons[0], 'Scheduled', `first event (${reasons.join(', ')})`);
  assert(reasons.includes('Started'), `events include Started (${reasons.join(', ')})`);

  // Escape closes and gives the focus back.
  await page.keyboard.press('Escape');
  await insp.waitFor({ state: 'detached' });

  // Keyboard only: focus a node and press Enter.
  await page.locator('svg#physical-view g.node[data-node="node01"] g.node-header').focus();
  await page.keyboard.press('Enter');
  await page.locator('#inspector[data-kind="Node"][data-name="node01"]').waitFor();
  const focused = await page.evaluate(() => document.activeElement?.closest('#inspector') !== null);
  assert(focused, 'the inspector takes the focus when it opens');
  await page.locator('#inspector-tab-yaml').click();
  assert((await page.locator('#inspector-body pre').textContent()).includes('kind: Node'), 'node YAML');
  await page.locator('#inspector button[data-action="Cordon"]').click();
  await pg.waitForLine('controlplane:~$ kubectl cordon node01');

  // A pod's delete button types the command.
  await page.locator('svg#physical-view g.pod[data-pod="whoami"]').focus();
  await page.keyboard.press(' ');
  await page.locator('#inspector[data-kind="Pod"][data-name="whoami"] button[data-action="DeletePod"]').click();
  await pg.waitForLine('controlplane:~$ kubectl delete pod whoami');
  const history = await pg.page.evaluate(() => true);
  assert(history, 'page alive');
});

test('faults: stopping a node\'s kubelet from the inspector turns the node NotReady, starting it brings it back', async (t) => {
  const pg = await t.open();
  const { page } = pg;
  await page.locator('svg#physical-view g.node[data-node="node01"] g.node-header').click();
  await page.locator('#inspector[data-kind="Node"][data-name="node01"] button[data-action="StopNode"]').click();
  await pg.waitForLine('controlplane:~$ kubeplay node stop node01');
  await pg.waitForLine('kubeplay: kubelet on node01 stopped');
  await page.locator('button.speed[data-speed="60"]').click();
  // The node lifecycle controller marks it after its grace period (seconds at 60x).
  const notReady = page.locator('svg#physical-view g.node[data-node="node01"] g.badge.bad[data-badge="NotReady"]');
  await notReady.waitFor({ timeout: 20_000 });
  assert((await page.locator('svg#physical-view g.node[data-node="node01"]').getAttribute('class')).includes('not-ready'), 'node01 drawn as not ready');
  assertEqual(await page.locator('svg#physical-view g.node[data-node="node02"] g.badge[data-badge="Ready"]').count(), 1, 'node02 still Ready');
  await page.locator('#time-pause').click();
  await page.waitForTimeout(400);
  await pg.screenshot('faults-wide-light-node01-notready.png');
  await page.locator('#time-pause').click();
  await page.locator('#inspector[data-kind="Node"][data-name="node01"] button[data-action="StartNode"]').click();
  await pg.waitForLine('kubeplay: kubelet on node01 started');
  await page.locator('svg#physical-view g.node[data-node="node01"] g.badge.good[data-badge="Ready"]').waitFor({ timeout: 20_000 });
});

test('events: the stream lists events in time order, filters by object and opens the inspector', async (t) => {
  const pg = await t.open();
  const { page } = pg;
  let at = await pg.run('kubectl run web --image nginx');
  await pg.waitForLine('pod/web created', { after: at });
  at = await pg.run('kubectl run broken --image nginx:nope');
  await pg.waitForLine('pod/broken created', { after: at });
  await pg.waitForPodStatus('web', 'Running');
  await page.locator('#events-panel li.event[data-object="pod/broken"].warning').first().waitFor({ timeout: 20_000 });

  const times = await page.locator('#events-panel li.event .event-time').allTextContents();
  assert(times.length >= 6, `events listed (${times.length})`);
  assert(times.every((x, i) => i === 0 || times[i - 1] <= x), `events in time order: ${times.join(' ')}`);

  await page.locator('#events-filter').fill('web');
  const objects = await page.locator('#events-panel li.event').evaluateAll((els) => els.map((e) => e.getAttribute('data-object')));
  assert(objects.length >= 3 && objects.every((o) => o === 'pod/web'), `filtered to web: ${objects.join(', ')}`);

  await page.locator('#events-panel li.event button.event-object').first().click();
  await page.locator('#inspector[data-kind="Pod"][data-name="web"]').waitFor();
});

test('keyboard only: focus order runs top bar, console, views, events; Escape returns focus', async (t) => {
  const pg = await t.open();
  const { page } = pg;
  const at = await pg.run('kubectl run whoami --image subicura/whoami:1');
  await pg.waitForLine('pod/whoami created', { after: at });
  await page.locator('#time-pause').focus();
  const seen = [];
  for (let i = 0; i < 80; i++) {
    const d = await page.evaluate(() => {
      const a = document.activeElement;
      if (!a) return '';
      if (a.id) return '#' + a.id;
      if (a.matches('button.speed')) return 'speed';
      if (a.matches('g.node-header')) return 'node:' + a.closest('g.node').getAttribute('data-node');
      if (a.matches('g.pod')) return 'pod:' + a.getAttribute('data-pod');
      return a.tagName.toLowerCase() + '.' + a.className;
    });
    seen.push(d);
    if (d === '#events-filter') break;
    await page.keyboard.press('Tab');
  }
  const first = (x) => seen.findIndex((d) => (x instanceof RegExp ? x.test(d) : d === x));
  const order = ['#time-pause', '#time-step', 'speed', '#lang-select', '#theme-select', '#console-input', '#tab-physical', 'node:controlplane', /^pod:/, 'node:node01', '#events-filter'];
  const idx = order.map(first);
  assert(idx.every((v) => v >= 0), `every stop reached by Tab: ${order.map((o, i) => `${o}@${idx[i]}`).join(' ')}\nseen: ${seen.join(' ')}`);
  assert(idx.every((v, i) => i === 0 || idx[i - 1] < v), `in order: ${order.map((o, i) => `${o}@${idx[i]}`).join(' ')}`);

  // Enter on a pod opens the inspector with the focus in it; Escape gives it back.
  await page.locator('svg#physical-view g.pod[data-pod="whoami"]').focus();
  await page.keyboard.press('Enter');
  await page.locator('#inspector[data-name="whoami"]').waitFor();
  assert(await page.evaluate(() => !!document.activeElement?.closest('#inspector')), 'focus moved into the inspector');
  await page.keyboard.press('Escape');
  await page.locator('#inspector').waitFor({ state: 'detached' });
  assertEqual(await page.evaluate(() => document.activeElement?.getAttribute('data-pod')), 'whoami', 'focus back on the pod');
});

test('Korean: chosen from the browser, switchable, remembered', async (t) => {
  const ko = await t.open({ locale: 'ko-KR' });
  assertEqual((await ko.page.locator('#tab-physical').textContent()).trim(), '물리', 'Korean from navigator.language');
  assertEqual(await ko.page.locator('html').getAttribute('lang'), 'ko', '<html lang>');

  const pg = await t.open();
  const { page } = pg;
  assertEqual((await page.locator('#tab-physical').textContent()).trim(), 'Physical', 'English by default');
  await page.locator('#lang-select').selectOption('ko');
  assertEqual((await page.locator('#tab-logical').textContent()).trim(), '논리', 'Korean after switching');
  assertEqual(await page.locator('#time-pause').getAttribute('aria-label'), '일시정지', 'Korean accessible names');
  assert((await page.locator('#console-input').getAttribute('aria-label')).startsWith('명령줄'), 'the console\'s accessible name in Korean');
  assert((await page.locator('#events-panel .panel-title').textContent()).includes('이벤트'), 'events title in Korean');
  const legend = await page.locator('.legend').textContent();
  assert(legend.includes('실행 중'), `legend in Korean: ${legend}`);
  // kubectl output stays as kubectl prints it.
  const at = await pg.run('kubectl get nodes');
  await pg.waitForLine(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/, { after: at });
  await pg.goto();
  assertEqual((await page.locator('#tab-traffic').textContent()).trim(), '트래픽', 'remembered after a reload');
});

test('theme: follows the system, switchable and remembered', async (t) => {
  const pg = await t.open({ colorScheme: 'dark' });
  const { page } = pg;
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const systemDark = await bg();
  await page.locator('#theme-select').selectOption('light');
  assertEqual(await page.locator('html').getAttribute('data-theme'), 'light', 'data-theme set');
  const light = await bg();
  assert(light !== systemDark, `light differs from the system's dark (${light})`);
  await pg.goto();
  assertEqual(await bg(), light, 'light remembered after a reload');
  await page.locator('#theme-select').selectOption('system');
  assertEqual(await bg(), systemDark, 'back to the system theme');
});

/** Boxes of the visible controls in the top bar and the panels; none may overlap. */
async function overlaps(page) {
  return page.evaluate(() => {
    const sel = ['.brand', '#time-pause', '#time-step', '.speeds', '.sim-time', '#lang-select', '#theme-select',
      '#console-panel', '#cluster-panel', '#events-panel', '#inspector-panel'];
    const boxes = sel.flatMap((s) => [...document.querySelectorAll(s)].map((el) => ({ s, r: el.getBoundingClientRect() })))
      .filter((b) => b.r.width > 0 && b.r.height > 0);
    const bad = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].r, b = boxes[j].r;
        if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) {
          bad.push(`${boxes[i].s} overlaps ${boxes[j].s}`);
        }
      }
    }
    return bad;
  });
}

for (const [name, viewport] of [['wide', WIDE], ['narrow', NARROW]]) {
  test(`layout (${name}): controls and panels never overlap, nothing scrolls sideways, in both languages, inspector open`, async (t) => {
    const pg = await t.open({ viewport });
    const { page } = pg;
    for (const lang of ['en', 'ko']) {
      await page.locator('#lang-select').selectOption(lang);
      await page.locator('svg#physical-view g.node[data-node="node01"] g.node-header').click();
      await page.locator('#inspector').waitFor();
      const bad = await overlaps(page);
      assert(bad.length === 0, `${lang}: ${bad.join('; ')}`);
      const sw = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(sw <= viewport.width, `${lang}: page scrolls sideways (${sw} > ${viewport.width})`);
      await page.keyboard.press('Escape');
    }
  });
}

// Screenshots of every view, light and dark, wide and narrow, with a running
// whoami, a failing pod and the inspector open: for people to look at. Each
// waits for the chips' 300 ms move transition to finish first.
async function shot(pg, name) {
  await pg.page.waitForTimeout(400);
  await pg.screenshot(name);
}

for (const [layout, viewport] of [['wide', WIDE], ['narrow', NARROW]]) {
  for (const colorScheme of ['light', 'dark']) {
    test(`screenshots: views ${layout} ${colorScheme}`, async (t) => {
      const pg = await t.open({ viewport, colorScheme });
      const { page } = pg;
      let at = await pg.run('kubectl run whoami --image subicura/whoami:1 --labels app=whoami');
      await pg.waitForLine('pod/whoami created', { after: at });
      at = await pg.run('kubectl run broken --image nginx:nope');
      await pg.waitForLine('pod/broken created', { after: at });
      await pg.waitForPodStatus('whoami', 'Running');
      await pg.waitForPodStatus('broken', 'ErrImagePull', { timeout: 30_000 }).catch(() => pg.waitForPodStatus('broken', 'ImagePullBackOff'));
      await page.locator('#time-pause').click();
      await page.locator('button.speed[data-speed="5"]').click();
      await shot(pg, `views-${layout}-${colorScheme}-physical.png`);
      await page.locator('#tab-logical').click();
      await page.locator('#logical-view').waitFor();
      await page.locator('#logical-view details[data-namespace="kube-system"] > summary').click();
      await shot(pg, `views-${layout}-${colorScheme}-logical.png`);
      await page.locator('#tab-traffic').click();
      await shot(pg, `views-${layout}-${colorScheme}-traffic.png`);
      await page.locator('#tab-physical').click();
      await page.locator('svg#physical-view g.pod[data-pod="whoami"]').click();
      await page.locator('#inspector-tab-events').click();
      await shot(pg, `views-${layout}-${colorScheme}-inspector.png`);
      await page.locator('#lang-select').selectOption('ko');
      await page.locator('#inspector-tab-yaml').click();
      await shot(pg, `views-${layout}-${colorScheme}-inspector-ko.png`);
    });
  }
}

/** Height and the x of a substring's first character, for each console line matching `re`. */
function measureLines(page, re, word) {
  return page.$$eval('#console-output .line', (els, { src, word }) => {
    const re = new RegExp(src);
    return els.filter((e) => re.test(e.textContent)).map((e) => {
      const node = e.firstChild;
      const at = node ? node.textContent.indexOf(word) : -1;
      let x = null;
      if (at >= 0) {
        const r = document.createRange();
        r.setStart(node, at);
        r.setEnd(node, at + 1);
        x = r.getBoundingClientRect().x;
      }
      return { text: e.textContent, height: e.getBoundingClientRect().height, x };
    });
  }, { src: re.source, word });
}

test('console: a line longer than the panel wraps as a terminal wraps it; lines that fit keep their columns', async (t) => {
  const pg = await t.open({ viewport: WIDE });
  const { page } = pg;
  let at = await pg.run('kubectl get nodes');
  await pg.waitForLine(/^node02\s/, { after: at });
  const lineH = await page.$eval('#console-output .line', (e) => parseFloat(getComputedStyle(e).lineHeight));
  const header = await measureLines(page, /^NAME\s+STATUS/, 'STATUS');
  const rows = await measureLines(page, /^(controlplane|node0[12])\s/, 'Ready');
  assertEqual(rows.length, 3, 'three node rows');
  for (const r of [...header, ...rows]) {
    assert(r.height < lineH * 1.5, `a line that fits stays on one row (${r.height}px): ${r.text}`);
    assert(Math.abs(r.x - header[0].x) < 0.5, `STATUS column aligned: ${r.x} vs ${header[0].x} in ${r.text}`);
  }
  at = await pg.run('kubectl get pods -A -o wide');
  const wide = await pg.waitForLine(/^kube-system\s+etcd-controlplane\s/, { after: at });
  const [etcd] = await measureLines(page, /^kube-system\s+etcd-controlplane\s/, 'etcd');
  assert(wide.length > 100, 'the -o wide row is long');
  assert(etcd.height > lineH * 1.5, `the long row wraps onto several rows (${etcd.height}px, line ${lineH}px)`);
  const overflow = await page.$eval('#console-output', (e) => e.scrollWidth - e.clientWidth);
  assert(overflow <= 1, `nothing is cut or scrolls sideways in the console (${overflow}px)`);
});
