"""Drive notebooks in JupyterLab, Notebook 7 and Voila from Playwright.

The Jupyter servers run with ``expose_app_in_browser`` so these helpers reach the
application object (``window.jupyterapp``) for reliable state (kernel status, commands,
cell outputs) and use the DOM for what a user sees. Every wait is event-driven
(``wait_for_function`` / ``wait_for_selector``) with a generous timeout.
"""

from __future__ import annotations

import json
import re
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook
from playwright.sync_api import ConsoleMessage, Error, Locator, Page, expect

from .servers import Server

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
KERNEL_TIMEOUT_MS = 120_000
RUN_TIMEOUT_MS = 120_000

# JS: a digest of the pixels the heatmap canvas shows now.
PIXELS_JS = """
(canvas) => {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let h = 2166136261;
  for (let k = 0; k < data.length; k += 7) h = Math.imul(h ^ data[k], 16777619) >>> 0;
  return `${canvas.width}x${canvas.height}:${h}`;
}
"""
WIDGET_ERROR_TEXTS = (
    "Error displaying widget",
    "Failed to load model class",
    "Failed to create view",
    "Could not create a view",
)
# Page errors whose stack names one of these come from widget code (ours or the widget
# frameworks it runs in); anywidget imports a widget's ``_esm`` from a ``blob:`` URL.
WIDGET_SOURCES = ("blob:", "anywidget", "jupyter-widgets", "jupyterlab_widgets", "vmapwidget")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
TOOLTIP = re.compile(r"x = (\S+), y = (\S+), f = (?:≈ )?(\S+)")

# JS: the notebook panel in focus (JupyterLab and Notebook 7 share the shell API).
PANEL_JS = """
() => {
  const app = window.jupyterapp;
  const panel = app && app.shell.currentWidget;
  return panel && panel.content && panel.sessionContext ? panel : null;
}
"""

KERNEL_IDLE_JS = f"""
(name) => {{
  const panel = ({PANEL_JS})();
  if (!panel || !panel.context.isReady || panel.context.path !== name) return false;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel || kernel.connectionStatus !== 'connected' || kernel.status !== 'idle') {{
    return false;
  }}
  const prompts = panel.content.node.querySelectorAll('.jp-InputPrompt');
  return ![...prompts].some((p) => p.textContent.includes('*'));
}}
"""

# JS: 'idle' once the notebook's kernel is idle, 'select-kernel' if Jupyter asks for one.
OPENED_JS = f"""
(name) => {{
  const headers = document.querySelectorAll('.jp-Dialog .jp-Dialog-header');
  if ([...headers].some((h) => h.textContent.includes('Select Kernel'))) return 'select-kernel';
  return ({KERNEL_IDLE_JS})(name) ? 'idle' : false;
}}
"""

RUN_ALL_JS = f"""
() => {{
  const panel = ({PANEL_JS})();
  window.__vwRunAll = {{ done: false }};
  window.jupyterapp.commands.execute('notebook:run-all-cells').then(
    (ok) => {{ window.__vwRunAll = {{ done: true, ok: ok !== false }}; }},
    (err) => {{ window.__vwRunAll = {{ done: true, ok: false, error: String(err) }}; }},
  );
  return panel.context.path;
}}
"""

EXECUTE_JS = f"""
async ({{ code, timeoutMs }}) => {{
  const panel = ({PANEL_JS})();
  const kernel = panel.sessionContext.session.kernel;
  const future = kernel.requestExecute({{ code, store_history: false, allow_stdin: false }});
  const out = [];
  let error = null;
  future.onIOPub = (msg) => {{
    const type = msg.header.msg_type;
    if (type === 'stream') out.push(msg.content.text);
    if (type === 'execute_result') out.push(msg.content.data['text/plain'] + '\\n');
    if (type === 'error') {{
      const {{ ename, evalue, traceback }} = msg.content;
      error = traceback.join('\\n') || `${{ename}}: ${{evalue}}`;
    }}
  }};
  const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), timeoutMs));
  const finished = await Promise.race([future.done.then(() => 'done'), timeout]);
  return {{ text: out.join(''), error, finished }};
}}
"""

OUTPUTS_JS = f"""
() => {{
  const panel = ({PANEL_JS})();
  return panel.content.widgets
    .filter((cell) => cell.model.type === 'code')
    .map((cell) => [...cell.outputArea.node.querySelectorAll('.jp-OutputArea-output')]
      .map((output) => output.innerText).join('\\n'));
}}
"""


@dataclass
class BrowserLog:
    """Console messages and uncaught page errors seen by one page."""

    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        self.console.append(f"[{message.type}] {message.text}")

    def on_page_error(self, error: Error) -> None:
        self.page_errors.append(f"{error.name}: {error.message}\n{error.stack or ''}")

    errors_since: int = 0
    """Where the page errors of the current test start (a page shared by tests)."""

    def start_test(self, name: str) -> None:
        """A test starts on this (shared) page: its widget errors are those from now on."""
        self.console.append(f"[vw-test] ---- {name} starts ----")
        self.errors_since = len(self.page_errors)

    def widget_errors(self) -> list[str]:
        """The page errors raised by widget code since the current test started (Jupyter's
        own start-up noise excluded: Notebook 7.6 throws "reading 'schema'" on every page
        load)."""
        errors = self.page_errors[self.errors_since :]
        return [e for e in errors if any(src in e for src in WIDGET_SOURCES)]

    def text(self) -> str:
        errors = [f"[pageerror] {error}" for error in self.page_errors]
        return "\n".join([*self.console, *errors]) + "\n"


_LOGS: weakref.WeakKeyDictionary[Page, BrowserLog] = weakref.WeakKeyDictionary()


def watch_page(page: Page) -> BrowserLog:
    """Start recording ``page``'s console messages and page errors."""
    log = BrowserLog()
    page.on("console", log.on_console)
    page.on("pageerror", log.on_page_error)
    _LOGS[page] = log
    return log


def browser_log(page: Page) -> BrowserLog:
    """The console log of a page created by the ``page`` fixture."""
    return _LOGS.setdefault(page, BrowserLog())


def open_notebook(page: Page, server: Server, path: str | Path, name: str | None = None) -> str:
    """Copy notebook ``path`` (relative to the repo) into the server and open it.

    JupyterLab and Notebook 7: waits until the notebook is loaded and its kernel is idle.
    Voila: waits until every cell has executed and the outputs are shown.
    Returns the notebook's name in the server root.
    """
    name = server.add_file(REPO / path, name)
    # Voila executes the whole notebook before the page finishes loading.
    page.goto(server.notebook_url(name), wait_until="commit", timeout=RUN_TIMEOUT_MS)
    if server.kind == "voila":
        wait_for_voila(page)
        return name
    state = page.wait_for_function(
        OPENED_JS, arg=name, timeout=KERNEL_TIMEOUT_MS, polling=100
    ).json_value()
    if state == "select-kernel":  # the notebook names no kernel: accept the default
        page.locator(".jp-Dialog").get_by_role("button", name="Select").click()
        wait_for_idle(page, name)
    return name


# JS: put the notebook in focus back as a freshly opened one shows it before its cells run:
# scrolled to the top, the first cell active in command mode, nothing focused.
REWIND_JS = f"""
() => {{
  const panel = ({PANEL_JS})();
  const notebook = panel.content;
  notebook.mode = 'command';
  notebook.activeCellIndex = 0;
  notebook.deselectAll();
  for (const el of [notebook.node, ...notebook.node.querySelectorAll('.jp-WindowedPanel-outer')]) {{
    el.scrollTop = 0;
  }}
  if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
  window.scrollTo(0, 0);
}}
"""


def notebook_ready(page: Page, name: str, timeout: int = 30_000) -> bool:
    """Whether ``page`` still shows notebook ``name`` in focus with an idle, connected
    kernel and no dialog open (waiting up to ``timeout`` ms for the kernel to go idle)."""
    if page.is_closed() or page.locator(".jp-Dialog").count():
        return False
    try:
        page.wait_for_function(KERNEL_IDLE_JS, arg=name, timeout=timeout, polling=100)
    except Error:
        return False
    return True


def rewind_notebook(page: Page) -> None:
    """Before re-running the cells of a notebook kept open (see ``open_notebook``): the
    mouse off the widgets, the view scrolled to the top, its first cell active."""
    page.mouse.move(0, 0)
    page.evaluate(REWIND_JS)


def write_source(path: Path, source: str) -> Path:
    """Write a one-cell notebook of ``source`` (Python 3 kernel) to ``path``."""
    notebook = new_notebook(cells=[new_code_cell(source)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(notebook, path)
    return path


def run_source(page: Page, server: Server, path: Path, source: str) -> None:
    """Open a one-cell notebook of ``source`` (written to ``path``) and run it."""
    open_notebook(page, server, write_source(path, source))
    run_all_cells(page)


def wait_for_idle(page: Page, name: str | None = None, timeout: int = KERNEL_TIMEOUT_MS) -> None:
    """Wait until the notebook in focus (``name``, if given) has an idle, connected kernel
    and no cell is queued or running."""
    name = name or page.evaluate(f"() => ({PANEL_JS})().context.path")
    page.wait_for_function(KERNEL_IDLE_JS, arg=name, timeout=timeout, polling=100)


def wait_for_voila(page: Page, timeout: int = RUN_TIMEOUT_MS) -> None:
    """Wait until Voila has executed the notebook and shows its cells."""
    page.wait_for_selector("#rendered_cells", state="visible", timeout=timeout)


def run_all_cells(page: Page, timeout: int = RUN_TIMEOUT_MS, allow_errors: bool = False) -> None:
    """Run every cell of the notebook in focus (the Run → Run All Cells command) and wait
    until they have all finished and the kernel is idle.

    A cell that raises stops the run (as in the UI) and, unless ``allow_errors``, fails
    with the cell outputs in the message.
    """
    name = page.evaluate(RUN_ALL_JS)
    page.wait_for_function("() => window.__vwRunAll.done", timeout=timeout, polling=100)
    result = page.evaluate("() => window.__vwRunAll")
    if result.get("error"):
        raise AssertionError(f"Run All Cells failed: {result['error']}")
    wait_for_idle(page, name, timeout)
    if not result["ok"] and not allow_errors:
        outputs = "\n---\n".join(cell_outputs(page))
        raise AssertionError(f"a cell of {name} raised:\n{ANSI.sub('', outputs)}")


def execute_in_kernel(page: Page, code: str, timeout: int = RUN_TIMEOUT_MS) -> str:
    """Run ``code`` in the live kernel of the notebook in focus; return what it printed
    (stdout and the repr of a final expression). Raises AssertionError on a Python error.

    The code runs in the notebook's namespace without adding a cell, so tests can read
    Python-side state (``print(w.grid)``) after interacting with a widget.
    """
    result = page.evaluate(EXECUTE_JS, {"code": code, "timeoutMs": timeout})
    if result["finished"] != "done":
        raise AssertionError(f"kernel did not finish within {timeout} ms:\n{code}")
    if result["error"]:
        raise AssertionError(f"kernel error running:\n{code}\n{ANSI.sub('', result['error'])}")
    return result["text"]


def kernel_json(page: Page, expression: str) -> object:
    """The value of a JSON-able Python ``expression`` in the live kernel."""
    return json.loads(execute_in_kernel(page, f"import json; print(json.dumps({expression}))"))


def cell_outputs(page: Page) -> list[str]:
    """The visible output text of each code cell of the notebook in focus, in order."""
    return page.evaluate(OUTPUTS_JS)


def assert_no_widget_errors(page: Page) -> None:
    """No widget error message on the page and no uncaught page error from widget code."""
    body = page.inner_text("body")
    shown = [text for text in WIDGET_ERROR_TEXTS if text in body]
    assert not shown, f"widget errors on the page: {shown}"
    errors = browser_log(page).widget_errors()
    assert not errors, "uncaught page errors in widget code:\n" + "\n".join(errors)


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot to ``test-artifacts/screenshots/<name>.png``."""
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def hover_tooltip(page: Page, root: Locator, fx: float = 0.3, fy: float = 0.25) -> tuple:
    """Hover GridExplorer ``root``'s heatmap at fractions (fx, fy) of its width and height
    from the top left; the tooltip's x, y and f."""
    image = root.locator(".vw-ge-image")
    image.scroll_into_view_if_needed()
    box = image.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    tooltip = root.locator(".vw-ge-tooltip")
    expect(tooltip).to_be_visible()
    match = TOOLTIP.search(tooltip.inner_text().replace("−", "-"))
    assert match, tooltip.inner_text()
    return tuple(float(part) for part in match.groups())


def set_theme(page: Page, dark: bool) -> None:
    """Switch JupyterLab to its dark (or light) theme and wait until the page shows it. The
    theme is saved on the server: switch back before the next test."""
    theme = "JupyterLab Dark" if dark else "JupyterLab Light"
    page.evaluate(
        "(theme) => window.jupyterapp.commands.execute('apputils:change-theme', {theme})", theme
    )
    light = "false" if dark else "true"
    page.wait_for_function(f"() => document.body.dataset.jpThemeLight === '{light}'")


def save_screenshot(locator: Locator, name: str) -> None:
    """A screenshot of ``locator`` in the artifacts folder, as ``screenshots/<name>.png``."""
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(path))
