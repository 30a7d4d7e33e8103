/**
 * The Kubernetes static token file (`--token-auth-file`): CSV records
 * `token,user,uid[,"group1,group2"]`, read the way k8s.io/apiserver's tokenfile
 * package reads it — at least three columns, empty tokens skipped, a later duplicate wins.
 */
import { readFileSync } from 'node:fs';
import type { UserInfo } from './types.js';

/** RFC 4180 records as Go's encoding/csv reads them: quoted fields may hold commas, quotes ("") and newlines. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      fieldStarted = true;
    } else if (ch === ',') {
      record.push(field);
      field = '';
      fieldStarted = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      if (fieldStarted || field !== '' || record.length) records.push([...record, field]);
      record = [];
      field = '';
      fieldStarted = false;
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  if (fieldStarted || field !== '' || record.length) records.push([...record, field]);
  return records;
}

export interface TokenFileEntry {
  token: string;
  user: UserInfo;
}

/** Every usable record in file order; `source` names the file in errors. */
export function parseTokenFile(text: string, source = 'token file'): TokenFileEntry[] {
  const entries: TokenFileEntry[] = [];
  for (const record of parseCsv(text)) {
    if (record.length < 3) throw new Error(`token file '${source}' must have at least 3 columns (token, user name, user uid), found ${record.length}`);
    const [token, username, uid, groups] = record as [string, string, string, string | undefined];
    if (token === '') continue;
    const user: UserInfo = { username, uid, groups: groups === undefined ? [] : groups.split(',').filter((g) => g !== '') };
    entries.push({ token, user });
  }
  return entries;
}

/** A token → user map; for duplicate tokens the later record wins, as upstream. */
export function tokenMap(entries: TokenFileEntry[]): Map<string, UserInfo> {
  return new Map(entries.map((e) => [e.token, e.user]));
}

export function readTokenFile(path: string): Map<string, UserInfo> {
  return tokenMap(parseTokenFile(readFileSync(path, 'utf8'), path));
}

function quote(field: string): string {
  return /[",\r\n]|^\s/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

/** One line of the file, groups always quoted so the column survives a comma. */
export function formatTokenRecord(entry: TokenFileEntry): string {
  const { token, user } = entry;
  const fields = [quote(token), quote(user.username), quote(user.uid ?? '')];
  return `${fields.join(',')},"${user.groups.join(',').replaceAll('"', '""')}"\n`;
}
