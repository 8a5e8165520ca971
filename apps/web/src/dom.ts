/** Attributes of {@link el}: plain attributes, plus `text` for the text content. */
export type Attributes = Readonly<Record<string, string | number | boolean | undefined>> & { readonly text?: string };

/**
 * Creates an element with attributes and children, the one DOM helper the panels share (no framework: the demo
 * is six small forms).
 */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name === 'text') node.textContent = String(value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children);
  return node;
}

/** The body of panel `id` (`<section id=…><div data-role="body">`), emptied. */
export function panelBody(id: string): HTMLElement {
  const body = document.querySelector<HTMLElement>(`#${id} [data-role="body"]`);
  if (body === null) throw new Error(`index.html has no panel #${id}`);
  body.replaceChildren();
  return body;
}

/** A message of an error for the page: nlpkit errors already say what was expected and found. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A file input with a label; `onFile` gets the chosen file's bytes and name. */
export function fileInput(label: string, accept: string, testId: string, onFile: (bytes: Uint8Array, name: string) => void | Promise<void>): HTMLElement {
  const input = el('input', { type: 'file', accept, 'data-testid': testId });
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file === undefined) return;
    void file.arrayBuffer().then((buffer) => onFile(new Uint8Array(buffer), file.name));
  });
  return el('label', { class: 'file' }, `${label} `, input);
}
