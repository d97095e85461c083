import { createHash } from 'node:crypto';

const names = new Map<string, string>();

/**
 * A stable name per SQL text, so pg prepares each statement once per connection and then only
 * binds parameters: one round trip per query instead of parse + bind.
 */
export function statementName(sql: string): string {
  let name = names.get(sql);
  if (name === undefined) {
    name = 'cx_' + createHash('sha1').update(sql).digest('hex').slice(0, 20);
    names.set(sql, name);
  }
  return name;
}
