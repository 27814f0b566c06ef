// The overview's link rules and sentences, on a payload the app built (a graph with a sum and a concatenation):
// the lines an item draws are the items the server listed, and each sentence names them as worked out by hand.
import assert from "node:assert/strict";
import { test } from "node:test";

import { payload } from "../payloads.mjs";
import { headText, howComputed, shownCount, sources } from "./overview.js";

const { payload: data, expected, heads } = payload("overview_graph");
const { columns } = data;

test("every item's lines go to the items it is computed from", () => {
  for (const { column, item, pairs } of expected) {
    assert.deepEqual(sources(columns, column, item), pairs, `${columns[column].name}, item ${item}`);
  }
});

test("the input reads nothing, and every line lands on an item that is drawn", () => {
  assert.deepEqual(sources(columns, 0, 0), []);
  columns.forEach((column, index) => {
    for (let item = 0; item < shownCount(column); item += 1) {
      for (const [f, i] of sources(columns, index, item)) {
        assert.ok(f < index, `${column.name} reads a column to its left`);
        assert.ok(i < shownCount(columns[f]), `${column.name}, item ${item} -> ${columns[f].name}, item ${i}`);
      }
    }
  });
});

test("the hover sentence says how each item is computed", () => {
  for (const { column, item, how } of expected) {
    assert.equal(howComputed(columns, column, sources(columns, column, item)), how);
  }
});

test("a merge point's head says what it does and what it joins", () => {
  for (const { column, shape, title } of heads) assert.deepEqual(headText(columns, column), { shape, title });
});
