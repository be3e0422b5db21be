import { test } from 'node:test';
import assert from 'node:assert/strict';

const { rowOffsets, visibleRange } = await import('../../app/js/virtual-window.js');

test('the visible range covers the viewport plus the overscan, from any scroll position', () => {
  const rows = Array.from({ length: 1000 }, (_, i) => ({ key: i }));
  const offsets = rowOffsets(rows, () => 50);
  assert.equal(offsets[1000], 50_000);
  assert.deepEqual(visibleRange(offsets, 0, 500, 100), [0, 13]);
  // Rows 200..209 are in view at 10,000 px; two rows above and below for the overscan.
  assert.deepEqual(visibleRange(offsets, 10_000, 500, 100), [198, 213]);
  assert.deepEqual(visibleRange(offsets, 49_500, 500, 100), [988, 1000]);
  assert.deepEqual(visibleRange(rowOffsets([], () => 50), 0, 500), [0, 0]);
});

test('rows of different heights are found where they are', () => {
  const heights = [10, 1000, 10, 10];
  const offsets = rowOffsets(heights.map((h, key) => ({ key, h })), (row) => row.h);
  assert.deepEqual(offsets, [0, 10, 1010, 1020, 1030]);
  assert.deepEqual(visibleRange(offsets, 500, 100, 0), [1, 2], 'inside the tall row, only it');
  assert.deepEqual(visibleRange(offsets, 1005, 20, 0), [1, 4]);
});
