/**
 * subPath resolution (CVE-2017-1002101): absolute paths and `..` refused before the
 * filesystem is touched; a symlink leading out of the volume refused; one staying inside
 * followed; missing directories made inside the volume, never through a symlink; the
 * descriptor opened is the resolved path. subPathExpr expands from the container's
 * variables, a missing one failing as upstream.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdirSync, mkdtempSync, readlinkSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandSubPathExpr } from '../agent/volumes/subpath.js';
import { openSubPath, SubPathError } from './subpath.js';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'skiff-subpath-')));
after(() => rmSync(root, { recursive: true, force: true }));

function volume(name: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'data', 'deep'), { recursive: true });
  writeFileSync(join(dir, 'data', 'file.txt'), 'x');
  return dir;
}

describe('subPath resolution', () => {
  it('opens a directory or file inside the volume (the descriptor is that path)', () => {
    const vol = volume('plain');
    const dir = openSubPath(vol, 'data/deep');
    try {
      assert.equal(dir.path, join(vol, 'data', 'deep'));
      assert.equal(dir.isDirectory, true);
      assert.equal(readlinkSync(`/proc/self/fd/${dir.fd}`), join(vol, 'data', 'deep'));
    } finally {
      closeSync(dir.fd);
    }
    const file = openSubPath(vol, 'data/file.txt');
    closeSync(file.fd);
    assert.equal(file.isDirectory, false);
  });

  it('refuses a symlink planted to leave the volume (/, /etc, a relative ../..)', () => {
    const vol = volume('escape');
    symlinkSync('/', join(vol, 'root-link'));
    symlinkSync('/etc', join(vol, 'data', 'etc-link'));
    symlinkSync('../../..', join(vol, 'data', 'up'));
    assert.throws(() => openSubPath(vol, 'root-link'), (err: Error) => err instanceof SubPathError && /subpath "\/" not within volume path/.test(err.message));
    assert.throws(() => openSubPath(vol, 'data/etc-link'), /not within volume path/);
    assert.throws(() => openSubPath(vol, 'data/up'), /not within volume path/);
    assert.throws(() => openSubPath(vol, 'root-link/etc'), /not within volume path/);
  });

  it('follows a symlink that stays inside the volume', () => {
    const vol = volume('inside');
    symlinkSync('data/deep', join(vol, 'alias'));
    const opened = openSubPath(vol, 'alias');
    closeSync(opened.fd);
    assert.equal(opened.path, join(vol, 'data', 'deep'));
  });

  it('refuses `..` and absolute paths before touching the filesystem', () => {
    const vol = volume('checks');
    assert.throws(() => openSubPath(vol, '../other'), /unable to provision SubPath `\.\.\/other`: must not contain '\.\.'/);
    assert.throws(() => openSubPath(vol, 'data/../../x'), /must not contain '\.\.'/);
    assert.throws(() => openSubPath(vol, '/etc'), /error SubPath `\/etc` must not be an absolute path/);
  });

  it('makes a missing subPath as directories inside the volume, never through a symlink', () => {
    const vol = volume('create');
    const opened = openSubPath(vol, 'new/dir');
    closeSync(opened.fd);
    assert.ok(statSync(join(vol, 'new', 'dir')).isDirectory());
    // A dangling symlink in the way: realpath cannot resolve it, and the walk refuses it.
    const outside = join(root, 'outside-target');
    symlinkSync(outside, join(vol, 'trap'));
    assert.throws(() => openSubPath(vol, 'trap/x'), /unexpected symlink found|not within volume path/);
    assert.equal(existsSync(outside), false, 'nothing was made outside the volume');
  });

  it('expands subPathExpr from the container variables; a missing or empty one fails', () => {
    const env = new Map([['POD_NAME', 'web-0'], ['EMPTY', '']]);
    assert.equal(expandSubPathExpr('logs/$(POD_NAME)', env), 'logs/web-0');
    assert.throws(() => expandSubPathExpr('$(NOPE)/$(EMPTY)', env), /missing value for EMPTY, NOPE/);
  });
});
