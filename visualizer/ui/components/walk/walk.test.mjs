// The step explainer's arithmetic, on walks of the shipped LeNet-5 the app built: at each step the window the
// JavaScript reads, its products summed over every channel plus the bias, and the sentence's result must equal
// backend.steps.conv_step / pool_step for that one output value (computed on their own, in Python).
import assert from "node:assert/strict";
import { test } from "node:test";

import { payload } from "../payloads.mjs";
import { decode, fmt, kernelOf, numbersLine, products, stepAt, windowValues } from "./walk.js";

function close(actual, expected, tolerance, what) {
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

for (const name of ["walk_conv_first", "walk_conv_second"]) {
  const { payload: data, expected } = payload(name);
  const arrays = decode(data);

  test(`${name}: each step's window is the one conv_step reads`, () => {
    for (const step of expected) {
      const { row, col, top, left } = stepAt(data, step.step);
      assert.deepEqual([row, col, top, left], [step.row, step.col, ...step.origin]);
      const window = windowValues(data, arrays.inputs, 0, top, left).map((v) => (Number.isFinite(v) ? v : 0));
      window.forEach((v, i) => close(v, step.window[i], 1e-6, `step ${step.step}, cell ${i}`));
    }
  });

  test(`${name}: window x kernel over every channel, plus the bias, is the value before the activation`, () => {
    assert.equal(data.shown_channels, data.channels);  // LeNet-5's layers have at most 6 input channels
    for (const step of expected) {
      const { top, left } = stepAt(data, step.step);
      let sum = data.bias;
      for (let c = 0; c < data.channels; c += 1) {
        sum += products(windowValues(data, arrays.inputs, c, top, left), kernelOf(data, arrays.kernel, c)).reduce((a, b) => a + b, 0);
      }
      close(sum, step.pre, 1e-4, `step ${step.step}`);
      close(arrays.pre[step.step], step.pre, 1e-5, `payload pre at step ${step.step}`);
      const [before, result] = numbersLine(data, arrays, step.step);
      assert.equal(result, fmt(step.output));
      assert.ok(before.includes(`plus the bias ${fmt(data.bias)}`) && before.includes(`${data.activation}(`));
    }
  });
}

test("the first convolution's window hangs over the padding at the first step", () => {
  const { payload: data } = payload("walk_conv_first");
  const { top, left } = stepAt(data, 0);
  assert.ok(top < 0 && left < 0);
  const values = windowValues(data, decode(data).inputs, 0, top, left);
  assert.ok(values.some((v) => Number.isNaN(v)) && values.some((v) => Number.isFinite(v)));
});

test("pooling: each step's window and its average are pool_step's", () => {
  const { payload: data, expected } = payload("walk_pool");
  const arrays = decode(data);
  assert.equal(data.kind, "average");
  for (const step of expected) {
    const { top, left } = stepAt(data, step.step);
    assert.deepEqual([top, left], step.origin);
    const window = windowValues(data, arrays.inputs, 0, top, left);
    window.forEach((v, i) => close(v, step.window[i], 1e-6, `step ${step.step}, cell ${i}`));
    close(window.reduce((a, b) => a + b, 0) / window.length, step.output, 1e-5, `mean at step ${step.step}`);
    const [before, result, after] = numbersLine(data, arrays, step.step);
    assert.equal(result, fmt(step.output));
    assert.ok(before.startsWith("average(") && after.includes("no weights"));
  }
});
