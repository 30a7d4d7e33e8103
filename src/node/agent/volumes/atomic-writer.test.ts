/**
 * The atomic writer: the payload behind `..data`, visible names as symlinks into it, an
 * update swapping `..data` in one rename, removed keys gone, modes as given, and nothing
 * written when nothing changed.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validatePayloadPath, writeAtomically, type Payload } from './atomic-writer.js';

const root = mkdtempSync(join(tmpdir(), 'skiff-atomic-'));
after(() => rmSync(root, { recursive: true, force: true }));

const file = (text: string, mode = 0o644) => ({ data: Buffer.from(text), mode });
const payload = (entries: Record<string, { data: Buffer; mode: number }>): Payload => new Map(Object.entries(entries));

describe('atomic writer', () => {
  it('writes the payload into a timestamped directory behind ..data, with symlinked names', () => {
    const dir = join(root, 'first');
    assert.equal(writeAtomically(dir, payload({ a: file('one'), 'nested/b': file('two') }), new Date('2026-11-22T10:00:00Z')), true);
    const ts = readlinkSync(join(dir, '..data'));
    assert.match(ts, /^\.\.2026_11_22_10_00_00\.\w+$/);
    assert.equal(readlinkSync(join(dir, 'a')), '..data/a');
    assert.equal(readlinkSync(join(dir, 'nested')), '..data/nested');
    assert.equal(readFileSync(join(dir, 'a'), 'utf8'), 'one');
    assert.equal(readFileSync(join(dir, 'nested', 'b'), 'utf8'), 'two');
    assert.equal(statSync(join(dir, ts)).mode & 0o777, 0o755);
    assert.deepEqual(readdirSync(dir).sort(), ['..data', ts, 'a', 'nested'].sort());
  });

  it('swaps ..data to a complete new directory, removes vanished keys and the old directory', () => {
    const dir = join(root, 'update');
    writeAtomically(dir, payload({ keep: file('1'), gone: file('x') }));
    const before = readlinkSync(join(dir, '..data'));
    assert.equal(writeAtomically(dir, payload({ keep: file('2'), added: file('new') })), true);
    const now = readlinkSync(join(dir, '..data'));
    assert.notEqual(now, before);
    assert.equal(existsSync(join(dir, before)), false, 'the old payload is removed');
    assert.equal(readFileSync(join(dir, 'keep'), 'utf8'), '2');
    assert.equal(readFileSync(join(dir, 'added'), 'utf8'), 'new');
    assert.throws(() => lstatSync(join(dir, 'gone')), /ENOENT/, 'a removed key loses its name');
    assert.equal(existsSync(join(dir, '..data_tmp')), false);
    // Everything a reader can reach is in the one directory `..data` names.
    assert.deepEqual(readdirSync(join(dir, now)).sort(), ['added', 'keep']);
  });

  it('writes nothing when the payload did not change', () => {
    const dir = join(root, 'same');
    writeAtomically(dir, payload({ k: file('v', 0o600) }));
    const ts = readlinkSync(join(dir, '..data'));
    assert.equal(writeAtomically(dir, payload({ k: file('v', 0o600) })), false);
    assert.equal(readlinkSync(join(dir, '..data')), ts);
    // A mode change alone is a change.
    assert.equal(writeAtomically(dir, payload({ k: file('v', 0o640) })), true);
  });

  it('gives each file its mode', () => {
    const dir = join(root, 'modes');
    writeAtomically(dir, payload({ secret: file('s', 0o400), script: file('#!/bin/sh', 0o755), plain: file('p') }));
    assert.equal(statSync(join(dir, 'secret')).mode & 0o777, 0o400);
    assert.equal(statSync(join(dir, 'script')).mode & 0o777, 0o755);
    assert.equal(statSync(join(dir, 'plain')).mode & 0o777, 0o644);
  });

  it('an empty payload leaves an empty volume', () => {
    const dir = join(root, 'empty');
    writeAtomically(dir, payload({ a: file('a') }));
    writeAtomically(dir, new Map());
    assert.deepEqual(readdirSync(dir).filter((n) => !n.startsWith('..')), []);
  });

  it('refuses paths that leave the volume, leaving the old payload in place', () => {
    assert.match(validatePayloadPath('/etc/passwd') ?? '', /must be relative path/);
    assert.match(validatePayloadPath('a/../../b') ?? '', /must not contain '\.\.'/);
    assert.match(validatePayloadPath('..hidden') ?? '', /must not start with '\.\.'/);
    assert.equal(validatePayloadPath('a/b.txt'), undefined);
    const dir = join(root, 'invalid');
    writeAtomically(dir, payload({ ok: file('fine') }));
    assert.throws(() => writeAtomically(dir, payload({ '../escape': file('no') })), /must not contain/);
    assert.equal(readFileSync(join(dir, 'ok'), 'utf8'), 'fine');
  });
});
