import { test } from "node:test";
import assert from "node:assert/strict";
import { LatestWins, mergeRequest } from "../lib/flow.js";

test("mergeRequest keeps the newest value per key and merges params by name", () => {
  assert.deepEqual(mergeRequest(null, { resolution: 64 }), { resolution: 64 });
  assert.deepEqual(
    mergeRequest({ params: { a: 1, b: 2 }, x_range: [0, 1] }, { params: { a: 3 }, resolution: 8 }),
    { params: { a: 3, b: 2 }, x_range: [0, 1], resolution: 8 },
  );
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
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
  const values = sent.map((m) => m.params.a);
  assert.deepEqual(values, [...values].sort((a, b) => a - b));
  assert.equal(values.at(-1), 99);
});
