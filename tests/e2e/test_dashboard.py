"""examples/dashboard.ipynb served by Voila: both widgets render without code, respond to a
visitor, and nothing a hostile visitor sends to the kernel runs code or reads files.

The hostile visitor talks to the kernel the way any visitor can: a WebSocket of its own to
``api/kernels/<kernelId>/channels`` (the id is in the page), the legacy JSON protocol, and
the widgets' comm ids learnt from a ``comm_info_request``. Voila lets only comm and info
messages through, so everything reaches the widgets' Python code.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Locator, Page, expect

from .notebook_ui import PIXELS_JS, assert_no_widget_errors, open_notebook, screenshot
from .servers import Server

NOTEBOOK = "examples/dashboard.ipynb"
FAULT_TEXT = "The mapped axes have different sizes"
REPLY_TIMEOUT_MS = 30_000


# JS: open a visitor's own kernel WebSocket as ``window.__visitor``. It speaks the
# v1.kernel.websocket.jupyter.org protocol the page itself uses (over the legacy JSON
# protocol, any state update with buffers sends Voila 0.5.13's ``write_message`` into a
# near-endless loop: it reads the legacy binary header as v1 offsets). It records every
# message from the kernel and sends raw content text, so payloads may hold what
# JSON.stringify cannot write (NaN).
VISITOR_JS = """
async (token) => {
  const config = JSON.parse(document.getElementById('jupyter-config-data').textContent);
  const base = new URL(config.baseUrl, location.href);
  base.protocol = base.protocol.replace('http', 'ws');
  const session = crypto.randomUUID();
  const url = `${base}api/kernels/${config.kernelId}/channels?session_id=${session}&token=${token}`;
  const ws = new WebSocket(url, 'v1.kernel.websocket.jupyter.org');
  ws.binaryType = 'arraybuffer';
  const visitor = { ws, session, seen: [], raw: [], waiters: [], errors: [] };
  const utf8 = new TextDecoder();
  const receive = (data) => {
    const view = new DataView(data);
    const count = Number(view.getBigUint64(0, true));
    const offset = (i) => Number(view.getBigUint64(8 * (i + 1), true));
    const offsets = [...Array(count).keys()].map(offset);
    const part = (i) => utf8.decode(new Uint8Array(data, offsets[i], offsets[i + 1] - offsets[i]));
    const [header, parent, metadata, content] = [1, 2, 3, 4].map(part);
    visitor.raw.push(content);
    const m = { channel: part(0), header: JSON.parse(header), parent_header: JSON.parse(parent),
      metadata: JSON.parse(metadata), content: JSON.parse(content) };
    m.msg_type = m.header.msg_type;
    visitor.seen.push(m);
    visitor.waiters = visitor.waiters.filter((w) => !w());
  };
  ws.onmessage = (event) => {
    try { receive(event.data); } catch (err) { visitor.errors.push(String(err)); }
  };
  // Send ``contentText`` (JSON text) as ``msgType`` on the shell channel; return the msg_id.
  visitor.send = (msgType, contentText) => {
    const header = { msg_id: crypto.randomUUID(), msg_type: msgType, username: 'visitor',
      session, date: new Date().toISOString(), version: '5.3' };
    const parts = ['shell', JSON.stringify(header), '{}', '{}', contentText]
      .map((text) => new TextEncoder().encode(text));
    const offsets = [8 * (parts.length + 2)];
    for (const p of parts) offsets.push(offsets[offsets.length - 1] + p.length);
    const head = new DataView(new ArrayBuffer(8 * (offsets.length + 1)));
    head.setBigUint64(0, BigInt(offsets.length), true);
    offsets.forEach((o, i) => head.setBigUint64(8 * (i + 1), BigInt(o), true));
    ws.send(new Blob([head.buffer, ...parts]));
    return header.msg_id;
  };
  window.__visitor = visitor;
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
  return config.kernelId;
}
"""

# JS: send one message and wait for the first kernel message matching ``match`` (a JS
# expression over ``m``, a message from the kernel, and ``id``, the msg_id sent); return it.
SEND_AND_WAIT_JS = """
async ({ msgType, content, match, timeoutMs }) => {
  const v = window.__visitor;
  const test = new Function('m', 'id', `return (${match});`);
  const id = msgType ? v.send(msgType, content) : null;
  const found = () => v.seen.find((m) => test(m, id));
  if (!found()) {
    await new Promise((resolve, reject) => {
      v.waiters.push(() => found() && (resolve(), true));
      const seen = () => v.seen.slice(-20).map((m) => m.msg_type).join(', ') + v.errors;
      setTimeout(() => reject(new Error(`no reply matching ${match}; last seen: ${seen()}`)),
        timeoutMs);
    });
  }
  return found();
}
"""

# Comm messages (state updates, custom replies) the kernel sends while handling message ``id``.
COMM_REPLY = "m.parent_header.msg_id === id && m.msg_type === 'comm_msg'"


def send_and_wait(page: Page, msg_type: str | None, content: str, match: str = COMM_REPLY) -> dict:
    return page.evaluate(
        SEND_AND_WAIT_JS,
        {"msgType": msg_type, "content": content, "match": match, "timeoutMs": REPLY_TIMEOUT_MS},
    )


def send(page: Page, msg_type: str, content: str) -> str:
    return page.evaluate("([t, c]) => window.__visitor.send(t, c)", [msg_type, content])


def comm_msg(comm_id: str, data: str) -> str:
    return f'{{"comm_id": "{comm_id}", "data": {data}}}'


def widget_comms(page: Page) -> dict[str, str]:
    """The comm ids of the GridExplorer (``grid``) and the AxisExplorer (``axes``)."""
    reply = send_and_wait(
        page,
        "comm_info_request",
        '{"target_name": "jupyter.widget"}',
        "m.parent_header.msg_id === id && m.msg_type === 'comm_info_reply'",
    )
    for comm_id in reply["content"]["comms"]:
        send(page, "comm_msg", comm_msg(comm_id, '{"method": "request_state"}'))
    states = (
        "m.msg_type === 'comm_msg' && m.content.data.method === 'update' && "
        "m.content.data.state.{key} !== undefined"
    )
    comms = {
        role: send_and_wait(page, None, "", states.format(key=key))["content"]["comm_id"]
        for role, key in (("grid", "_specs"), ("axes", "diagram"))
    }
    assert set(comms) == {"grid", "axes"}, comms
    return comms


@pytest.fixture
def dashboard(page: Page, voila_server: Server) -> Page:
    open_notebook(page, voila_server, NOTEBOOK)
    expect(page.locator(".vw-grid-explorer")).to_have_count(1)
    expect(page.locator(".vw-axis-explorer")).to_have_count(1)
    expect(page.locator(".vw-ge-image")).to_have_attribute("data-frame-id", "1")
    expect(page.locator(".vw-axis-explorer .vw-step")).to_have_text("call 1 of 3")
    return page


def settled_screenshot(page: Page, name: str) -> None:
    """A screenshot once the diagram's transitions (fading in a new output) have ended."""
    page.evaluate(
        "() => Promise.all(document.getAnimations()"
        ".filter((a) => a.effect.getComputedTiming().endTime !== Infinity)"
        ".map((a) => a.finished))"
    )
    screenshot(page, name)


def heatmap(page: Page) -> Locator:
    return page.locator(".vw-grid-explorer .vw-ge-image")


def move_slider(page: Page, name: str, presses: int = 3) -> None:
    """Focus slider ``name``, press ArrowRight, wait for a newer frame to be drawn."""
    image = heatmap(page)
    frame = image.get_attribute("data-frame-id")
    page.locator(".vw-grid-explorer").get_by_label(name, exact=True).focus()
    for _ in range(presses):
        page.keyboard.press("ArrowRight")
    expect(image).not_to_have_attribute("data-frame-id", frame)


def axis_radio(page: Page, kind: str, value: str, arg: int | None = None) -> Locator:
    where = f'[data-kind="{kind}"]' + ("" if arg is None else f'[data-arg="{arg}"]')
    selector = page.locator(f".vw-axis-explorer .vw-sel{where}")
    return selector.get_by_role("radio", name=value, exact=True)


def test_dashboard_renders_both_widgets_without_code(dashboard: Page) -> None:
    page = dashboard
    expect(page.get_by_role("heading", name="jax.vmap, made visible")).to_be_visible()
    code = page.locator(".jp-CodeCell .jp-InputArea, .jp-CodeMirrorEditor, .jp-InputPrompt")
    expect(code.filter(visible=True)).to_have_count(0)
    body = page.inner_text("body")
    assert "lambda" not in body and "GridExplorer(" not in body
    expect(page.locator(".vw-grid-explorer .vw-ge-status")).to_contain_text("256 × 256")
    expect(page.locator(".vw-axis-explorer .vw-code").first).to_contain_text(
        "in_axes=(1, 0), out_axes=1"
    )
    # Side by side at 1400 px: both panels start at the same height, neither overflows.
    grid_box = page.locator(".vw-grid-explorer").bounding_box()
    axis_box = page.locator(".vw-axis-explorer").bounding_box()
    assert abs(grid_box["y"] - axis_box["y"]) < 2, (grid_box, axis_box)
    assert grid_box["x"] + grid_box["width"] <= axis_box["x"] + 1, (grid_box, axis_box)
    assert axis_box["x"] + axis_box["width"] <= 1400
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1400
    settled_screenshot(page, "dashboard-voila")
    assert_no_widget_errors(page)


def test_slider_redraws_heatmap_and_selector_redraws_diagram(dashboard: Page) -> None:
    page = dashboard
    before = heatmap(page).evaluate(PIXELS_JS)
    move_slider(page, "a")
    after_a = heatmap(page).evaluate(PIXELS_JS)
    assert after_a != before
    move_slider(page, "b")
    assert heatmap(page).evaluate(PIXELS_JS) != after_a
    expect(page.locator(".vw-grid-explorer .vw-ge-status")).to_contain_text("1 compile")

    root = page.locator(".vw-axis-explorer")
    out_shape = root.locator('.vw-leaf[data-path="out"] .vw-leaf-shape')
    expect(out_shape).to_have_text("shape (1, 3)")
    axis_radio(page, "out_axes", "0").click()
    expect(out_shape).to_have_text("shape (3, 1)")
    expect(root.locator(".vw-code").first).to_contain_text("in_axes=(1, 0), out_axes=0")
    axis_radio(page, "in_axes", "1", arg=1).click()
    expect(root.locator(".vw-diagram > .vw-error")).to_contain_text(FAULT_TEXT)
    expect(root.locator(".vw-code").first).to_contain_text("in_axes=(1, 1), out_axes=0")
    axis_radio(page, "in_axes", "0", arg=1).click()
    expect(root.locator(".vw-diagram > .vw-error")).to_be_hidden()
    expect(out_shape).to_have_text("shape (3, 1)")
    settled_screenshot(page, "dashboard-voila-after")
    assert_no_widget_errors(page)


def test_hostile_visitor_cannot_run_code_or_read_files(
    dashboard: Page, voila_server: Server
) -> None:
    page = dashboard
    canary = voila_server.root / "pwned"
    assert not canary.exists()
    touch = f"__import__('pathlib').Path({str(canary)!r}).write_text('ran')"
    read = "__import__('os').system('cat /etc/passwd') or open('/etc/passwd').read()"
    code = json.dumps(f"{touch}; {read}")
    page.evaluate(VISITOR_JS, voila_server.token)
    comms = widget_comms(page)
    grid, axes = comms["grid"], comms["axes"]

    # Voila does not pass execute requests to the kernel: no reply ever comes, while a
    # kernel_info_request sent after it is answered.
    execute = send(page, "execute_request", f'{{"code": {code}, "silent": false}}')
    send_and_wait(page, "kernel_info_request", "{}", "m.msg_type === 'kernel_info_reply'")

    huge = json.dumps("x" * 1_000_000)
    grid_payloads = [
        f'{{"type": "request", "vid": "evil", "seq": 1, "params": {{"a": {code}}}}}',
        f'{{"type": "request", "vid": "evil", "seq": 2, "params": {{"a": {huge}}}}}',
        '{"type": "request", "vid": "evil", "seq": 3, "params": {"a": NaN}}',
        '{"type": "request", "vid": "evil", "seq": 4, "params": {"a": Infinity}}',
        f'{{"type": "request", "vid": "evil", "seq": 5, "x_range": {code}}}',
        f'{{"type": "request", "vid": "evil", "seq": 6, "resolution": {code}}}',
        f'{{"type": "request", "vid": "evil", "seq": 7, {code}: 1}}',
        f'{{"type": {code}, "vid": {code}, "seq": 8}}',
        f'{{"type": "request", "vid": "evil", "seq": 9, "params": {{{code}: 1}}}}',
        f'{{"type": "request", "vid": "evil", "seq": 10, "params": {{"a": 1{"0" * 400}}}}}',
        f"[{code}]",
    ]
    for payload in grid_payloads:
        send(page, "comm_msg", comm_msg(grid, f'{{"method": "custom", "content": {payload}}}'))
    for state in (
        f'{{"params": {{"a": {code}}}}}',
        f'{{"colormap": {code}}}',
        f'{{"resolution": {code}}}',
        f'{{"x_range": [{code}, {code}]}}',
        '{"error": "<img src=x onerror=\\"window.__pwned = 1\\">"}',
    ):
        send(page, "comm_msg", comm_msg(grid, f'{{"method": "update", "state": {state}}}'))

    axis_payloads = [
        f'{{"type": "set_axis", "kind": "in_axes", "level": 0, "arg": 0, "value": {code}}}',
        f'{{"type": "set_axis", "kind": {code}, "level": 0, "arg": 0, "value": 0}}',
        '{"type": "set_axis", "kind": "in_axes", "level": 0, "arg": 0, "value": NaN}',
        f'{{"type": "set_axis", "kind": "out_axes", "level": 0, "arg": null, "value": {huge}}}',
        '{"type": "set_axis", "kind": "_fun", "level": 0, "arg": null, "value": 0}',
        f"{code}",
    ]
    for payload in axis_payloads:
        send(page, "comm_msg", comm_msg(axes, f'{{"method": "custom", "content": {payload}}}'))
    for state in (f'{{"in_axes": {code}}}', f'{{"out_axes": {code}}}', f'{{"_fun": {code}}}'):
        send(page, "comm_msg", comm_msg(axes, f'{{"method": "update", "state": {state}}}'))

    # The kernel handles shell messages in order: once a valid request is answered, every
    # hostile message before it has been handled.
    status = send_and_wait(
        page,
        "comm_msg",
        comm_msg(
            grid,
            '{"method": "custom", "content": '
            '{"type": "request", "vid": "check", "seq": 1, "params": {"a": 2.5}}}',
        ),
        COMM_REPLY + " && m.content.data.state && m.content.data.state._status",
    )["content"]["data"]["state"]["_status"]
    assert status["vid"] == "check"
    assert status["error"] == ""
    applied = send_and_wait(
        page,
        "comm_msg",
        comm_msg(
            axes,
            '{"method": "custom", "content": {"type": "set_axis", "kind": "out_axes", '
            '"level": 0, "arg": null, "value": 0, "request": 4242}}',
        ),
        COMM_REPLY + " && m.content.data.method === 'custom'",
    )
    assert applied["content"]["data"]["content"]["type"] == "applied"

    assert not canary.exists(), "a message from the browser ran code in the kernel"
    seen = page.evaluate("() => window.__visitor.raw.join('\\n')")
    assert "root:x:0:0" not in seen, "a message from the browser read /etc/passwd"
    replies = page.evaluate(
        "(id) => window.__visitor.seen.filter((m) => m.parent_header.msg_id === id).length",
        execute,
    )
    assert replies == 0, "Voila passed an execute_request to the kernel"
    assert page.evaluate("() => window.__pwned") is None
    rejected = page.evaluate(
        "() => window.__visitor.seen.filter((m) => m.msg_type === 'comm_msg' && "
        "m.content.data.content && m.content.data.content.type === 'rejected').length"
    )
    assert rejected == len(axis_payloads)

    # The kernel's state is what the valid messages made it; the page still works.
    state = send_and_wait(
        page,
        "comm_msg",
        comm_msg(grid, '{"method": "request_state"}'),
        COMM_REPLY + " && m.content.data.method === 'update'",
    )["content"]["data"]["state"]
    assert state["params"] == {"a": 2.5, "b": 1.0}
    assert state["resolution"] == 256 and state["colormap"] == "viridis"
    assert state["x_range"] == [-5.0, 5.0]
    expect(heatmap(page)).to_have_attribute("data-frame-id", "2")
    before = heatmap(page).evaluate(PIXELS_JS)
    move_slider(page, "b")
    assert heatmap(page).evaluate(PIXELS_JS) != before
    expect(page.locator(".vw-grid-explorer .vw-ge-error")).to_be_empty()
    root = page.locator(".vw-axis-explorer")
    expect(root.locator('.vw-leaf[data-path="out"] .vw-leaf-shape')).to_have_text("shape (3, 1)")
    axis_radio(page, "out_axes", "1").click()
    expect(root.locator(".vw-code").first).to_contain_text("in_axes=(1, 0), out_axes=1")
    assert not canary.exists()
    settled_screenshot(page, "dashboard-voila-hostile")
    assert_no_widget_errors(page)
