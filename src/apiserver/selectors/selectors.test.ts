import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../api/errors.js';
import type { KObject } from '../../api/types.js';
import { parseLabelSelector } from './labels.js';
import { parseFieldSelector, parseFieldSelectorForName } from './fields.js';
import { queryBool, validateListOptions } from './list-options.js';
import { requestInfo } from '../request-info.js';

const rt = { plural: 'pods', group: '', version: 'v1', selectableFields: { 'spec.nodeName': (o: KObject) => (o.spec as { nodeName?: string } | undefined)?.nodeName } };
const pod = (name: string, nodeName?: string): KObject => ({ metadata: { name }, spec: { nodeName } });
const code = (fn: () => unknown): number | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof StatusError ? err.code : -1;
  }
  return undefined;
};

describe('label selectors, as labels.Parse', () => {
  it('takes `()` as the set holding the empty value, for in and notin', () => {
    assert.equal(parseLabelSelector('a in ()').matches({ a: '' }), true);
    assert.equal(parseLabelSelector('a in ()').matches({ a: 'x' }), false);
    assert.equal(parseLabelSelector('a notin ()').matches({ a: 'x' }), true);
  });

  it('compares integers with > and <', () => {
    assert.equal(parseLabelSelector('tier>2').matches({ tier: '3' }), true);
    assert.equal(parseLabelSelector('tier>2').matches({ tier: '2' }), false);
    assert.equal(parseLabelSelector('tier<2').matches({ tier: 'x' }), false);
    assert.equal(code(() => parseLabelSelector('tier>x')), 400);
    assert.equal(code(() => parseLabelSelector('tier>')), 400);
  });

  it('refuses malformed selectors with 400', () => {
    for (const s of ['=', 'a,,b', 'a=b,', 'a in (b', '!a=b', 'a=b c']) assert.equal(code(() => parseLabelSelector(s)), 400, s);
  });
});

describe('field selectors, as fields.ParseSelector', () => {
  it('needs `,` and `=` escaped in values and knows only its escapes', () => {
    assert.equal(parseFieldSelector('metadata.name=a\\,b', rt).matches(pod('a,b')), true);
    assert.equal(code(() => parseFieldSelector('metadata.name=a=b', rt)), 400);
    assert.equal(code(() => parseFieldSelector('metadata.name=a\\x', rt)), 400);
    assert.equal(parseFieldSelector('metadata.name==', rt).matches(pod('')), true);
    assert.equal(parseFieldSelector('metadata.name=a,', rt).matches(pod('a')), true);
  });

  it('knows only declared fields, not what objects inherit', () => {
    for (const f of ['constructor', 'toString', '__proto__', 'spec.bogus']) assert.equal(code(() => parseFieldSelector(`${f}=x`, rt)), 400, f);
    assert.equal(parseFieldSelector('spec.nodeName=n1', rt).matches(pod('p', 'n1')), true);
  });

  it('adds the name of a watched object, and refuses another name', () => {
    const s = parseFieldSelectorForName('spec.nodeName=n1', rt, 'p');
    assert.equal(s.matches(pod('p', 'n1')), true);
    assert.equal(s.matches(pod('q', 'n1')), false);
    assert.equal(s.exactName, 'p');
    assert.equal(code(() => parseFieldSelectorForName('metadata.name=q', rt, 'p')), 400);
  });
});

describe('boolean query parameters', () => {
  it("read strconv.ParseBool's spellings; anything else is a 400", () => {
    const b = (query: string) => queryBool(new URLSearchParams(query), 'force');
    for (const t of ['1', 't', 'T', 'TRUE', 'true', 'True']) assert.equal(b(`force=${t}`), true, t);
    for (const f of ['0', 'f', 'F', 'FALSE', 'false', 'False', '']) assert.equal(b(`force=${f}`), false, f);
    assert.equal(b(''), false);
    assert.equal(code(() => b('force=yes')), 400);
  });
});

describe('list options, as ValidateListOptions', () => {
  const v = (query: string, watch = false): number | undefined => code(() => validateListOptions(new URLSearchParams(query), watch));
  it('refuses what does not decode with 400 and what does not validate with 422', () => {
    assert.equal(v('limit=abc'), 400);
    assert.equal(v('timeoutSeconds=1.5', true), 400);
    assert.equal(v('allowWatchBookmarks=maybe', true), 400);
    assert.equal(v('resourceVersion=-1'), 400);
    assert.equal(v('resourceVersionMatch=NotOlderThan'), 422);
    assert.equal(v('resourceVersionMatch=Bogus&resourceVersion=1'), 422);
    assert.equal(v('resourceVersionMatch=Exact&resourceVersion=0'), 422);
    assert.equal(v('sendInitialEvents=true'), 422);
    assert.equal(v('resourceVersionMatch=NotOlderThan&resourceVersion=1', true), 422);
    assert.equal(v('sendInitialEvents=true&resourceVersionMatch=Exact', true), 422);
    assert.equal(v('continue=x&resourceVersion=5'), 400);
  });
  it('accepts what upstream accepts', () => {
    for (const q of ['', 'limit=-1', 'limit=0', 'resourceVersion=0', 'resourceVersion=1&resourceVersionMatch=NotOlderThan', 'continue=x&resourceVersion=0', 'bogus=1']) assert.equal(v(q), undefined, q);
    assert.equal(v('sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true', true), undefined);
  });
});

describe('requestInfo', () => {
  const q = new URLSearchParams();
  it('reads /namespaces/{name}/status and /finalize as the namespace itself', () => {
    for (const sub of ['status', 'finalize']) {
      const info = requestInfo('PUT', `/api/v1/namespaces/ns1/${sub}`, q);
      assert.ok(info.resourceRequest);
      assert.deepEqual([info.resource, info.name, info.subresource, info.namespace], ['namespaces', 'ns1', sub, '']);
    }
  });
  it('decodes escapes before splitting, refuses malformed ones, and keeps dot segments literal', () => {
    const info = requestInfo('GET', '/api/v1/namespaces/a/configmaps/x%2Fstatus', q);
    assert.ok(info.resourceRequest);
    assert.deepEqual([info.name, info.subresource], ['x', 'status']);
    assert.equal(code(() => requestInfo('GET', '/api/v1/namespaces/a/configmaps/%zz', q)), 400);
    const dots = requestInfo('DELETE', '/api/v1/namespaces/a/configmaps/..', q);
    assert.ok(dots.resourceRequest);
    assert.deepEqual([dots.namespace, dots.resource, dots.name, dots.verb], ['a', 'configmaps', '..', 'delete']);
  });
  it('keeps inner empty segments, as upstream splitPath', () => {
    const info = requestInfo('GET', '//api//v1/namespaces', q);
    assert.ok(info.resourceRequest);
    assert.equal(info.version, '');
  });
});
