// Shared by the scripts that prepare artifacts for models/: the meta an nlpkit artifact carries (recipe, notes).

/** The recipe's data paths, absolute on the training machine, made relative to the repository (test-data/…, ../shared/data/…). */
export function portableRecipe(recipeJson) {
  const recipe = JSON.parse(recipeJson);
  const portable = (path) => path.replace(/^.*\/(test-data\/)/, '$1').replace(/^.*\/(shared\/data\/)/, '../$1');
  for (const [key, path] of Object.entries(recipe.data ?? {})) if (typeof path === 'string') recipe.data[key] = portable(path);
  return JSON.stringify(recipe);
}

/** `meta` with its recipe made portable and each `key=value` of `pairs` added. */
export function preparedMeta(meta, pairs) {
  const out = { ...meta };
  if (out.recipe !== undefined) out.recipe = portableRecipe(out.recipe);
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`expected key=value, got ${JSON.stringify(pair)}`);
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}
