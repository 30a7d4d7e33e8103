/**
 * hostPath volumes: the host's own path, checked against the volume's `type` as the
 * kubelet's hostpath plugin does (DirectoryOrCreate makes a 0755 directory, FileOrCreate
 * an empty 0644 file; the other types only check). Also used for PersistentVolumes backed
 * by a hostPath or a local path.
 */
import { closeSync, lstatSync, mkdirSync, openSync, statSync, type Stats } from 'node:fs';
import { constants } from 'node:fs';
import { posix } from 'node:path';

export interface HostPathSource {
  path?: string;
  type?: string;
}

/** Upstream GetFileType's names. */
function fileType(st: Stats): string | undefined {
  if (st.isDirectory()) return 'Directory';
  if (st.isFile()) return 'File';
  if (st.isSocket()) return 'Socket';
  if (st.isCharacterDevice()) return 'CharDevice';
  if (st.isBlockDevice()) return 'BlockDevice';
  return undefined;
}

const DESCRIPTIONS: Record<string, string> = {
  Directory: 'directory', File: 'file', Socket: 'socket file', CharDevice: 'character device', BlockDevice: 'block device',
};

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function typeMatched(path: string, expected: string): void {
  const st = statOrUndefined(path);
  if (!st) throw new Error(`hostPath ${path} doesn't exist`);
  const actual = fileType(st);
  const description = DESCRIPTIONS[expected]!;
  if (!actual) throw new Error(`hostPath type check failed, ${path} is not a ${description}, unable to determine its type: only recognise file, directory, socket, block device and character device`);
  if (actual !== expected) throw new Error(`hostPath type check failed: ${path} is not a ${description}, it's a ${actual}`);
}

/** Checks (and for the *OrCreate types makes) the path; returns it. */
export function setUpHostPath(source: HostPathSource): string {
  const path = String(source.path ?? '');
  if (!posix.isAbsolute(path)) throw new Error(`invalid HostPath \`${path}\`: must be an absolute path`);
  const type = source.type ?? '';
  switch (type) {
    case '':
      return path;
    case 'DirectoryOrCreate':
      if (!exists(path)) mkdirSync(path, { recursive: true, mode: 0o755 });
      typeMatched(path, 'Directory');
      return path;
    case 'FileOrCreate':
      if (!exists(path)) closeSync(openSync(path, constants.O_CREAT | constants.O_WRONLY, 0o644));
      typeMatched(path, 'File');
      return path;
    case 'Directory':
    case 'File':
    case 'Socket':
    case 'CharDevice':
    case 'BlockDevice':
      typeMatched(path, type);
      return path;
    default:
      throw new Error(`${type} is an invalid volume type`);
  }
}

/** Anything there, even a dangling symlink (upstream's Exists uses lstat semantics through PathExists). */
function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
