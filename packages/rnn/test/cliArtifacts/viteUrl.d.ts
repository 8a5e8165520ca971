// Vite's `?url` imports in the browser suite: the wasm binaries handed to the wasm backend and the fixture files
// fetched as a web app would.
declare module '*.wasm?url' {
  const url: string;
  export default url;
}
declare module '*.safetensors?url' {
  const url: string;
  export default url;
}
declare module '*.json?url' {
  const url: string;
  export default url;
}
