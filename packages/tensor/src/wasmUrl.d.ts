// Vite's `?url` imports (used by the browser test to hand the wasm binaries to the wasm backend).
declare module '*.wasm?url' {
  const url: string;
  export { url as default };
}
