// The in-page editor: `kubectl edit` opens the object's YAML in it, saving a new
// replica count edits the Deployment and its pods follow; `vi FILE` saves with
// vi's `:wq`; screenshots of the editor open (light/dark, wide/narrow).
import { test, assert, assertEqual, WIDE, NARROW } from './harness.mjs';

async function waitForEditor(pg, program) {
  await pg.page.waitForSelector(`section.editor[data-program="${program}"] textarea#editor-text`, { timeout: 10_000 });
  // The focus moves into the text.
  await pg.page.waitForFunction(() => document.activeElement && document.activeElement.id === 'editor-text', null, { timeout: 5_000 });
}

async function waitForEditorClosed(pg) {
  await pg.page.waitForSelector('section.editor', { state: 'detached', timeout: 10_000 });
  // The focus goes back to the prompt.
  await pg.page.waitForFunction(() => document.activeElement && document.activeElement.id === 'console-input', null, { timeout: 5_000 });
}

test('kubectl edit: change replicas in the editor, save, see edited and the new pods', async (t) => {
  const pg = await t.open();
  let at = await pg.run('kubectl create deployment web --image=nginx');
  await pg.waitForLine('deployment.apps/web created', { after: at });
  at = await pg.run('kubectl edit deployment/web');
  await waitForEditor(pg, 'vi');
  const text = await pg.page.inputValue('#editor-text');
  assert(text.startsWith("# Please edit the object below. Lines beginning with a '#' will be ignored,\n"), `header: ${text.slice(0, 120)}`);
  assert(text.includes('  replicas: 1\n'), 'the YAML shows replicas: 1');
  // Typed as a person would: the text area is an ordinary form field.
  await pg.page.fill('#editor-text', text.replace('  replicas: 1\n', '  replicas: 3\n'));
  await pg.page.keyboard.press('Control+s');
  await waitForEditorClosed(pg);
  await pg.waitForLine('deployment.apps/web edited', { after: at });
  const pods = await pg.run('kubectl get pods -l app=web --no-headers | wc -l');
  await pg.waitForLine('3', { after: pods });
  const drawn = await pg.page.$$eval('svg#physical-view g.pod[data-pod^="web-"]', (els) => els.length);
  assert(drawn >= 3, `pods of web drawn: ${drawn}`);
});

test('kubectl edit: an invalid save reopens with the error, an unchanged save cancels', async (t) => {
  const pg = await t.open();
  let at = await pg.run('kubectl create deployment api --image=nginx');
  await pg.waitForLine('deployment.apps/api created', { after: at });
  at = await pg.run('kubectl edit deploy api');
  await waitForEditor(pg, 'vi');
  const text = await pg.page.inputValue('#editor-text');
  await pg.page.fill('#editor-text', text.replace('  replicas: 1\n', '  replicas: -1\n'));
  await pg.page.click('#editor-save');
  await pg.page.waitForFunction(() => (document.querySelector('#editor-text')?.value ?? '').includes('# * spec.replicas: Invalid value: -1'), null, { timeout: 10_000 });
  // vi's way out: Esc, then :wq on the command line (nothing changed → cancelled).
  await pg.page.focus('#editor-text');
  await pg.page.keyboard.press('Escape');
  await pg.page.waitForSelector('#editor-command', { timeout: 5_000 });
  await pg.page.keyboard.type(':wq');
  await pg.page.keyboard.press('Enter');
  await waitForEditorClosed(pg);
  await pg.waitForLine('error: Edit cancelled, no valid changes were saved.', { after: at, stderr: true });
});

test('vi notes.txt: type, :wq, cat shows it; text stays text', async (t) => {
  const pg = await t.open();
  const at = await pg.run('vi notes.txt');
  await waitForEditor(pg, 'vi');
  await pg.page.keyboard.type('<b>hello</b> from vi');
  await pg.page.keyboard.press('Escape');
  await pg.page.waitForSelector('#editor-command', { timeout: 5_000 });
  await pg.page.keyboard.type(':q');
  await pg.page.keyboard.press('Enter');
  const refused = await pg.page.textContent('.editor-status');
  assertEqual(refused, 'E37: No write since last change (add ! to override)', 'vi refuses :q with changes');
  await pg.page.fill('#editor-command', ':wq');
  await pg.page.keyboard.press('Enter');
  await waitForEditorClosed(pg);
  const cat = await pg.run('cat notes.txt');
  await pg.waitForLine('<b>hello</b> from vi', { after: cat });
  const bold = await pg.page.$$eval('#console-output b', (els) => els.length);
  assertEqual(bold, 0, 'no <b> element from the file text');
  assert(at >= 0, 'vi was echoed');
});

test('nano: Ctrl+X asks, Y saves', async (t) => {
  const pg = await t.open();
  await pg.run('nano todo.txt');
  await waitForEditor(pg, 'nano');
  await pg.page.keyboard.type('buy milk');
  await pg.page.keyboard.press('Control+x');
  await pg.page.waitForFunction(() => document.querySelector('section.editor')?.dataset.mode === 'confirmexit', null, { timeout: 5_000 });
  await pg.page.keyboard.press('y');
  await waitForEditorClosed(pg);
  const cat = await pg.run('cat todo.txt');
  await pg.waitForLine('buy milk', { after: cat });
});

for (const [layout, viewport] of [['wide', WIDE], ['narrow', NARROW]]) {
  test(`screenshots: the editor open, ${layout} light and dark`, async (t) => {
    for (const colorScheme of ['light', 'dark']) {
      const pg = await t.open({ viewport, colorScheme });
      await pg.page.emulateMedia({ colorScheme });
      const at = await pg.run('kubectl create deployment web --image=nginx');
      await pg.waitForLine('deployment.apps/web created', { after: at });
      await pg.run('kubectl edit deployment web');
      await waitForEditor(pg, 'vi');
      await pg.page.keyboard.press('Escape');
      await pg.page.waitForSelector('#editor-command', { timeout: 5_000 });
      await pg.page.keyboard.type(':%s/replicas: 1/replicas: 2/');
      await pg.screenshot(`editor-${layout}-${colorScheme}.png`);
    }
  });
}
