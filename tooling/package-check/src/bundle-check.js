import { builtinModules } from 'node:module';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

/**
 * Bundles `import * as m from specifier` for the browser with esbuild (minified ESM), the package's peers left
 * external as an app would provide them. Any Node built-in the code reaches fails the build.
 * @param {string} projectDir a project where the package is installed (modules resolve from there)
 * @param {string} specifier the entry to bundle
 * @param {string[]} external package names to leave out (peers)
 * @returns {Promise<{ bytes: number, gzipBytes: number }>}
 */
export async function bundleForBrowser(projectDir, specifier, external) {
  const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);
  const result = await esbuild.build({
    stdin: { contents: `export * from '${specifier}';`, resolveDir: projectDir, loader: 'js' },
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external,
    logLevel: 'silent',
    plugins: [
      {
        name: 'no-node-builtins',
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) => {
            if (nodeBuiltins.includes(args.path)) {
              return { errors: [{ text: `browser bundle reaches the Node built-in '${args.path}' (from ${args.importer})` }] };
            }
            return undefined;
          });
        },
      },
    ],
  });
  const code = result.outputFiles[0].contents;
  return { bytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength };
}
