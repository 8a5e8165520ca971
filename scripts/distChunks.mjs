// The chunk files scripts/bundle-dist.mjs writes into a package's dist/: the modules its entries share. They have no
// source file of their own, so the stale-output checks (scripts/prune-dist.mjs) leave them be.
export const CHUNK_FILE = /^chunk-[A-Z0-9]+\.js(\.map)?$/;
