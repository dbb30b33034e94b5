import assert from "node:assert/strict";
import { test } from "node:test";
import { decode, distinctSheets, StaticModel } from "../lib/static_model.js";

test("binary traits are decoded from base64 into DataViews", () => {
  const view = decode(Buffer.from([1, 2, 255]).toString("base64"));
  assert.ok(view instanceof DataView);
  assert.deepEqual([...new Uint8Array(view.buffer)], [1, 2, 255]);
  const model = new StaticModel({ a: 1 }, { _frame: Buffer.from([7]).toString("base64") });
  assert.equal(model.get("a"), 1);
  assert.equal(model.get("_frame").getUint8(0), 7);
});

test("set fires change events; off forgets callbacks; send goes nowhere", () => {
  const model = new StaticModel({ colormap: "viridis" }, {});
  const seen = [];
  const callback = () => seen.push(model.get("colormap"));
  model.on("change:colormap", callback);
  model.set("colormap", "magma");
  model.off("change:colormap", callback);
  model.set("colormap", "gray");
  model.on("change:colormap", callback);
  model.off();
  model.set("colormap", "plasma");
  model.send({ type: "view" });
  model.save_changes();
  assert.deepEqual(seen, ["magma"]);
});

test("one stylesheet per distinct css, however many widgets share it", () => {
  assert.deepEqual(distinctSheets(["a{}", "b{}", "a{}", "", null, undefined]), ["a{}", "b{}"]);
});
