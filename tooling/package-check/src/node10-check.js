import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { repoRoot } from './workspace.js';

/**
 * Type-checks `import * as m from '<specifier>'` for each specifier in TypeScript projects configured as many
 * existing projects still are: `module: commonjs`, `moduleResolution: node10`, which ignores `exports` and finds
 * types through `types`/`main` and, for subpaths such as `@nlpkit/text/node`, `typesVersions`.
 * Our declaration files are checked too (`skipLibCheck: false`): an import a shipped `.d.ts` makes that node10
 * cannot resolve would otherwise turn into `any` silently. Diagnostics inside third-party declarations are not
 * ours to fix and are left out (tfjs-core's `hash_util.d.ts` names `Long` from an `@types/long` it does not
 * depend on).
 *
 * Every project is checked by one `tsc` program: each project's `node10-check/index.ts` is a root file whose
 * imports resolve from its own folder, so each sees only the packages installed there. Checking the standard
 * library and `@types/node` (about 4 s) is then paid once instead of once per package; a diagnostic is given to
 * the project whose folder holds the file it names, and one that names no file of any project to all of them.
 * @param {{ projectDir: string, specifiers: string[] }[]} checks a project where a package is installed, and the
 *   specifiers to import there, e.g. ["@nlpkit/text", "@nlpkit/text/node"]
 * @returns {Map<string, { ok: boolean, output: string }>} by project folder: tsc's diagnostics about our code when not ok
 */
export function typecheckNode10(checks) {
  const files = checks.map(({ projectDir, specifiers }) => {
    const dir = join(projectDir, 'node10-check');
    mkdirSync(dir, { recursive: true });
    const imports = specifiers.map((s, i) => `import * as m${i} from '${s}';`).join('\n');
    const uses = specifiers.map((_, i) => `m${i}`).join(', ');
    const file = join(dir, 'index.ts');
    writeFileSync(file, `${imports}\nexport const modules: object[] = [${uses}];\n`);
    return file;
  });
  const dir = mkdtempSync(join(tmpdir(), 'nlpkit-node10-'));
  try {
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify(
        {
          compilerOptions: {
            module: 'commonjs',
            moduleResolution: 'node10',
            target: 'es2022',
            lib: ['es2023', 'dom'],
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            // @types/node from this repository, as a Node project would have it (the `/node` entries use its types).
            typeRoots: [join(repoRoot, 'node_modules', '@types')],
            types: ['node'],
          },
          files,
        },
        null,
        2,
      ),
    );
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', dir, '--pretty', 'false'], { cwd: dir, stdio: 'pipe', encoding: 'utf8' });
    } catch (error) {
      const e = /** @type {{ stdout?: string, stderr?: string }} */ (error);
      output = `${e.stdout ?? ''}${e.stderr ?? ''}`;
    }
    const ours = output
      .split('\n')
      .filter((line) => line.trim() !== '' && !/^\s/.test(line))
      .filter((line) => !isThirdParty(line));
    /** The project whose folder holds the file a diagnostic names; undefined: it concerns every project. */
    const ownerOf = (/** @type {string} */ line) => {
      const file = fileOf(line);
      if (file === undefined) return undefined;
      const path = resolve(dir, file);
      return checks.find((c) => path.startsWith(`${resolve(c.projectDir)}${sep}`))?.projectDir;
    };
    const owners = ours.map(ownerOf);
    const results = new Map();
    for (const { projectDir } of checks) {
      const mine = ours.filter((_, i) => owners[i] === undefined || owners[i] === projectDir);
      results.set(projectDir, { ok: mine.length === 0, output: mine.join('\n') });
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The file a tsc diagnostic line names, as tsc printed it. @param {string} line */
function fileOf(line) {
  return /^(.+?)\(\d+,\d+\): error TS\d+/.exec(line)?.[1];
}

/** A diagnostic located in a declaration file of a package other than ours. @param {string} line */
function isThirdParty(line) {
  const file = fileOf(line);
  return file !== undefined && file.includes('node_modules/') && !/node_modules\/@nlpkit\/[^/]+\/dist\//.test(file.slice(file.lastIndexOf('node_modules/')));
}
