/**
 * Disk used by an emptyDir, as the kubelet's eviction manager measures it (`du`: allocated
 * blocks of every file and directory under it, hard links once, symlinks not followed).
 * Memory-backed emptyDirs on a tmpfs are bounded by the tmpfs's own size instead.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function diskUsageBytes(dir: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (path: string): Promise<void> => {
    let st;
    try {
      st = await lstat(path, { bigint: false });
    } catch {
      return; // removed meanwhile
    }
    const inode = `${st.dev}:${st.ino}`;
    if (seen.has(inode)) return;
    seen.add(inode);
    total += st.blocks * 512;
    if (!st.isDirectory()) return;
    let names: string[];
    try {
      names = await readdir(path);
    } catch {
      return;
    }
    for (const name of names) await walk(join(path, name));
  };
  await walk(dir);
  return total;
}
