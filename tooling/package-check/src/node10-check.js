import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './workspace.js';

/**
 * Type-checks `import * as m from '<specifier>'` for each specifier in a TypeScript project configured as many
 * existing projects still are: `module: commonjs`, `moduleResolution: node10`, which ignores `exports` and finds
 * types through `types`/`main` and, for subpaths such as `@nlpkit/text/node`, `typesVersions`.
 * Our declaration files are checked too (`skipLibCheck: false`): an import a shipped `.d.ts` makes that node10
 * cannot resolve would otherwise turn into `any` silently. Diagnostics inside third-party declarations are not
 * ours to fix and are left out (tfjs-core's `hash_util.d.ts` names `Long` from an `@types/long` it does not
 * depend on).
 * @param {string} projectDir a project where the packages are installed
 * @param {string[]} specifiers e.g. ["@nlpkit/text", "@nlpkit/text/node"]
 * @returns {{ ok: boolean, output: string }} tsc's diagnostics about our code when not ok
 */
export function typecheckNode10(projectDir, specifiers) {
  const dir = join(projectDir, 'node10-check');
  mkdirSync(dir, { recursive: true });
  const imports = specifiers.map((s, i) => `import * as m${i} from '${s}';`).join('\n');
  const uses = specifiers.map((_, i) => `m${i}`).join(', ');
  writeFileSync(join(dir, 'index.ts'), `${imports}\nexport const modules: object[] = [${uses}];\n`);
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
        files: ['index.ts'],
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
  return { ok: ours.length === 0, output: ours.join('\n') };
}

/** A diagnostic located in a declaration file of a package other than ours. @param {string} line */
function isThirdParty(line) {
  const file = /^(.+?)\(\d+,\d+\): error TS\d+/.exec(line)?.[1];
  return file !== undefined && file.includes('node_modules/') && !/node_modules\/@nlpkit\/[^/]+\/dist\//.test(file.slice(file.lastIndexOf('node_modules/')));
}
