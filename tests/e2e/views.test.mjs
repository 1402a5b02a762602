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
      // No Service yet: the suggested commands, each on a line of its own, never
      // broken inside a word (after a flag's `--`).
      const suggested = await page.$$eval('.traffic-empty code.command', (els) => els.map((e) => ({
        text: e.textContent,
        broken: [...e.querySelectorAll('.word')].filter((w) => w.getClientRects().length > 1).map((w) => w.textContent),
      })));
      assertEqual(suggested.map((c) => c.text).join(' / '), 'kubectl create deployment web --image=traefik/whoami --replicas=3 / kubectl expose deployment web --port 80', 'the example commands');
      assertEqual(suggested.flatMap((c) => c.broken).join(' '), '', 'no word of them is broken across lines');
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

// ---- Physical and logical views: components, activity, owners, large clusters ----

const phys = 'svg#physical-view';

/** Runs commands one after the other, each waiting for its `created`/`updated` line. */
async function runAll(pg, commands) {
  for (const cmd of commands) {
    const at = await pg.run(cmd);
    await pg.waitForLine(/created|updated|exposed/, { after: at });
  }
}

/** Waits until `n` pods whose name starts with `prefix` are drawn Running (on `node`, if given). */
function waitRunning(page, prefix, n, node = null, timeout = 30_000) {
  return page.waitForFunction(({ prefix, n, node }) => {
    const scope = node ? `svg#physical-view g.node[data-node="${node}"]` : 'svg#physical-view';
    return [...document.querySelectorAll(`${scope} g.pod[data-pod^="${prefix}"]`)].filter((p) => p.getAttribute('data-status') === 'Running').length === n;
  }, { prefix, n, node }, { timeout });
}

/** The node a pod is drawn in. */
const nodeOf = (page, pod) =>
  page.$eval(`${phys} g.node g.pod[data-pod="${pod}"]`, (el) => el.closest('g.node').getAttribute('data-node'));

/** Waits for a flow burst (after `afterSeq`) holding a hop from → to; returns its seq. */
async function waitForHop(page, from, to, afterSeq = 0, timeout = 20_000) {
  const h = await page.waitForFunction(({ from, to, afterSeq }) => {
    const g = document.querySelector('svg#physical-view g.flow');
    if (!g || Number(g.getAttribute('data-seq')) <= afterSeq) return false;
    return g.querySelector(`g.hop[data-from="${from}"][data-to="${to}"]`) ? Number(g.getAttribute('data-seq')) : false;
  }, { from, to, afterSeq }, { timeout });
  return h.jsonValue();
}

test('physical: control-plane components and node agents; kubectl run animates kubectl → API server → etcd → scheduler → kubelet → runtime', async (t) => {
  const pg = await t.open();
  const { page } = pg;
  const cp = `${phys} g.node[data-node="controlplane"]`;
  for (const c of ['kubectl', 'apiserver', 'etcd', 'scheduler', 'controller-manager', 'kubelet@controlplane', 'runtime@controlplane']) {
    assertEqual(await page.locator(`${cp} g.component[data-component="${c}"]`).count(), 1, `control plane shows ${c}`);
  }
  for (const n of ['node01', 'node02']) {
    const ids = await page.locator(`${phys} g.node[data-node="${n}"] g.component`).evaluateAll((els) => els.map((e) => e.getAttribute('data-component')));
    assertEqual(ids.join(' '), `kubelet@${n} kube-proxy@${n} runtime@${n}`, `${n}'s agents`);
  }
  // Capacity bars read the system pods' requests (kubeadm: 1200m of 2 CPUs on the control plane).
  assertEqual(await page.locator(`${cp} g.capacity.cpu`).getAttribute('aria-label'), 'CPU requests 1200m of 2 allocatable (60%)', 'control-plane CPU bar');

  await page.locator('#time-pause').click();
  const at = await pg.run('kubectl run web --image nginx');
  await pg.waitForLine('pod/web created', { after: at });
  const seq = await waitForHop(page, 'kubectl', 'apiserver');
  const flow = `${phys} g.flow[data-seq="${seq}"]`;
  const hops = await page.locator(`${flow} g.hop`).evaluateAll((els) => els.map((e) => `${e.getAttribute('data-from')}>${e.getAttribute('data-to')}`));
  const node = await nodeOf(page, 'web');
  assertEqual(hops.join(' '), `kubectl>apiserver apiserver>etcd apiserver>scheduler scheduler>apiserver apiserver>kubelet@${node}`, 'the command\'s path, from the store write and the binding');
  assertEqual(await page.locator(`${flow} g.hop[data-from="scheduler"]`).getAttribute('data-label'), `bind pod/web → ${node}`, 'the scheduler\'s binding');
  const caption = await page.locator('.flow-caption').textContent();
  assert(caption.startsWith('kubectl → kube-apiserver: create pod/web'), `caption in words: ${caption}`);
  // The lines pass behind the cards, not through their names: the flow is masked
  // out over every pod chip and component box.
  const cover = await page.evaluate(() => {
    const svg = document.querySelector('svg#physical-view');
    const box = (x, y, w, h) => [x, y, w, h].map((v) => Number(v).toFixed(1)).join(',');
    const cards = new Set([...svg.querySelectorAll('mask#flow-mask rect.card')].map((r) => box(...['x', 'y', 'width', 'height'].map((a) => r.getAttribute(a)))));
    const pods = [...svg.querySelectorAll('g.pod')].map((g) => {
      const [, x, y] = /translate\(([-\d.]+),([-\d.]+)\)/.exec(g.getAttribute('transform'));
      const bg = g.querySelector('rect.pod-bg');
      return { name: g.getAttribute('data-pod'), box: box(x, y, bg.getAttribute('width'), bg.getAttribute('height')) };
    });
    const components = [...svg.querySelectorAll('g.component > rect')].map((r) => ({
      name: r.parentElement.getAttribute('data-component'),
      box: box(...['x', 'y', 'width', 'height'].map((a) => r.getAttribute(a))),
    }));
    // The nodes' names too: each lies inside a hidden box.
    const boxes = [...cards].map((c) => c.split(',').map(Number));
    const names = [...svg.querySelectorAll('g.node text.node-name')].filter((t) => {
      const b = t.getBBox();
      return !boxes.some(([x, y, w, h]) => b.x >= x - 1 && b.y >= y - 1 && b.x + b.width <= x + w + 1 && b.y + b.height <= y + h + 1);
    }).map((t) => `node ${t.textContent}`);
    return { mask: svg.querySelector('g.flow').getAttribute('mask'), bare: [...pods, ...components].filter((c) => !cards.has(c.box)).map((c) => c.name).concat(names), pods: pods.length };
  });
  assertEqual(cover.mask, 'url(#flow-mask)', 'the flow is drawn through its mask');
  assert(cover.pods > 10 && cover.bare.length === 0, `every card hides the lines (${cover.pods} pods); not covered: ${cover.bare.join(', ')}`);
  await pg.screenshot('physical-wide-light-flow.png');
  // The kubelet's part comes when the clock reaches it: the runtime pulls and starts.
  await page.locator('#time-pause').click();
  await waitForHop(page, `kubelet@${node}`, `runtime@${node}`, seq);
  await pg.waitForPodStatus('web', 'Running');
  // A read writes nothing: no new burst.
  const last = Number(await page.locator(`${phys} g.flow`).getAttribute('data-seq'));
  await page.locator('#time-pause').click();
  const at2 = await pg.run('kubectl get pods');
  await pg.waitForLine(/^web\s/, { after: at2 });
  assertEqual(Number(await page.locator(`${phys} g.flow`).getAttribute('data-seq')), last, 'kubectl get draws no write');
});

test('physical: restarts and IP on hover, pods of one owner framed together', async (t) => {
  const pg = await t.open();
  const { page } = pg;
  const at = await pg.run('kubectl create deployment web --image nginx --replicas 4');
  await pg.waitForLine('deployment.apps/web created', { after: at });
  await page.locator('button.speed[data-speed="20"]').click();
  await waitRunning(page, 'web-', 4);
  const title = await page.locator(`${phys} g.pod[data-pod^="web-"] title`).first().textContent();
  assert(/RESTARTS 0/.test(title) && /IP 10\.244\.\d+\.\d+/.test(title), `hover text has restarts and IP: ${title}`);
  const frames = await page.locator(`${phys} g.owner-frame[data-owner^="web-"]`).count();
  assert(frames >= 1, 'web\'s pods sharing a node are framed together');
});

test('physical and logical: a running pod whose readiness probe fails is drawn as not ready, apart from starting', async (t) => {
  const pg = await t.open();
  const { page } = pg;
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'unready' }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', readinessProbe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 2 } }] } };
  const at = await pg.run(`echo '${JSON.stringify(pod)}' | kubectl apply -f -`);
  await pg.waitForLine('pod/unready created', { after: at });
  await page.locator('button.speed[data-speed="20"]').click();
  const chip = page.locator(`${phys} g.pod[data-pod="unready"]`);
  await page.waitForFunction((sel) => document.querySelector(sel)?.classList.contains('not-ready'), `${phys} g.pod[data-pod="unready"]`, { timeout: 30_000 });
  assertEqual(await chip.getAttribute('data-status'), 'Running', 'the pod runs');
  const cls = await chip.getAttribute('class');
  assert(!cls.includes('starting') && !cls.includes(' ready'), `drawn neither starting nor ready: ${cls}`);
  assert((await chip.locator('text.pod-status').textContent()).includes('0/1'), 'its status line says 0/1');
  assert((await page.locator('.legend li.not-ready').count()) === 1, 'the legend names the colour');
  await page.locator('#tab-logical').click();
  await page.locator('#logical-view .pod-pill.not-ready').first().waitFor({ timeout: 10_000 });
});

/** Pods drawn under a ReplicaSet in the logical view, by status. */
function rsPods(page, rs) {
  return page.$$eval(`#logical-view .owner[data-kind="ReplicaSet"][data-name="${rs}"] .pod-pill`, (els) => els.map((e) => e.getAttribute('data-status')));
}

test('logical: a rolling update moves pods from the old ReplicaSet to the new one', async (t) => {
  const pg = await t.open();
  const { page } = pg;
  let at = await pg.run('kubectl create deployment web --image nginx:1.25 --replicas 3');
  await pg.waitForLine('deployment.apps/web created', { after: at });
  await page.locator('#tab-logical').click();
  const dep = page.locator('#logical-view .owner[data-kind="Deployment"][data-name="web"]');
  await dep.waitFor();
  const oldRs = await dep.locator('.owner[data-kind="ReplicaSet"]').getAttribute('data-name');
  await page.locator('button.speed[data-speed="20"]').click();
  await page.waitForFunction((rs) => [...document.querySelectorAll(`#logical-view .owner[data-name="${rs}"] .pod-pill`)].filter((p) => p.getAttribute('data-status') === 'Running').length === 3, oldRs, { timeout: 30_000 });
  await page.locator('button.speed[data-speed="1"]').click();
  at = await pg.run('kubectl set image deployment/web nginx=nginx:1.26');
  await pg.waitForLine('deployment.apps/web image updated', { after: at });
  const newRs = await page.waitForFunction((old) => {
    const rs = [...document.querySelectorAll('#logical-view .owner[data-kind="Deployment"][data-name="web"] .owner[data-kind="ReplicaSet"]')].find((e) => e.getAttribute('data-name') !== old);
    return rs ? rs.getAttribute('data-name') : false;
  }, oldRs).then((h) => h.jsonValue());
  const newBox = page.locator(`#logical-view .owner[data-kind="ReplicaSet"][data-name="${newRs}"]`);
  assertEqual(await newBox.getAttribute('data-revision'), '2', 'the new ReplicaSet is revision 2');
  assert((await newBox.locator('.object-head').textContent()).includes('nginx:1.26'), 'with the new image');
  // Watch the pods move: both sets hold pods at some moment, then the old one none.
  const seen = [];
  for (let i = 0; i < 200; i++) {
    const [o, n] = [await rsPods(page, oldRs), await rsPods(page, newRs)];
    seen.push(`${o.length}/${n.length}`);
    if (o.length === 0 && n.filter((s) => s === 'Running').length === 3) break;
    if (i === 10) await page.locator('button.speed[data-speed="5"]').click();
    await page.waitForTimeout(150);
  }
  assert(seen.some((s) => { const [o, n] = s.split('/').map(Number); return o > 0 && n > 0; }), `pods under both ReplicaSets at some moment: ${seen.join(' ')}`);
  assertEqual((await rsPods(page, oldRs)).length, 0, `old ReplicaSet emptied (${seen.join(' ')})`);
  assertEqual((await rsPods(page, newRs)).filter((s) => s === 'Running').length, 3, 'three Running pods under the new ReplicaSet');
  assert((await page.locator(`#logical-view .owner[data-name="${oldRs}"]`).getAttribute('class')).includes('idle'), 'the old ReplicaSet, scaled to 0, steps back');
});

test('logical: Ingress → Service → Endpoints → pods, and ConfigMap/Secret links from their users', async (t) => {
  const pg = await t.open();
  const { page } = pg;
  await runAll(pg, [
    'kubectl create configmap site --from-literal=color=blue',
    'kubectl create secret generic creds --from-literal=pw=x',
    'kubectl create deployment web --image nginx --replicas 2',
    'kubectl set env deployment/web --from=configmap/site',
    'kubectl expose deployment web --port 80',
    'kubectl create ingress web --rule=web.example.com/*=web:80',

  ]);
  await page.locator('#tab-logical').click();
  const def = page.locator('#logical-view .ns-region[data-namespace="default"]');
  const route = def.locator('.ingress[data-ingress="web"] .route[data-service="web"]');
  await route.waitFor();
  assertEqual((await route.textContent()).replace(/\s+/g, ' '), 'web.example.com/ → service/web:80', 'the ingress rule to its service');
  const svc = def.locator('.service[data-service="web"]');
  assert((await svc.locator('.selector').textContent()).includes('app=web'), 'service selector labels');
  await page.locator('button.speed[data-speed="20"]').click();
  await page.waitForFunction(() => document.querySelectorAll('#logical-view .service[data-service="web"] .pod-pill').length === 2 && /10\.244\./.test(document.querySelector('#logical-view .service[data-service="web"] .endpoints')?.textContent ?? ''), null, { timeout: 30_000 });
  const site = def.locator('.config[data-kind="ConfigMap"][data-name="site"]');
  assertEqual(await site.locator('.used-by .object-link').getAttribute('data-name'), 'web', 'configmap site used by deployment web');
  assert((await def.locator('.config[data-kind="Secret"][data-name="creds"] .used-by').textContent()).includes('not used'), 'an unused secret says so');
  await route.locator('.object-link').click();
  await page.locator('#inspector[data-kind="Service"][data-name="web"]').waitFor();
});

test('physical: a stopped node goes NotReady and its pods are re-created on the other worker after the eviction timeout', async (t) => {
  const pg = await t.open();
  const { page } = pg;
  const at = await pg.run('kubectl create deployment web --image nginx --replicas 4');
  await pg.waitForLine('deployment.apps/web created', { after: at });
  await page.locator('button.speed[data-speed="20"]').click();
  const running = (node) => page.$$eval(`svg#physical-view g.node[data-node="${node}"] g.pod[data-pod^="web-"]`, (els) => els.filter((e) => e.getAttribute('data-status') === 'Running').map((e) => e.getAttribute('data-pod')));
  await waitRunning(page, 'web-', 4);
  const onNode01 = await running('node01');
  assert(onNode01.length > 0, 'some web pods on node01 before the stop');
  const stop = await pg.run('kubeplay node stop node01');
  await pg.waitForLine('kubeplay: kubelet on node01 stopped', { after: stop });
  await page.locator('button.speed[data-speed="60"]').click();
  await page.locator(`${phys} g.node[data-node="node01"] g.badge.bad[data-badge="NotReady"]`).waitFor({ timeout: 20_000 });
  await pg.screenshot('physical-wide-light-node01-notready.png');
  // 300 s of not-ready toleration, then the taint manager evicts: 5 s at 60x.
  await waitRunning(page, 'web-', 4, 'node02', 40_000);
  const gone = await page.$$eval(`${phys} g.node[data-node="node01"] g.pod[data-pod^="web-"]`, (els) => els.map((e) => `${e.getAttribute('data-pod')}=${e.getAttribute('data-status')}`));
  assert(gone.length === onNode01.length && gone.every((s) => s.endsWith('=Terminating')), `node01's pods are Terminating (the kubelet cannot confirm): ${gone.join(', ')}`);
  await page.locator('#time-pause').click();
  // Chips glide to their new node (CSS transitions): shoot once they have arrived.
  // (Bounded: a paused clock may hold an animation, which must not hang the test.)
  await page.evaluate(() => Promise.race([
    Promise.all(document.getAnimations().filter((a) => a.effect?.getComputedTiming().endTime !== Infinity).map((a) => a.finished.catch(() => {}))),
    new Promise((resolve) => setTimeout(resolve, 2000)),
  ]));
  await pg.screenshot('physical-wide-light-pods-moved.png');
});

test('aggregation: above 300 pods both views count per node and owner, and stay responsive', async (t) => {
  const pg = await t.open();
  const { page } = pg;
  const at = await pg.run('kubectl create deployment big --image nginx --replicas 350');
  await pg.waitForLine('deployment.apps/big created', { after: at });
  await page.locator(`${phys}.aggregated`).waitFor();
  assertEqual(await page.locator(`${phys} g.pod`).count(), 0, 'no chip per pod');
  const counted = await page.$$eval(`${phys} g.pod-group[data-owner^="big-"]`, (els) => els.reduce((a, e) => a + Number(e.getAttribute('data-count')), 0));
  assertEqual(counted, 350, 'every pod of big counted once, on its node or pending');
  assert((await page.locator('.view-note').textContent()).includes('300'), 'the note says why');
  // Responsive: a command's round trip with 350 pods drawn.
  const t0 = Date.now();
  const at2 = await pg.run('kubectl get deploy big');
  await pg.waitForLine(/^big\s/, { after: at2 });
  assert(Date.now() - t0 < 3000, `a command answers quickly with 350 pods (${Date.now() - t0} ms)`);
  await page.locator('#tab-logical').click();
  const counts = page.locator('#logical-view .owner[data-kind="ReplicaSet"] .pod-pills.counts');
  await counts.first().waitFor();
  assertEqual(await counts.first().getAttribute('data-count'), '350', 'the ReplicaSet counts its 350 pods');
  assertEqual(await page.locator('#logical-view .owner[data-kind="ReplicaSet"] .pod-pill').count(), 0, 'no pill per pod');
  assert((await page.locator('#logical-view .view-note').textContent()).includes('300'), 'the logical view says why too');
  await pg.screenshot('logical-wide-light-aggregated.png');
  await page.locator('#tab-physical').click();
  await pg.screenshot('physical-wide-light-aggregated.png');
});

// While a big cluster catches up (the model works in slices between frames), a
// typed line is echoed at once and its output follows when it runs; the event
// panel shows the newest 200 of thousands of events and says so.
test('catching up: a typed line echoes at once, its output follows', async (t) => {
  const pg = await t.open();
  const { page } = pg;
  await page.locator('#time-pause').click();
  const at = await pg.run('kubectl create deployment bench --image nginx --replicas 3000');
  await pg.waitForLine('deployment.apps/bench created', { after: at, timeout: 60_000 });
  await page.locator('button.speed[data-speed="60"]').click();
  await page.locator('#time-pause').click();
  const command = 'kubectl get deploy bench';
  await pg.input.click();
  await pg.input.fill(command);
  // Enter is pressed in the same task that sees the model catching up, and the
  // page is asked, at the moment the echo appears, what else it shows then.
  const seen = await page.evaluate((command) => new Promise((resolve, reject) => {
    const echo = `controlplane:~$ ${command}`;
    const main = document.querySelector('main#playground');
    const output = document.querySelector('#console-output');
    const observer = new MutationObserver(() => {
      const lines = [...output.querySelectorAll('.line')];
      const i = lines.findIndex((l) => l.textContent === echo);
      if (i < 0) return;
      observer.disconnect();
      resolve({
        catchingUp: main.getAttribute('data-catching-up'),
        after: lines.slice(i + 1).map((l) => l.textContent),
        busy: document.querySelector('#console-input').getAttribute('aria-busy'),
      });
    });
    observer.observe(output, { childList: true, subtree: true, characterData: true });
    const deadline = performance.now() + 60_000;
    const press = () => {
      if (main.getAttribute('data-catching-up') === 'true') {
        document.querySelector('#console-input').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
      } else if (performance.now() > deadline) {
        reject(new Error('the model never caught up in slices'));
      } else {
        requestAnimationFrame(press);
      }
    };
    press();
  }), command);
  assertEqual(seen.catchingUp, 'true', 'the echo appeared while the model was catching up');
  assertEqual(seen.after.length, 0, `nothing printed after the echo yet: ${seen.after.join(' | ')}`);
  assertEqual(seen.busy, 'true', 'the prompt waits for the command');
  await pg.waitForLine(/^bench\s+\d+\/3000\s/, { timeout: 120_000 });
  const lines = (await pg.lines()).map((l) => l.text);
  const echoes = lines.flatMap((l, i) => (l === `controlplane:~$ ${command}` ? [i] : []));
  assertEqual(echoes.length, 1, 'echoed once, not again when it ran');
  assert(/^NAME\s+READY/.test(lines[echoes[0] + 1]), `the output follows its echo: ${lines.slice(echoes[0], echoes[0] + 3).join(' | ')}`);
  await page.locator('#time-pause').click();
  const rows = await page.locator('#events-panel li.event').count();
  assertEqual(rows, 200, 'the event panel draws the newest 200 events');
  const note = await page.locator('#events-panel .panel-head .muted').textContent();
  const total = Number(/of (\d+)/.exec(note)?.[1]);
  assert(note.startsWith('newest 200 of') && total > 3000, `the panel says how many it left out: ${note}`);
  await page.locator('#events-filter').fill('deployment/bench');
  await page.waitForFunction(() => document.querySelectorAll('#events-panel li.event').length < 200);
  const objects = await page.$$eval('#events-panel li.event', (els) => els.map((e) => e.getAttribute('data-object')));
  assert(objects.length > 0 && objects.every((o) => o === 'deployment/bench'), `the filter picks the Deployment's events: ${objects.join(', ')}`);
}, { timeout: 240_000 });

// Screenshots of the physical and logical views with a workload of each kind the
// views link (Deployment with its ReplicaSet, Service, Ingress, ConfigMap, a
// failing pod), light and dark, wide and narrow, for people to look at.
for (const [layout, viewport] of [['wide', WIDE], ['narrow', NARROW]]) {
  for (const colorScheme of ['light', 'dark']) {
    test(`screenshots: physical and logical ${layout} ${colorScheme}`, async (t) => {
      const pg = await t.open({ viewport, colorScheme });
      const { page } = pg;
      await runAll(pg, [
        'kubectl create configmap site --from-literal=color=blue',
        'kubectl create deployment web --image subicura/whoami:1 --replicas 3',
        'kubectl set env deployment/web --from=configmap/site',
        'kubectl expose deployment web --port 80',
        'kubectl create ingress web --rule=web.example.com/*=web:80',
        'kubectl run broken --image nginx:nope',

      ]);
      await page.locator('button.speed[data-speed="20"]').click();
      await waitRunning(page, 'web-', 3);
      await page.locator('#time-pause').click();
      await page.waitForTimeout(400);
      const bad = await page.$$eval('svg#physical-view text', (els) => {
        const boxes = els.map((e) => ({ t: e.textContent, r: e.getBoundingClientRect() })).filter((b) => b.r.width > 0);
        const out = [];
        for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i].r, b = boxes[j].r;
          if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) out.push(`${boxes[i].t} / ${boxes[j].t}`);
        }
        return out;
      });
      assert(bad.length === 0, `texts overlap in the physical view: ${bad.join('; ')}`);
      await pg.screenshot(`physical-${layout}-${colorScheme}.png`);
      await page.locator('#tab-logical').click();
      await page.locator('#logical-view .ingress[data-ingress="web"]').waitFor();
      await page.waitForTimeout(500);
      await pg.screenshot(`logical-${layout}-${colorScheme}.png`);
    });
  }
}
