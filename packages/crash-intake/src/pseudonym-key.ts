import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The installation's secret for user-id pseudonyms, beside the data it protects (mode 0600). */
export const PSEUDONYM_KEY_FILE = '.pseudonym-key';

/**
 * Reads the key from `dataDir`, or makes one (32 random bytes) the first time. The key must stay:
 * a new one gives every user a new pseudonym, so distinct-user counts would start over.
 */
export async function loadPseudonymKey(dataDir: string): Promise<Buffer> {
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, PSEUDONYM_KEY_FILE);
  try {
    const key = await readFile(file);
    if (key.length >= 32) return key;
    throw new Error(`${file} holds ${key.length} bytes, not a 32-byte key: remove it to make a new one`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  try {
    await writeFile(file, key, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFile(file);
    throw error;
  }
  await chmod(file, 0o600);
  return key;
}
