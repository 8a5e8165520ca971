import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** One public entry point of a published package, with the TypeScript source it builds from. */
export interface PackageEntry {
  /** Import specifier, e.g. `@nlpkit/text/node`. */
  readonly specifier: string;
  /** The package's npm name. */
  readonly packageName: string;
  /** Absolute path of the entry's source file. */
  readonly source: string;
}

/**
 * Every public entry point of every publishable package under packages/ (found from package.json `exports` and
 * their `@nlpkit/source` condition), so a new package or subpath is checked without editing the tests.
 */
export function publishedEntries(): PackageEntry[] {
  const root = join(repoRoot, 'packages');
  const out: PackageEntry[] = [];
  for (const dir of readdirSync(root).sort()) {
    const manifestPath = join(root, dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      name: string;
      private?: boolean;
      exports?: Record<string, string | Record<string, string>>;
    };
    if (manifest.private === true) continue;
    for (const [key, target] of Object.entries(manifest.exports ?? {})) {
      if (key === './package.json' || typeof target === 'string') continue;
      const source = target['@nlpkit/source'];
      if (source === undefined) continue;
      out.push({
        specifier: key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`,
        packageName: manifest.name,
        source: join(root, dir, source),
      });
    }
  }
  return out;
}
