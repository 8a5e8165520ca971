import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './workspace.js';

/**
 * Type-checks `import * as m from '<specifier>'` for each specifier in a TypeScript project configured as many
 * existing projects still are: `module: commonjs`, `moduleResolution: node10`, which ignores `exports` and finds
 * types through `types`/`main` and, for subpaths such as `@nlpkit/text/node`, `typesVersions`.
 * Library declaration files are checked too (`skipLibCheck: false`): an import a shipped `.d.ts` makes that
 * node10 cannot resolve would otherwise turn into `any` silently.
 * @param {string} projectDir a project where the packages are installed
 * @param {string[]} specifiers e.g. ["@nlpkit/text", "@nlpkit/text/node"]
 * @returns {{ ok: boolean, output: string }} tsc's diagnostics when not ok
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
  try {
    execFileSync(process.execPath, [tsc, '-p', dir], { cwd: dir, stdio: 'pipe', encoding: 'utf8' });
    return { ok: true, output: '' };
  } catch (error) {
    const e = /** @type {{ stdout?: string, stderr?: string }} */ (error);
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}`.trim() };
  }
}
