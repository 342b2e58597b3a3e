import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ratioChart } from './chart.js';

test('ratioChart draws one labelled bar per ratio, colours it against its target and clips past the axis', () => {
  const svg = ratioChart('t <&>', [
    { label: 'above target', ratio: 0.5, target: 0.4 },
    { label: 'below target', ratio: 0.2, target: 0.3 },
    { label: 'no target', ratio: 9 },
  ]);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>\n$/);
  assert.ok(svg.includes('t &lt;&amp;&gt;'), 'the title is escaped');
  const bars = [...svg.matchAll(/<rect x="(\d+(?:\.\d+)?)" y="[\d.]+" width="([\d.]+)" height="\d+" fill="(#[0-9a-f]+)"\/>/g)];
  assert.deepEqual(bars.map((b) => b[3]), ['#3a9a4a', '#e08a2c', '#4a78b5']);
  // The axis stops at 400%: the 900% bar is as long as the plot and says it is clipped.
  assert.equal(Number(bars[2]![2]), 520);
  assert.ok(svg.includes('>900% (clipped)<'));
  assert.equal((svg.match(/stroke="#d11"/g) ?? []).length, 2, 'a target tick for each bar that has a target');
});
