/** File helpers for secrets: owner-only modes, atomic replace, errors that name the path. */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export class CredentialsError extends Error {
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CredentialsError';
  }
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.code}: ${e.message}` : String(err);
}

/** Creates `dir` (and parents) if needed and tightens it to owner-only access. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const info = await stat(dir);
    if (!info.isDirectory()) throw Object.assign(new Error(`${dir} is not a directory`), { code: 'ENOTDIR' });
    if ((info.mode & 0o777) !== 0o700) await chmod(dir, 0o700);
  } catch (err) {
    throw new CredentialsError(`cannot use credentials directory ${dir}: ${describe(err)}`, dir, { cause: err });
  }
}

/** The file's text, or undefined when it does not exist; any other failure is an error naming the path. */
export async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CredentialsError(`cannot read ${path}: ${describe(err)}`, path, { cause: err });
  }
}

/**
 * Writes through a temporary sibling and renames it over `path`, so a crash never
 * leaves a half-written key and readers see the old or the new file, never a mix.
 */
export async function writePrivateFile(path: string, text: string, options: { createDirs?: boolean } = {}): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    if (options.createDirs) await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(temp, text, { mode: 0o600, flag: 'wx' });
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new CredentialsError(`cannot write ${path}: ${describe(err)}`, path, { cause: err });
  }
}

/** Existing files may predate us or have been copied around; keep secrets owner-only. */
export async function restrictMode(path: string): Promise<void> {
  try {
    const info = await stat(path);
    if ((info.mode & 0o777) !== 0o600) await chmod(path, 0o600);
  } catch (err) {
    throw new CredentialsError(`cannot restrict permissions of ${path}: ${describe(err)}`, path, { cause: err });
  }
}
