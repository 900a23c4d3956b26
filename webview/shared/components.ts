// The webview controls SKLens uses, in one small module. They come from
// @vscode/webview-ui-toolkit (the package the design card names). The toolkit is deprecated
// upstream: everything else imports controls from here only, so swapping it for a maintained
// alternative (e.g. @vscode-elements/elements) touches this file alone.
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDivider,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeButton(),
    vsCodeCheckbox(),
    vsCodeDivider(),
    vsCodeDropdown(),
    vsCodeOption(),
    vsCodeTextField(),
  );
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

export function button(label: string, onClick: () => void, secondary = false): HTMLElement {
  register();
  const b = document.createElement('vscode-button');
  b.textContent = label;
  if (secondary) b.setAttribute('appearance', 'secondary');
  b.addEventListener('click', onClick);
  return b;
}

export function dropdown(
  options: { value: string; label: string }[],
  value: string,
  onChange: (v: string) => void,
  ariaLabel: string,
): HTMLElement {
  register();
  const d = document.createElement('vscode-dropdown') as HTMLElement & { value: string };
  d.setAttribute('aria-label', ariaLabel);
  for (const o of options) {
    const opt = document.createElement('vscode-option') as HTMLElement & { value: string };
    opt.setAttribute('value', o.value);
    opt.textContent = o.label;
    if (o.value === value) opt.setAttribute('selected', '');
    d.appendChild(opt);
  }
  d.addEventListener('change', () => onChange(d.value));
  // The option's `selected` attribute is read only once the element is upgraded and connected.
  queueMicrotask(() => {
    d.value = value;
  });
  return d;
}

export function checkbox(
  label: string,
  checked: boolean,
  onChange: (v: boolean) => void,
): HTMLElement {
  register();
  const c = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
  c.textContent = label;
  if (checked) c.setAttribute('checked', '');
  c.addEventListener('change', () => onChange(c.checked));
  return c;
}

export function textField(
  value: string,
  onChange: (v: string) => void,
  opts: { size?: number; ariaLabel: string; param?: string },
): HTMLElement & { value: string } {
  register();
  const t = document.createElement('vscode-text-field') as HTMLElement & { value: string };
  t.setAttribute('value', value);
  t.setAttribute('size', String(opts.size ?? 10));
  // The toolkit replaces a host aria-label with "Text field"; its slotted label is what it
  // forwards to the inner <input>, so the label goes there, hidden visually (class sk-sr-label).
  t.append(el('span', { class: 'sk-sr-label' }, opts.ariaLabel));
  t.classList.add('sk-labelled');
  if (opts.param) t.dataset.param = opts.param;
  t.addEventListener('change', () => onChange(t.value));
  return t;
}

/** A native range input (the toolkit has no slider), styled from --vscode-* variables. */
export function slider(
  min: number,
  max: number,
  step: number,
  value: number,
  onInput: (v: number) => void,
  ariaLabel: string,
): HTMLInputElement {
  const s = el('input', {
    type: 'range',
    min: String(min),
    max: String(max),
    step: String(step),
    value: String(value),
    'aria-label': ariaLabel,
    class: 'sk-slider',
  });
  s.addEventListener('input', () => onInput(Number(s.value)));
  return s;
}

export function divider(): HTMLElement {
  register();
  return document.createElement('vscode-divider');
}
