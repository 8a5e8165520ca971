import ts from 'typescript';

/** A name exported by two or more packages where the exports are not the same declaration. */
export interface ExportCollision {
  readonly name: string;
  /** `specifier → file:line of the declaration` for each differing export. */
  readonly exports: readonly string[];
}

/** One module whose exports are checked, and the package it belongs to. */
export interface CheckedModule {
  readonly packageName: string;
  readonly specifier: string;
  readonly source: string;
}

function where(declaration: ts.Declaration): string {
  const file = declaration.getSourceFile();
  const { line } = file.getLineAndCharacterOfPosition(declaration.getStart());
  return `${file.fileName}:${line + 1}`;
}

/**
 * Names that two different packages export with different meanings. Each export (value, type or both) is
 * followed through re-exports to its declarations; a name exported by several packages passes only when every
 * package's export resolves to the same declarations (a re-export of one shared binding). Exports of the same
 * package's different entry points are not compared with each other.
 */
export function findExportCollisions(modules: readonly CheckedModule[], compilerOptions: ts.CompilerOptions): ExportCollision[] {
  const program = ts.createProgram(
    modules.map((m) => m.source),
    { ...compilerOptions, noEmit: true },
  );
  const checker = program.getTypeChecker();
  // name → package → declaration keys (per entry, merged per package)
  const seen = new Map<string, Map<string, { keys: Set<string>; specifier: string }>>();
  for (const m of modules) {
    const file = program.getSourceFile(m.source);
    if (file === undefined) throw new Error(`cannot read ${m.source}`);
    const moduleSymbol = checker.getSymbolAtLocation(file);
    if (moduleSymbol === undefined) continue;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const keys = (symbol.getDeclarations() ?? []).map(where);
      const byPackage = seen.get(exported.name) ?? new Map();
      seen.set(exported.name, byPackage);
      const entry = byPackage.get(m.packageName) ?? { keys: new Set<string>(), specifier: m.specifier };
      for (const k of keys) entry.keys.add(k);
      byPackage.set(m.packageName, entry);
    }
  }
  const collisions: ExportCollision[] = [];
  for (const [name, byPackage] of seen) {
    if (byPackage.size < 2) continue;
    const signatures = new Set([...byPackage.values()].map((e) => [...e.keys].sort().join('|')));
    if (signatures.size > 1) {
      collisions.push({
        name,
        exports: [...byPackage.values()].map((e) => `${e.specifier} → ${[...e.keys].join(', ')}`),
      });
    }
  }
  return collisions.sort((a, b) => a.name.localeCompare(b.name));
}
