// Small accessible SVG charts (no chart library): a line or bar chart of daily values. The SVG is
// an image with a text summary; the exact numbers are in the table beside it (DataTable).
import { useI18n } from '../i18n';

export interface Series {
  label: string;
  values: number[];
  // A CSS class setting the colour (see styles.css: .series-1 … .series-3).
  className: string;
}

const width = 640;
const height = 200;
const pad = { left: 40, right: 12, top: 12, bottom: 28 };

export function Chart(props: { kind: 'line' | 'bar'; dates: string[]; series: Series[]; title: string; summary: string }) {
  const { formatNumber, formatDate } = useI18n();
  const n = props.dates.length;
  const max = Math.max(1, ...props.series.flatMap((s) => s.values));
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const x = (i: number) => pad.left + (n <= 1 ? plotW / 2 : (i * plotW) / (n - 1));
  const y = (v: number) => pad.top + plotH - (v / max) * plotH;
  const ticks = [0, Math.round(max / 2), max];
  const labelEvery = Math.max(1, Math.ceil(n / 6));
  const barGroup = plotW / Math.max(1, n);
  const barW = Math.max(1, (barGroup * 0.8) / props.series.length);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${props.title}. ${props.summary}`} preserveAspectRatio="none">
        {ticks.map((tv) => (
          <g key={tv}>
            <line class="chart-grid" x1={pad.left} x2={width - pad.right} y1={y(tv)} y2={y(tv)} />
            <text class="chart-axis" x={pad.left - 6} y={y(tv) + 4} text-anchor="end">
              {formatNumber(tv)}
            </text>
          </g>
        ))}
        {props.dates.map((d, i) =>
          i % labelEvery === 0 ? (
            <text key={d} class="chart-axis" x={props.kind === 'bar' ? pad.left + barGroup * (i + 0.5) : x(i)} y={height - 8} text-anchor="middle">
              {formatDate(`${d}T00:00:00Z`, { month: 'numeric', day: 'numeric', timeZone: 'UTC' })}
            </text>
          ) : null,
        )}
        {props.kind === 'line'
          ? props.series.map((s) => (
              <polyline
                key={s.label}
                class={`chart-line ${s.className}`}
                points={s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ')}
              />
            ))
          : props.series.map((s, si) =>
              s.values.map((v, i) => (
                <rect
                  key={`${s.label}-${i}`}
                  class={`chart-bar ${s.className}`}
                  x={pad.left + barGroup * i + barGroup * 0.1 + si * barW}
                  y={y(v)}
                  width={barW}
                  height={Math.max(0, pad.top + plotH - y(v))}
                />
              )),
            )}
      </svg>
      {props.series.length > 1 && (
        <figcaption class="chart-legend" aria-hidden="true">
          {props.series.map((s) => (
            <span key={s.label}>
              <span class={`swatch ${s.className}`} /> {s.label}
            </span>
          ))}
        </figcaption>
      )}
    </figure>
  );
}

// The numbers behind a chart, as a table people and screen readers can read.
export function DataTable(props: { caption: string; columns: string[]; rows: (string | number)[][] }) {
  const { formatNumber } = useI18n();
  return (
    <div class="table-wrap">
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c, i) => (
              <th key={c} scope="col" class={i > 0 ? 'num' : undefined}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r, ri) => (
            <tr key={ri}>
              {r.map((cell, ci) =>
                ci === 0 ? (
                  <th key={ci} scope="row">
                    {cell}
                  </th>
                ) : (
                  <td key={ci} class="num">
                    {typeof cell === 'number' ? formatNumber(cell) : cell}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
