// The result's pictures: crimes by category as a table with bars, and the crimes plotted around the point (SVG).
import { clear, count, el, formatNumber, svg } from './dom.js';

/** data.police.uk's category ids (/crime-categories), as people read them; colours with at least 3:1 on white. */
const categories = {
  'anti-social-behaviour': ['Anti-social behaviour', '#6a3d9a'],
  'bicycle-theft': ['Bicycle theft', '#1f78b4'],
  burglary: ['Burglary', '#b15928'],
  'criminal-damage-arson': ['Criminal damage and arson', '#e31a1c'],
  drugs: ['Drugs', '#2f8f2f'],
  'other-theft': ['Other theft', '#8c6d31'],
  'possession-of-weapons': ['Possession of weapons', '#252525'],
  'public-order': ['Public order', '#c85200'],
  robbery: ['Robbery', '#7570b3'],
  shoplifting: ['Shoplifting', '#0e7c86'],
  'theft-from-the-person': ['Theft from the person', '#c51b7d'],
  'vehicle-crime': ['Vehicle crime', '#00429d'],
  'violent-crime': ['Violence and sexual offences', '#8b0000'],
  'other-crime': ['Other crime', '#5f5f5f'],
};
const spareColours = ['#3f6b00', '#7a0177', '#005f73', '#9c4f00', '#4a4a8a'];

export function categoryLabel(category) {
  const known = categories[category];
  if (known) return known[0];
  const words = String(category ?? 'unknown').replaceAll('-', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function categoryColour(category) {
  const known = categories[category];
  if (known) return known[1];
  let hash = 0;
  for (const c of String(category)) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return spareColours[hash % spareColours.length];
}

/** Category counts, largest first (ties by name). */
export function sortedCategories(byCategory) {
  return Object.entries(byCategory ?? {}).sort((a, b) => b[1] - a[1] || categoryLabel(a[0]).localeCompare(categoryLabel(b[0])));
}

/**
 * Fills the chart's tbody: one row per category with its count, share and a bar scaled to the largest. Colours are SVG
 * attributes, not inline styles (the page's Content-Security-Policy allows none).
 */
export function renderCategoryChart(tbody, byCategory, total) {
  const rows = sortedCategories(byCategory);
  const largest = Math.max(1, ...rows.map(([, n]) => n));
  clear(tbody).append(...rows.map(([category, n]) => {
    const share = total > 0 ? Math.round((n / total) * 100) : 0;
    return el('tr', { 'data-category': category, 'data-count': n },
      el('th', { scope: 'row' },
        svg('svg', { class: 'swatch', viewBox: '0 0 10 10', 'aria-hidden': 'true', focusable: 'false' },
          svg('rect', { width: 10, height: 10, rx: 2, fill: categoryColour(category) })),
        categoryLabel(category)),
      el('td', { class: 'num' }, formatNumber(n)),
      el('td', { class: 'num' }, `${share}%`),
      el('td', { class: 'bar-cell', 'aria-hidden': 'true' },
        svg('svg', { class: 'bar', viewBox: '0 0 100 10', preserveAspectRatio: 'none', focusable: 'false' },
          svg('rect', { x: 0, y: 0, height: 10, width: ((n / largest) * 100).toFixed(2), fill: categoryColour(category) }))));
  }));
}

const milesPerDegree = (Math.PI / 180) * 3958.8;
const size = 480;
const centre = size / 2;
const extentMiles = 1.15;
const scale = (centre - 12) / extentMiles;

/** Miles east and north of the centre (an equirectangular projection: exact enough over a mile). */
function offsetMiles(location, latitude, longitude) {
  const east = (longitude - location.longitude) * Math.cos((location.latitude * Math.PI) / 180) * milesPerDegree;
  const north = (latitude - location.latitude) * milesPerDegree;
  return [east, north];
}

/**
 * Draws the crimes around the point into the SVG: a dot per crime coloured by category, the one-mile circle (the
 * lookup's radius), the half-mile circle and the centre. The SVG's title and description say what it shows.
 */
export function renderCrimePlot(plot, result, place) {
  const { location, crimes = [], radiusMiles = 1 } = result;
  const radius = radiusMiles * scale;
  const dot = crimes.length > 2000 ? 2 : crimes.length > 400 ? 3 : 4.5;
  let withinHalfMile = 0;
  const dots = crimes.map((crime) => {
    const [east, north] = offsetMiles(location, crime.latitude, crime.longitude);
    if (Math.hypot(east, north) <= radiusMiles / 2) withinHalfMile++;
    return svg('circle', {
      class: 'crime',
      cx: (centre + east * scale).toFixed(1),
      cy: (centre - north * scale).toFixed(1),
      r: dot,
      fill: categoryColour(crime.category),
      'data-category': crime.category,
    }, svg('title', {}, `${categoryLabel(crime.category)}: ${crime.street}`));
  });

  clear(plot);
  plot.setAttribute('viewBox', `0 0 ${size} ${size}`);
  plot.append(
    svg('title', { id: 'plot-title' }, `Map of the ${count(crimes.length, 'crime')} around ${place}`),
    svg('desc', { id: 'plot-desc' },
      `Each dot is a crime, coloured by category as in the chart. The centre is ${place} ` +
      `(${location.latitude}, ${location.longitude}); the circle marks ${radiusMiles} mile around it, the dashed circle half a mile. ` +
      `${formatNumber(withinHalfMile)} of the ${count(crimes.length, 'crime')} are within half a mile. The table below lists every crime.`),
    svg('rect', { class: 'plot-ground', x: 0, y: 0, width: size, height: size }),
    svg('line', { class: 'plot-axis', x1: centre, y1: 0, x2: centre, y2: size }),
    svg('line', { class: 'plot-axis', x1: 0, y1: centre, x2: size, y2: centre }),
    svg('circle', { class: 'plot-half-mile', cx: centre, cy: centre, r: radius / 2 }),
    svg('g', { class: 'crimes' }, dots),
    svg('circle', { class: 'plot-radius', cx: centre, cy: centre, r: radius, 'data-testid': 'radius-circle', 'data-radius-miles': radiusMiles }),
    svg('text', { class: 'plot-label', x: centre + 6, y: centre - radius - 6 }, `${radiusMiles} mile`),
    svg('text', { class: 'plot-label', x: centre + 6, y: centre - radius / 2 - 6 }, '½ mile'),
    svg('path', { class: 'plot-centre', d: `M${centre - 8} ${centre}h16M${centre} ${centre - 8}v16` }),
    svg('text', { class: 'plot-label plot-north', x: size - 24, y: 28 }, 'N ↑'),
  );
}
