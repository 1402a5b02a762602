// The traffic view: requests sent from the page travel the path the request
// model recorded, spread over a Deployment's pods (per-pod counters), failures
// show their reason, and the fault buttons type their kubeplay commands.
import { test, assert, assertEqual, WIDE, NARROW } from './harness.mjs';

/** Three whoami pods behind a Service `web`, all Running, on the traffic tab. */
async function threeWhoamis(pg) {
  let at = await pg.run('kubectl create deployment web --image=traefik/whoami --replicas=3');
  await pg.waitForLine('deployment.apps/web created', { after: at });
  at = await pg.run('kubectl expose deployment web --port 80');
  await pg.waitForLine('service/web exposed', { after: at });
  await pg.page.waitForFunction(() => {
    const pods = [...document.querySelectorAll('svg#physical-view g.pod')].filter((p) => p.getAttribute('data-pod').startsWith('web-'));
    return pods.length === 3 && pods.every((p) => p.getAttribute('data-status') === 'Running');
  }, null, { timeout: 30_000 });
  await pg.page.locator('#tab-traffic').click();
  await pg.page.locator('#traffic-svg g.station.pod').first().waitFor();
}

/** Creates a Service that selects no pod and sends it one request from the page. */
async function sendToNobody(pg) {
  const at = await pg.run('kubectl create service clusterip nobody --tcp 80:80');
  await pg.waitForLine('service/nobody created', { after: at });
  const nobody = await pg.page.locator('#traffic-target option', { hasText: 'ClusterIP · nobody' }).getAttribute('value');
  await pg.page.locator('#traffic-target').selectOption(nobody);
  await pg.page.locator('#traffic-view button[data-action="send"]').click();
  await pg.page.locator('.traffic-failures li.failure').first().waitFor();
}

/** Served counters of the pods drawn, by name. */
async function served(page) {
  return page.$$eval('#traffic-svg g.station.pod', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-pod'), Number(e.getAttribute('data-served'))])));
}

async function waitForServedTotal(page, n) {
  await page.waitForFunction((n) => {
    const els = [...document.querySelectorAll('#traffic-svg g.station.pod')];
    return els.reduce((a, e) => a + Number(e.getAttribute('data-served')), 0) === n;
  }, n, { timeout: 10_000 }).catch(async () => {
    throw new Error(`served counters never summed to ${n}: ${JSON.stringify(await served(page))}`);
  });
}

test('traffic: requests spread over three whoami pods, each echoed as curl, drawn along their path', async (t) => {
  const pg = await t.open();
  const { page } = pg;
  await threeWhoamis(pg);
  const pods = await served(page);
  assertEqual(Object.keys(pods).length, 3, 'the three pods behind web are drawn before any request');
  assertEqual(Object.values(pods).reduce((a, b) => a + b, 0), 0, 'nothing served yet');

  // The target list offers the Service by ClusterIP; the default client is the
  // console's node, so one request is typed as plain curl.
  const target = await page.locator('#traffic-target option:checked').textContent();
  assert(/^ClusterIP · web · http:\/\/10\.\d+\.\d+\.\d+\/$/.test(target), `ClusterIP target chosen first: ${target}`);
  const url = target.split(' · ')[2];
  const send = page.locator('#traffic-view button[data-action="send"]');
  const N = 12;
  for (let i = 0; i < N; i++) {
    await send.click();
    await page.waitForFunction((i) => [...document.querySelectorAll('#console-output .line.prompt')].filter((l) => l.textContent.includes('curl ')).length > i, i);
  }
  const echoed = (await pg.lines()).filter((l) => l.cls.includes('prompt')).map((l) => l.text).filter((x) => x.includes('curl '));
  assertEqual(echoed[0], `controlplane:~$ curl ${url}`, 'the button types the console command');
  assertEqual(echoed.length, N, `${N} requests typed`);
  await waitForServedTotal(page, N);
  const after = await served(page);
  const reached = Object.values(after).filter((n) => n > 0).length;
  assert(reached >= 2, `kube-proxy's random choice reached ${reached} pod(s): ${JSON.stringify(after)}`);

  // Each request is a dot animated along client → Service → pod.
  const dots = page.locator('#traffic-svg g.request.ok');
  assert((await dots.count()) >= 1, 'requests are drawn');
  const anim = await page.locator('#traffic-svg g.request.ok circle.req-dot').last().evaluate((c) => getComputedStyle(c).animationName);
  assert(anim.startsWith('req-'), `the dot has its own path animation: ${anim}`);
  const answered = await dots.last().getAttribute('data-pod');
  assert(Object.keys(after).includes(answered), `the dot ends at a drawn pod (${answered})`);
  for (const station of ['client:node/controlplane', 'svc:default/web']) {
    await page.locator(`#traffic-svg g.station[data-station="${station}"]`).waitFor({ state: 'attached' });
  }

  // A steady stream: 5 per simulated second, listed with its command, stopped again.
  await page.locator('#traffic-view button[data-action="rate"]').nth(1).click();
  await pg.waitForLine(/^kubeplay: stream 1: 5 request\(s\)\/s from node\/controlplane to /);
  await page.locator('.traffic-streams li[data-stream="1"]').waitFor();
  await page.waitForFunction((n) => {
    const els = [...document.querySelectorAll('#traffic-svg g.station.pod')];
    return els.reduce((a, e) => a + Number(e.getAttribute('data-served')), 0) >= n + 5;
  }, N, { timeout: 10_000 });
  await page.locator('#traffic-view button[data-action="stop-all"]').click();
  await pg.waitForLine('kubeplay: stopped 1 stream(s) of requests');
  await page.locator('.traffic-streams').waitFor({ state: 'detached' });
});

test('traffic: failures show their reason; fault buttons type kubeplay commands', async (t) => {
  const pg = await t.open();
  const { page } = pg;
  await threeWhoamis(pg);

  // A Service whose selector matches nothing: kube-proxy rejects the connection.
  await sendToNobody(pg);
  const failure = page.locator('.traffic-failures li.failure').first();
  assertEqual(await failure.getAttribute('data-outcome'), 'NoEndpoints', 'no endpoints');
  assertEqual(await failure.locator('.failure-reason').textContent(), 'No ready endpoints behind the Service', 'reason shown');
  assert((await failure.locator('.failure-detail').textContent()).startsWith('curl: (7) Failed to connect to 10.'), 'curl error shown');
  await page.locator('#traffic-svg g.station.failed-here[data-station="svc:default/nobody"]').waitFor({ state: 'attached' });
  await page.locator('#traffic-svg g.request.failed').first().waitFor({ state: 'attached' });

  // The Service's DNS name from outside the cluster: a DNS failure.
  const dns = await page.locator('#traffic-target option', { hasText: 'DNS name · web' }).getAttribute('value');
  await page.locator('#traffic-target').selectOption(dns);
  await page.locator('#traffic-client').selectOption('outside');
  await page.locator('#traffic-view button[data-action="send"]').click();
  await pg.waitForLine('kubeplay traffic http://web.default.svc.cluster.local/'.replace(/^/, 'controlplane:~$ '));
  await page.locator('.traffic-failures li.failure[data-outcome="Unresolved"]').waitFor();
  assertEqual(await page.locator('.traffic-failures li.failure').first().locator('.failure-reason').textContent(),
    'DNS failure: the name does not resolve from this client', 'DNS failure reason');

  // Faults: stop node01's kubelet; the physical view shows it NotReady.
  await page.locator('#fault-node').selectOption('node01');
  await page.locator('#traffic-view button[data-action="stop-node"]').click();
  await pg.waitForLine('kubeplay: kubelet on node01 stopped');
  await page.locator('button.speed[data-speed="20"]').click();
  await page.locator('#tab-physical').click();
  await page.waitForFunction(() => document.querySelector('svg#physical-view g.node[data-node="node01"]')?.getAttribute('data-status')?.startsWith('NotReady'), null, { timeout: 15_000 });
  await page.locator('button.speed[data-speed="1"]').click();

  // Kill a container from the pod's inspector: the kubelet restarts it.
  const pod = await page.$$eval('svg#physical-view g.node[data-node="node02"] g.pod', (els) => els.map((e) => e.getAttribute('data-pod')).find((n) => n.startsWith('web-')));
  assert(pod, 'a web pod runs on node02');
  await page.locator(`svg#physical-view g.pod[data-pod="${pod}"]`).click();
  await page.locator('#inspector button[data-action="KillContainer"]').click();
  await pg.waitForLine(`kubeplay: killed container whoami of pod ${pod} (exit code 137); the kubelet restarts it by the pod's restartPolicy`);
  // whoami:latest is pulled again (imagePullPolicy Always), then runs: RESTARTS 1.
  const restarted = new RegExp(`^${pod}\\s+1/1\\s+Running\\s+1 \\(\\d+s ago\\)\\s+\\d+s$`);
  let line = '';
  for (let i = 0; i < 12 && !restarted.test(line); i++) {
    await page.waitForTimeout(1000);
    const at = await pg.run(`kubectl get pod ${pod}`);
    line = await pg.waitForLine(new RegExp(`^${pod}\\s`), { after: at });
  }
  assert(restarted.test(line), `the killed container was restarted: ${line}`);

  // Make its image unpullable: the typed command names the pod's image.
  await page.locator('#inspector button[data-action="ImageUnpullable"]').click();
  await pg.waitForLine('kubeplay: docker.io/traefik/whoami:latest can no longer be pulled; the next pull of it fails with ErrImagePull');

  // Add a worker node from the traffic view.
  await page.locator('#tab-traffic').click();
  await page.locator('#traffic-view button[data-action="add-node"]').click();
  await pg.waitForLine(/^kubeplay: node\d+ joined the cluster$/);
});

/** Selects the target whose label starts with `prefix` and the client, then sends one request. */
async function sendVia(pg, prefix, client) {
  const { page } = pg;
  const option = page.locator('#traffic-target option').filter({ hasText: new RegExp(`^${prefix}`) }).first();
  await option.waitFor({ state: 'attached', timeout: 15_000 });
  await page.locator('#traffic-target').selectOption(await option.getAttribute('value'));
  await page.locator('#traffic-client').selectOption(client);
  const before = (await page.$$('#traffic-svg g.request.ok')).length;
  await page.locator('#traffic-view button[data-action="send"]').click();
  await page.waitForFunction((n) => document.querySelectorAll('#traffic-svg g.request.ok').length > n, before, { timeout: 10_000 }).catch(async () => {
    const failures = await page.$$eval('.traffic-failures li.failure', (els) => els.map((e) => e.textContent));
    const tail = (await pg.lines()).slice(-8).map((l) => l.text).join('\n    ');
    throw new Error(`no answered request drawn after sending to ${prefix} from ${client}; failures: ${JSON.stringify(failures)}; console:\n    ${tail}`);
  });
  return (await option.textContent()).trim();
}

/** The stations the last successful request passed, as the model recorded them. */
async function lastPath(page) {
  return page.locator('#traffic-svg g.request.ok').last().getAttribute('data-path');
}

test('traffic: from outside through a LoadBalancer and an Ingress, each hop drawn', async (t) => {
  const pg = await t.open();
  const { page } = pg;
  await threeWhoamis(pg);
  let at = await pg.run('kubectl patch service web -p \'{"spec":{"type":"LoadBalancer"}}\'');
  await pg.waitForLine('service/web patched', { after: at });
  at = await pg.run('kubectl create ingress web --rule=web.example.com/*=web:80');
  await pg.waitForLine('ingress.networking.k8s.io/web created', { after: at });

  // LoadBalancer: the pool hands out an external IP; from outside the request goes
  // load balancer → a node's NodePort → kube-proxy → a pod.
  const lb = await sendVia(pg, 'LoadBalancer · web · http://', 'outside');
  const lbIp = lb.match(/http:\/\/([\d.]+)\//)[1];
  await pg.waitForLine(`controlplane:~$ kubeplay traffic http://${lbIp}/`);
  const lbPath = (await lastPath(page)).split(' ');
  assertEqual(lbPath[0], 'client:external', 'the request starts outside');
  assertEqual(lbPath[1], `lb:${lbIp}`, 'then the cloud load balancer');
  assert(/^node:node\d+$/.test(lbPath[2]), `then a node's NodePort: ${lbPath}`);
  assertEqual(lbPath[3], 'svc:default/web', 'then kube-proxy for web');
  assert(/^pod:default\/web-/.test(lbPath[4]), `answered by a web pod: ${lbPath}`);
  await page.locator(`#traffic-svg g.station[data-station="lb:${lbIp}"]`).waitFor({ state: 'attached' });

  // Ingress: the rule's host is sent as the Host header to the ingress controller
  // on a node, which proxies straight to the Service's endpoints (ingress-nginx
  // skips kube-proxy's ClusterIP).
  const ing = await sendVia(pg, 'Ingress · web · http://', 'outside');
  assert(ing.endsWith('(Host: web.example.com)'), `the rule's host is shown: ${ing}`);
  const ingPath = (await lastPath(page)).split(' ');
  assertEqual(ingPath[0], 'client:external', 'from outside');
  assert(/^node:node\d+$/.test(ingPath[1]), `the ingress controller on a node: ${ingPath}`);
  assertEqual(ingPath.length, 3, `no kube-proxy hop: ${ingPath}`);
  assert(/^pod:default\/web-/.test(ingPath[2]), `answered by a web pod: ${ingPath}`);
  await waitForServedTotal(page, 2);
});

// Screenshots for people to look at: traffic spreading over three pods with a
// failure listed, light and dark, wide and narrow.
for (const [layout, viewport] of [['wide', WIDE], ['narrow', NARROW]]) {
  for (const colorScheme of ['light', 'dark']) {
    test(`screenshots: traffic ${layout} ${colorScheme}`, async (t) => {
      const pg = await t.open({ viewport, colorScheme });
      const { page } = pg;
      await threeWhoamis(pg);
      await sendToNobody(pg);
      const web = await page.locator('#traffic-target option', { hasText: 'ClusterIP · web' }).getAttribute('value');
      await page.locator('#traffic-target').selectOption(web);
      await page.locator('#traffic-view button[data-action="rate"]').nth(1).click();
      await pg.waitForLine(/^kubeplay: stream 1: /);
      await page.waitForTimeout(2600);
      await page.locator('#time-pause').click();
      await page.waitForTimeout(300);
      await pg.screenshot(`traffic-${layout}-${colorScheme}.png`);
    });
  }
}
