// subset.js writes the part of the Salesforce Lightning Design System's
// stylesheet that mocksf's pages use (make slds). It keeps the base rules
// (selectors with no slds- class), :root's design tokens, and every rule
// whose slds- classes all belong to the components listed in KEEP; it
// drops @font-face, @keyframes and any declaration that loads an image
// from the package, so the embedded file needs nothing but itself.
// Usage: node subset.js <slds.min.css> <out.css>
'use strict';
const fs = require('fs');

// The component classes mocksf's templates use. A class matches an entry
// when it is the entry itself or starts with it and "_" or "-" (a
// component with its parts and variants); an entry ending in "$" matches
// only itself, for components whose many variants mocksf does not use.
const KEEP = [
  'slds-global-header', 'slds-global-actions', 'slds-global-search', 'slds-context-bar',
  'slds-button', 'slds-button_brand$', 'slds-button_neutral$', 'slds-button_icon$', 'slds-button__icon$',
  'slds-button-group', 'slds-input', 'slds-form-element', 'slds-form', 'slds-select', 'slds-textarea',
  'slds-checkbox$', 'slds-checkbox__label$', 'slds-checkbox_faux$', 'slds-radio$', 'slds-radio__label$',
  'slds-radio_faux$', 'slds-card', 'slds-page-header', 'slds-media', 'slds-grid', 'slds-col', 'slds-size',
  'slds-table', 'slds-truncate', 'slds-text-heading', 'slds-text-title', 'slds-text-body',
  'slds-text-color', 'slds-text-align', 'slds-text-link', 'slds-m', 'slds-p', 'slds-notify',
  'slds-theme_shade$', 'slds-theme_default$', 'slds-theme_error$', 'slds-theme_warning$', 'slds-theme_info$',
  'slds-theme_alert-texture$', 'slds-box', 'slds-dropdown', 'slds-dropdown-trigger', 'slds-assistive-text',
  'slds-nav-vertical', 'slds-section', 'slds-scoped-notification', 'slds-badge', 'slds-required',
  'slds-has-error', 'slds-is-open$', 'slds-is-active$', 'slds-has-divider', 'slds-list', 'slds-gutters',
  'slds-wrap$', 'slds-align', 'slds-container', 'slds-hide$', 'slds-show$', 'slds-float', 'slds-border',
  'slds-breadcrumb', 'slds-icon-waffle', 'slds-icon-waffle_container', 'slds-r1$', 'slds-r2$', 'slds-r3$',
  'slds-r4$', 'slds-r5$', 'slds-r6$', 'slds-r7$', 'slds-r8$', 'slds-r9$', 'slds-has-flexi-truncate$',
  'slds-no-flex$', 'slds-shrink-none$', 'slds-is-relative$', 'slds-text-longform$', 'slds-tile',
  'slds-brand-band$',
];

function allowed(cls) {
  return KEEP.some(k => k.endsWith('$') ? cls === k.slice(0, -1)
    : cls === k || cls.startsWith(k + '_') || cls.startsWith(k + '-'));
}

// splitTop splits s at ch where it is outside quotes and parentheses.
function splitTop(s, ch) {
  const out = [];
  let depth = 0, quote = '', start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) { if (c === '\\') i++; else if (c === quote) quote = ''; continue; }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ch && depth === 0) { out.push(s.slice(start, i)); start = i + 1; }
  }
  out.push(s.slice(start));
  return out;
}

// items parses a run of CSS rules into {prelude, body} (body null for a
// statement such as @charset).
function items(css) {
  const out = [];
  let i = 0;
  while (i < css.length) {
    let j = i, quote = '', depth = 0, preludeEnd = -1;
    for (; j < css.length; j++) {
      const c = css[j];
      if (quote) { if (c === '\\') j++; else if (c === quote) quote = ''; continue; }
      if (c === '"' || c === "'") { quote = c; continue; }
      if (c === '/' && css[j + 1] === '*') { j = css.indexOf('*/', j + 2) + 1; continue; }
      if (c === '{') { if (depth === 0) preludeEnd = j; depth++; }
      else if (c === '}') { depth--; if (depth === 0) break; }
      else if (c === ';' && depth === 0) break;
    }
    const text = css.slice(i, j + 1);
    if (preludeEnd < 0) out.push({ prelude: text.replace(/;$/, '').trim(), body: null });
    else out.push({ prelude: css.slice(i, preludeEnd).trim(), body: css.slice(preludeEnd + 1, j) });
    i = j + 1;
  }
  return out.filter(it => it.prelude !== '' || it.body !== null);
}

function keepDecls(body) {
  return splitTop(body, ';').filter(d => d.trim() !== '' && !/url\(\s*["']?\.\.\//.test(d)).join(';');
}

function subset(css) {
  let out = '';
  for (const it of items(css)) {
    const p = it.prelude.replace(/\/\*[\s\S]*?\*\//g, '').trim();
    if (it.body === null) { if (p.startsWith('@charset')) out += p + ';'; continue; }
    if (p.startsWith('@font-face') || p.startsWith('@keyframes') || p.startsWith('@-webkit-keyframes')) continue;
    if (p.startsWith('@media') || p.startsWith('@supports') || p.startsWith('@layer')) {
      const inner = subset(it.body);
      if (inner) out += p + '{' + inner + '}';
      continue;
    }
    if (p.startsWith('@')) continue;
    const sels = splitTop(p, ',').filter(sel => {
      const classes = sel.match(/\.slds-[\w-]+/g) || [];
      return classes.every(c => allowed(c.slice(1)));
    });
    if (sels.length === 0) continue;
    const decls = keepDecls(it.body);
    if (decls) out += sels.join(',') + '{' + decls + '}';
  }
  return out;
}

const [src, dst] = process.argv.slice(2);
const css = fs.readFileSync(src, 'utf8');
const version = (css.match(/Lightning Design System ([\d.]+)/) || [])[1] || '?';
const header = '/*! Lightning Design System ' + version + ' (BSD-3-Clause, LICENSE-slds.txt): the subset mocksf uses, made by mocksf/web/slds/subset.js */\n';
fs.writeFileSync(dst, header + subset(css.replace(/^@charset "UTF-8";/, '')) + '\n');
