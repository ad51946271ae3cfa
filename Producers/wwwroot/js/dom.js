// Building and formatting DOM content without a library. Text always goes in as text nodes, never as HTML.

const svgNamespace = 'http://www.w3.org/2000/svg';

/** An HTML element: el('td', { class: 'num', 'data-count': 3 }, '3'). */
export function el(tag, attributes = {}, ...children) {
  return fill(document.createElement(tag), attributes, children);
}

/** An SVG element, as el. */
export function svg(tag, attributes = {}, ...children) {
  return fill(document.createElementNS(svgNamespace, tag), attributes, children);
}

/** Removes every child. */
export function clear(node) {
  node.replaceChildren();
  return node;
}

function fill(node, attributes, children) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const numbers = new Intl.NumberFormat('en-GB');
const months = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const moments = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

export const formatNumber = (n) => numbers.format(n);

/** "2026-09" → "September 2026" (the text as given when it is not a month). */
export function formatMonth(month) {
  const match = /^(\d{4})-(\d{2})$/.exec(month ?? '');
  return match ? months.format(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1))) : (month ?? '');
}

/** An ISO time in the reader's time zone, e.g. "23 Nov 2026, 19:59". */
export function formatMoment(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? (iso ?? '') : moments.format(date);
}

/** "1 crime", "63 crimes". */
export function count(n, one, many = `${one}s`) {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}
