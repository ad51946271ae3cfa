// The state machine as a picture without a Mermaid library: the API's `stateDiagram-v2` text is parsed for its
// transitions (`A --> B: Message`), the states laid out in columns by their distance from the start, and drawn as SVG.
// The picture is a summary; the transitions table beside it is the readable, complete form.
import { clear, svg } from './dom.js';

const start = '[*]';

/** The transitions of a Mermaid stateDiagram-v2: [{ from, to, on }] in the text's order. Other lines are ignored. */
export function parseMermaid(text) {
  const transitions = [];
  for (const line of (text ?? '').split('\n')) {
    const match = /^\s*(\[\*\]|[\w.]+)\s*-->\s*(\[\*\]|[\w.]+)\s*(?::\s*(.*))?$/.exec(line);
    if (match) transitions.push({ from: match[1], to: match[2], on: (match[3] ?? '').trim() });
  }
  return transitions;
}

/** Columns of states: the start, then each state at its shortest distance from it (breadth first). */
function layers(transitions) {
  const depth = new Map([[start, 0]]);
  const queue = [start];
  while (queue.length > 0) {
    const state = queue.shift();
    for (const t of transitions.filter((t) => t.from === state)) {
      if (!depth.has(t.to)) {
        depth.set(t.to, depth.get(state) + 1);
        queue.push(t.to);
      }
    }
  }
  // States not reachable from the start (none today) go in a last column rather than disappear.
  const last = Math.max(...depth.values()) + 1;
  for (const t of transitions) {
    for (const s of [t.from, t.to]) if (!depth.has(s)) depth.set(s, last);
  }
  const columns = [];
  for (const [state, d] of depth) (columns[d] ??= []).push(state);
  return columns.filter(Boolean);
}

/**
 * Draws the diagram into the svg element: a box per state (with its count when counts has it), an arrow per pair of
 * states that has a transition (several messages between the same pair share one arrow, its title lists them).
 */
export function renderStateDiagram(element, transitions, counts = new Map()) {
  clear(element);
  const box = { width: 150, height: 46 };
  const gap = { x: 90, y: 26 };
  const columns = layers(transitions);
  const tallest = Math.max(...columns.map((c) => c.length));
  const width = columns.length * box.width + (columns.length - 1) * gap.x + 90; // room for same-column curves
  const height = tallest * box.height + (tallest - 1) * gap.y + 40;
  element.setAttribute('viewBox', `0 0 ${width} ${height}`);

  const position = new Map();
  columns.forEach((states, c) => {
    const columnHeight = states.length * box.height + (states.length - 1) * gap.y;
    states.forEach((state, r) => {
      position.set(state, {
        x: 20 + c * (box.width + gap.x),
        y: (height - columnHeight) / 2 + r * (box.height + gap.y),
      });
    });
  });

  element.append(svg('defs', {},
    svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'diagram-arrowhead' }))));

  const pairs = new Map();
  for (const t of transitions) {
    const key = `${t.from}→${t.to}`;
    if (!pairs.has(key)) pairs.set(key, { from: t.from, to: t.to, on: [] });
    if (t.on) pairs.get(key).on.push(t.on);
  }

  const edges = svg('g', { class: 'diagram-edges' });
  for (const pair of pairs.values()) {
    const a = position.get(pair.from);
    const b = position.get(pair.to);
    const path = svg('path', { d: edgePath(a, b, box), class: 'diagram-edge', 'marker-end': 'url(#arrow)' },
      svg('title', {}, `${label(pair.from)} to ${label(pair.to)} on ${pair.on.join(', ') || 'any message'}`));
    edges.append(path);
  }
  element.append(edges);

  for (const [state, p] of position) {
    const count = counts.get(state);
    const node = svg('g', { class: `diagram-state${state === start ? ' diagram-start' : ''}`, 'data-state': state });
    if (state === start) {
      node.append(svg('circle', { cx: p.x + box.width / 2, cy: p.y + box.height / 2, r: 10 }));
    } else {
      node.append(
        svg('rect', { x: p.x, y: p.y, width: box.width, height: box.height, rx: 8 }),
        svg('text', { x: p.x + box.width / 2, y: p.y + (count === undefined ? 28 : 20), 'text-anchor': 'middle', class: 'diagram-name' }, state),
      );
      if (count !== undefined) {
        node.append(svg('text', { x: p.x + box.width / 2, y: p.y + 38, 'text-anchor': 'middle', class: 'diagram-count', 'data-count': count },
          `${count} now`));
      }
    }
    element.append(node);
  }
}

const label = (state) => (state === start ? 'the start' : state);

/** From the right edge of a to the left edge of b; within one column or backwards, a curve around the boxes. */
function edgePath(a, b, box) {
  const ay = a.y + box.height / 2;
  const by = b.y + box.height / 2;
  if (b.x > a.x) {
    const x1 = a.x + box.width;
    const x2 = b.x;
    const mid = (x1 + x2) / 2;
    return `M${x1},${ay} C${mid},${ay} ${mid},${by} ${x2 - 2},${by}`;
  }
  if (b.x === a.x) {
    // Same column: out of the right side, round, into the right side (below or above).
    const x = a.x + box.width;
    const bulge = x + 40;
    return `M${x},${ay} C${bulge},${ay} ${bulge},${by} ${x + 2},${by}`;
  }
  // Backwards: out of the top of a, over, into the top of b.
  const x1 = a.x + box.width / 2;
  const x2 = b.x + box.width / 2;
  const top = Math.min(a.y, b.y) - 18;
  return `M${x1 - 20},${a.y} C${x1 - 20},${top} ${x2 + 20},${top} ${x2 + 20},${b.y - 2}`;
}
