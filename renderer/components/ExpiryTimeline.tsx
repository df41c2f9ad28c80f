// The expiry timeline of a bulk run: certificates per week or month until Not After, each bar stacked by
// the rows' worst severity; a click (or Enter) on a bar filters the table to those certificates.
// Plain SVG: no chart library, nothing inline the page's CSP would refuse, colours from styles.css.
import { useMemo } from 'react';
import { useApp, useAppStore } from '../context.ts';
import { CATEGORY_LABEL, type RowCategory, type TableRow } from '../table.ts';
import { expiryBuckets, type ExpiryBucket } from '../timeline.ts';

const SLOT = 38;
const BAR = 26;
const CHART_HEIGHT = 70;
const LABEL_HEIGHT = 30;
/** Stacked bottom to top: the most serious at the bottom, where the eye starts. */
const STACK: RowCategory[] = ['error', 'warning', 'info', 'ok', 'none'];

function bucketText(bucket: ExpiryBucket): string {
  const parts = STACK.filter((c) => bucket.counts[c]).map((c) => `${bucket.counts[c]} ${CATEGORY_LABEL[c]}`);
  const when = bucket.label === 'expired' ? 'already expired' : `expiring ${bucket.label.startsWith('week') || bucket.label.startsWith('after') ? bucket.label : `in ${bucket.label}`}`;
  return `${bucket.total} certificate${bucket.total === 1 ? '' : 's'} ${when}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/** Axis labels, two lines: "Mar" over "2026" (the year at January and at the first month), weeks as "03-02". */
function axisLabel(bucket: ExpiryBucket, first: boolean): [string, string] {
  if (bucket.label === 'expired') return ['expired', ''];
  if (bucket.label.startsWith('after')) return ['later', ''];
  if (bucket.label.startsWith('week')) return [bucket.from.slice(5, 10), first || bucket.from.slice(5, 7) === '01' ? bucket.from.slice(0, 4) : ''];
  const date = new Date(bucket.from);
  const month = date.toLocaleString('en', { month: 'short', timeZone: 'UTC' });
  return [month, first || date.getUTCMonth() === 0 ? String(date.getUTCFullYear()) : ''];
}

export function ExpiryTimeline({ rows, now }: { rows: TableRow[]; now: Date }) {
  const store = useAppStore();
  const picked = useApp((s) => s.table.expiry);
  const buckets = useMemo(() => expiryBuckets(rows, now), [rows, now]);
  if (buckets.length === 0) return null;
  const max = Math.max(1, ...buckets.map((b) => b.total));
  const width = buckets.length * SLOT;
  // Every label when they fit, else every second or third.
  const labelEvery = Math.ceil(buckets.length / 24);
  const pick = (bucket: ExpiryBucket) => {
    const same = picked && picked.from === bucket.from && picked.to === bucket.to;
    store.getState().setTable({ expiry: same ? null : { from: bucket.from, to: bucket.to, label: bucket.label } });
  };
  return (
    <figure className="expiry-timeline">
      <figcaption>
        Certificates by Not After{picked ? `: showing ${picked.label === 'expired' ? 'the expired ones' : picked.label}` : ' (click a bar to filter the table)'}
        {picked && (
          <button type="button" className="small ghost" onClick={() => store.getState().setTable({ expiry: null })}>
            Show all
          </button>
        )}
      </figcaption>
      <svg className="timeline-chart" width={width} height={CHART_HEIGHT + LABEL_HEIGHT} viewBox={`0 0 ${width} ${CHART_HEIGHT + LABEL_HEIGHT}`} role="group" aria-label="Expiry timeline">
        <line className="axis" x1="0" x2={width} y1={CHART_HEIGHT + 0.5} y2={CHART_HEIGHT + 0.5} />
        {buckets.map((bucket, index) => {
          const x = index * SLOT + (SLOT - BAR) / 2;
          const on = picked?.from === bucket.from && picked?.to === bucket.to;
          let top = CHART_HEIGHT;
          return (
            <g
              key={`${bucket.from}-${bucket.to}`}
              className={`timeline-bar${on ? ' on' : ''}${bucket.total ? '' : ' empty'}`}
              role="button"
              tabIndex={bucket.total ? 0 : -1}
              aria-pressed={on}
              aria-label={bucketText(bucket)}
              data-bucket={bucket.label}
              onClick={() => bucket.total && pick(bucket)}
              onKeyDown={(event) => {
                if ((event.key === 'Enter' || event.key === ' ') && bucket.total) {
                  event.preventDefault();
                  pick(bucket);
                }
              }}
            >
              <title>{bucketText(bucket)}</title>
              <rect className="hit" x={index * SLOT} y="0" width={SLOT} height={CHART_HEIGHT + LABEL_HEIGHT} />
              {STACK.filter((category) => bucket.counts[category]).map((category) => {
                const height = ((bucket.counts[category] ?? 0) / max) * (CHART_HEIGHT - 14);
                top -= height;
                return <rect key={category} className={`seg cat-${category}`} x={x} y={top} width={BAR} height={height} />;
              })}
              {bucket.total > 0 && (
                <text className="count" x={x + BAR / 2} y={top - 3} textAnchor="middle">
                  {bucket.total}
                </text>
              )}
              {index % labelEvery === 0 &&
                axisLabel(bucket, index === 0 || buckets[index - 1].label === 'expired').map((line, row) => (
                  <text key={row} className="tick" x={index * SLOT + SLOT / 2} y={CHART_HEIGHT + 13 + row * 12} textAnchor="middle">
                    {line}
                  </text>
                ))}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
