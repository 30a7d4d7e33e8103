/** Completion indexes: the "0-2,5" form of status.completedIndexes, pending indexes, repeated ones. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../api/objects/index.js';
import { COMPLETION_INDEX, duplicateIndexPods, firstPendingIndexes, formatIndexes, parseIndexes } from './indexes.js';

const pod = (name: string, index?: string, ready = false): Pod => ({
  metadata: { name, annotations: index === undefined ? {} : { [COMPLETION_INDEX]: index } },
  spec: { containers: [] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

describe('completion indexes', () => {
  it('formats runs as ranges and single indexes bare', () => {
    assert.equal(formatIndexes([]), '');
    assert.equal(formatIndexes([3]), '3');
    assert.equal(formatIndexes([0, 1]), '0-1');
    assert.equal(formatIndexes([0, 1, 2, 5]), '0-2,5');
    assert.equal(formatIndexes([1, 3, 4, 5, 7, 9, 10]), '1,3-5,7,9-10');
  });

  it('parses them back, dropping indexes beyond completions and malformed parts', () => {
    assert.deepEqual(parseIndexes('0-2,5', 10), [0, 1, 2, 5]);
    assert.deepEqual(parseIndexes('1,3-5,7', 5), [1, 3, 4]);
    assert.deepEqual(parseIndexes('', 5), []);
    assert.deepEqual(parseIndexes(undefined, 5), []);
    assert.deepEqual(parseIndexes('x,2,-1', 5), [2]);
  });

  it('pending indexes skip succeeded ones and those with an active pod', () => {
    assert.deepEqual(firstPendingIndexes([0, 2], [pod('a', '1')], 2, 6), [3, 4]);
    assert.deepEqual(firstPendingIndexes([], [], 10, 3), [0, 1, 2]);
    assert.deepEqual(firstPendingIndexes([0, 1, 2], [], 1, 3), []);
  });

  it('repeated, missing and out-of-range indexes are removed, keeping the furthest along of a repeat', () => {
    const keep = pod('b', '1', true);
    const readyFirst = (x: Pod, y: Pod) => Number(x.status?.conditions?.[0]?.status === 'True') - Number(y.status?.conditions?.[0]?.status === 'True');
    const { remove, keep: kept } = duplicateIndexPods([pod('a', '1'), keep, pod('c', '9'), pod('d'), pod('e', '0')], 3, readyFirst);
    assert.deepEqual(remove.map((p) => p.metadata.name).sort(), ['a', 'c', 'd']);
    assert.deepEqual(kept.map((p) => p.metadata.name).sort(), ['b', 'e']);
  });
});
