/**
 * The windows of the selection, newest first: predictions, labels, accuracy
 * with its interval, estimated accuracy, rejection rate; on wider screens also
 * mean confidence, gate rate and the drifted share. Each row carries its
 * figures as data attributes, exactly as the server gave them.
 */
import { useState } from 'react';
import type { MonitoringWindow } from '../api';
import { count, percent, windowTime } from '../format';

/** Rows shown before "show all". */
const FIRST_ROWS = 24;

interface Props {
  readonly windows: readonly MonitoringWindow[];
  readonly withDate: boolean;
  readonly now: number;
}

/** A column heading, abbreviated on a phone. */
function Heading({ long, short }: { readonly long: string; readonly short: string }) {
  return (
    <th scope="col">
      <span className="long">{long}</span>
      <abbr className="short" title={long}>
        {short}
      </abbr>
    </th>
  );
}

const attribute = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(value));

export function WindowsTable({ windows, withDate, now }: Props) {
  const [all, setAll] = useState(false);
  const newestFirst = [...windows].reverse();
  const shown = all ? newestFirst : newestFirst.slice(0, FIRST_ROWS);
  if (windows.length === 0) return <p className="muted">No predictions in this range.</p>;
  return (
    <>
      <table className="windows" data-testid="ops-windows">
        <caption>Windows, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Start</th>
            <Heading long="Predictions" short="n" />
            <Heading long="Labelled" short="lab." />
            <Heading long="Accuracy" short="acc." />
            <Heading long="Estimated" short="est." />
            <Heading long="Rejected" short="rej." />
            <th scope="col" className="wide-only">
              Confidence
            </th>
            <th scope="col" className="wide-only">
              Gate rate
            </th>
            <th scope="col" className="wide-only">
              Drifted
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map((w) => (
            <tr
              key={`${w.start}/${w.version}/${w.source}`}
              data-testid="ops-window-row"
              data-start={w.start}
              data-end={w.end}
              data-version={w.version}
              data-source={w.source}
              data-predictions={w.predictions}
              data-labelled={w.labelled}
              data-accuracy={attribute(w.accuracy?.value)}
              data-low={attribute(w.accuracy?.low)}
              data-high={attribute(w.accuracy?.high)}
              data-estimated={attribute(w.estimated_accuracy)}
              data-rejection={attribute(w.rejection_rate)}
            >
              <th scope="row">
                <time dateTime={w.start}>{windowTime(w.start, withDate)}</time>
                {Date.parse(w.end) > now && <small>open</small>}
              </th>
              <td>{count(w.predictions)}</td>
              <td>{count(w.labelled)}</td>
              <td data-testid="ops-window-accuracy">
                {percent(w.accuracy?.value)}
                {w.accuracy && (
                  <small className="interval">
                    {percent(w.accuracy.low, 0)}–{percent(w.accuracy.high, 0)}
                  </small>
                )}
              </td>
              <td>{percent(w.estimated_accuracy)}</td>
              <td>{percent(w.rejection_rate)}</td>
              <td className="wide-only">{percent(w.mean_confidence)}</td>
              <td className="wide-only">{percent(w.gate_rate)}</td>
              <td className="wide-only">{w.drift ? percent(w.drift.drifted_share, 0) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {newestFirst.length > FIRST_ROWS && (
        <button type="button" onClick={() => setAll(!all)}>
          {all ? `Show the newest ${FIRST_ROWS}` : `Show all ${newestFirst.length} windows`}
        </button>
      )}
    </>
  );
}
