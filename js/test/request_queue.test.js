import assert from "node:assert/strict";
import { test } from "node:test";
import { isFor, LatestWins, mergeRequest, replaceRequest, viewId } from "../lib/request_queue.js";

test("mergeRequest keeps the newest value per key and merges params by name", () => {
  assert.deepEqual(mergeRequest(null, { resolution: 64 }), { resolution: 64 });
  assert.deepEqual(mergeRequest({ params: { a: 1, b: 2 }, x_range: [0, 1] }, { params: { a: 3 }, resolution: 8 }), {
    params: { a: 3, b: 2 },
    x_range: [0, 1],
    resolution: 8,
  });
});

test("at most one request in flight; newer values replace older ones; last one is sent", () => {
  const sent = [];
  const flow = new LatestWins((m) => sent.push(m));
  flow.request({ params: { a: 1 } });
  for (let a = 2; a <= 30; a++) flow.request({ params: { a } });
  assert.deepEqual(sent, [{ params: { a: 1 }, seq: 1 }]);
  assert.ok(flow.busy);
  assert.equal(flow.done(1), true);
  assert.deepEqual(sent[1], { params: { a: 30 }, seq: 2 });
  assert.equal(flow.done(2), true);
  assert.equal(sent.length, 2);
  assert.equal(flow.busy, false);
  assert.equal(flow.coalesced, 28);
});

test("replies to other requests or views do not release the request in flight", () => {
  const sent = [];
  const flow = new LatestWins((m) => sent.push(m));
  flow.request({ resolution: 8 });
  flow.request({ resolution: 16 });
  assert.equal(flow.done(null), false);
  assert.equal(flow.done(7), false);
  assert.equal(sent.length, 1);
  flow.reset();
  assert.deepEqual(sent[1], { resolution: 16, seq: 2 });
});

test("sequence numbers only grow, so no older value can be drawn after a newer one", () => {
  const sent = [];
  const flow = new LatestWins((m) => sent.push(m));
  for (let k = 0; k < 100; k++) {
    flow.request({ params: { a: k } });
    if (k % 7 === 0) flow.done(flow.inFlight);
  }
  flow.done(flow.inFlight);
  const seqs = sent.map((m) => m.seq);
  assert.deepEqual(
    seqs,
    [...seqs].sort((a, b) => a - b),
  );
  const values = sent.map((m) => m.params.a);
  assert.deepEqual(
    values,
    [...values].sort((a, b) => a - b),
  );
  assert.equal(values.at(-1), 99);
});

test("a whole-message queue replaces the queued message and numbers it in its own field", () => {
  const sent = [];
  const flow = new LatestWins((m) => sent.push(m), { merge: replaceRequest, seqKey: "request" });
  flow.request({ type: "set_axis", kind: "in_axes", value: 0 });
  flow.request({ type: "set_axis", kind: "in_axes", value: 1 });
  flow.request({ type: "set_axis", kind: "out_axes", value: 2 });
  assert.deepEqual(sent, [{ type: "set_axis", kind: "in_axes", value: 0, request: 1 }]);
  flow.done(1);
  assert.deepEqual(sent[1], { type: "set_axis", kind: "out_axes", value: 2, request: 2 });
});

test("a reply counts only for the view it names", () => {
  const a = viewId();
  const b = viewId();
  assert.notEqual(a, b);
  assert.ok(a.length > 0 && a.length <= 64, "Python accepts vids of 1 to 64 characters");
  assert.equal(isFor({ vid: a, request: 1 }, a), true);
  assert.equal(isFor({ vid: b, request: 1 }, a), false);
  assert.equal(isFor({ request: 1 }, a), false, "a reply naming no view is no view's");
  assert.equal(isFor(null, a), false);
});

test("two views number their requests alike; each releases only on its own replies", () => {
  const views = ["a", "b"].map((vid) => {
    const sent = [];
    const flow = new LatestWins((m) => sent.push({ ...m, vid }), { merge: replaceRequest, seqKey: "request" });
    return { vid, sent, flow };
  });
  for (const view of views) {
    view.flow.request({ text: `${view.vid}1` });
    view.flow.request({ text: `${view.vid}2` });
  }
  assert.deepEqual(
    views.map((v) => v.sent[0].request),
    [1, 1],
  );
  // The reply to a's request 1 reaches both views (a comm message is broadcast).
  const reply = { type: "applied", vid: "a", request: 1 };
  for (const view of views) if (isFor(reply, view.vid)) view.flow.done(reply.request);
  assert.deepEqual(views[0].sent.at(-1), { text: "a2", request: 2, vid: "a" });
  assert.equal(views[1].sent.length, 1, "b's request 1 is still in flight");
  assert.equal(views[1].flow.inFlight, 1);
});

test("a lost reply is forgotten after the timeout; nothing is sent once the signal aborts", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const sent = [];
  const lifetime = new AbortController();
  const flow = new LatestWins((m) => sent.push(m), { timeoutMs: 100, signal: lifetime.signal });
  flow.request({ resolution: 8 });
  flow.request({ resolution: 16 });
  t.mock.timers.tick(99);
  assert.equal(sent.length, 1);
  t.mock.timers.tick(1);
  assert.deepEqual(sent[1], { resolution: 16, seq: 2 });
  flow.request({ resolution: 32 });
  lifetime.abort();
  t.mock.timers.tick(1000);
  flow.request({ resolution: 64 });
  assert.equal(sent.length, 2);
});
