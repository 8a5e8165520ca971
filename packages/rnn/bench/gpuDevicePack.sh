#!/usr/bin/env bash
# Packs bench/gpu.mjs for a GPU machine that has no Node.js, no node_modules and no network (the `device` tool of
# this workplace): Node itself (xz), bench/lmChild.mjs bundled with its JavaScript dependencies (tfjs-core,
# tfjs-layers, tfjs-backend-webgpu, @nlpkit/*), Dawn's native `webgpu` package beside it (linux-x64 only, xz), and
# the PTB token ids. Run from the repository root after the build (`npx turbo run build`), where ../shared has PTB:
#   bash packages/rnn/bench/gpuDevicePack.sh            -> .device/ (git-ignored), ~40 MB
# On the GPU machine (Vulkan loader packages unpacked first; NVIDIA's Vulkan driver), from the repository root:
#   bash .device/run.sh "$OUT"                          -> $OUT/rnn-gpu.json and rnn-gpu.md
# The working tree travels with what is carried (64 MiB in all): the trained models (models/, ~45 MB) do not fit
# beside .device/, so move them out of the checkout for that call and back after (git checkout -- models).
set -euo pipefail
root=$(git rev-parse --show-toplevel)
rnn="$root/packages/rnn"
[ -f "$rnn/dist/index.js" ] || { echo "build first: npx turbo run build" >&2; exit 1; }
# Built in a temporary folder (removed on any failure) and put in place whole at the end: a failed pack never
# leaves half a .device/ to be carried to the GPU machine.
out=$(mktemp -d "${TMPDIR:-/tmp}/nlpkit-device-XXXXXX")
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/bench" "$out/node_modules/webgpu/dist/linux-x64"
# tfjs-core's Node platform calls require() for built-ins: an ES-module bundle needs a require of its own.
"$rnn/node_modules/.bin/esbuild" "$rnn/bench/lmChild.mjs" --bundle --platform=node --format=esm --log-level=warning \
  --external:webgpu --banner:js="import { createRequire as nlpkitRequire } from 'node:module'; const require = nlpkitRequire(import.meta.url);" \
  --outfile="$out/bench/lmChild.mjs"
cp "$rnn/bench/gpu.mjs" "$rnn/bench/lmData.mjs" "$out/bench/"
dawn=$(cd "$root/packages/tensor" && node -e "console.log(require('node:path').dirname(require.resolve('webgpu/package.json')))")
cp "$dawn/index.js" "$dawn/package.json" "$out/node_modules/webgpu/"
xz -T0 -6 -c "$dawn/dist/linux-x64/dawn.node" > "$out/dawn.node.xz"
node "$rnn/bench/gpu.mjs" --write-ids "$out/ids.txt"
xz -T0 -6 -c "$(command -v node)" > "$out/node.xz"
cat > "$out/run.sh" <<'RUN'
#!/usr/bin/env bash
# bench/gpu.mjs on this machine's GPU through Dawn, the results in the folder given (default .device/results).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
results=${1:-$here/results}
mkdir -p "$results" /tmp/nlpkit-node
xz -d -c "$here/node.xz" > /tmp/nlpkit-node/node && chmod +x /tmp/nlpkit-node/node
xz -d -c "$here/dawn.node.xz" > "$here/node_modules/webgpu/dist/linux-x64/dawn.node"
cd "$here/bench"
BENCH_IDS="$here/ids.txt" BENCH_OUT="$results/rnn-gpu.json" /tmp/nlpkit-node/node gpu.mjs
RUN
chmod +x "$out/run.sh"
chmod 755 "$out"
rm -rf "$root/.device"
mv "$out" "$root/.device"
trap - EXIT
du -sh "$root/.device"
