/**
 * One batch job: its input, model and state, its progress while it runs, and
 * its predictions and errors to download (fetched with the token, then saved
 * from a Blob link); a queued or running job can be cancelled.
 */
import { useState } from 'react';
import { FINISHED_STATES } from '../../core/api/batch';
import { AuthError, type BatchJob, type BatchOutput } from '../api';
import { count, fullTime } from '../format';
import { useSession } from '../session';

interface Props {
  readonly job: BatchJob;
  readonly onChanged: () => void;
}

/** Saves a Blob under a file name through a temporary link. */
function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function BatchJobItem({ job, onChanged }: Props) {
  const { api, refused } = useSession();
  const [problem, setProblem] = useState<string>();
  const finished = FINISHED_STATES.includes(job.state);
  const done = job.successful + job.failed;

  const run = async (action: () => Promise<void>) => {
    setProblem(undefined);
    try {
      await action();
    } catch (error) {
      if (error instanceof AuthError) refused(error);
      else setProblem(error instanceof Error ? error.message : String(error));
    }
  };
  const download = (kind: BatchOutput) => run(async () => save(await api.batchOutput(job.id, kind), `${job.id}-${kind}.jsonl`));
  const cancel = () =>
    run(async () => {
      await api.cancelBatchJob(job.id);
      onChanged();
    });

  return (
    <li className="job" data-testid="ops-batch-job" data-id={job.id} data-state={job.state} data-successful={job.successful} data-failed={job.failed}>
      <p className="job-head">
        <strong className="job-input">{job.input}</strong> <span className={`badge state-${job.state}`}>{job.state}</span>
      </p>
      <p className="muted">
        {job.model} v{job.model_version}, {job.signature}
        {job.log && ', logged'} · created {fullTime(job.created)}
        {job.finished && ` · finished ${fullTime(job.finished)}`}
      </p>
      <progress max={job.total ?? 1} value={job.total === undefined ? 0 : done} aria-label={`Progress of ${job.input}`} />
      <p>
        {count(done)} of {job.total === undefined ? 'unknown' : count(job.total)} rows: {count(job.successful)} predicted, {count(job.failed)} refused
      </p>
      {job.message && <p className="notice">{job.message}</p>}
      <div className="job-actions">
        <button type="button" data-testid="ops-download-predictions" onClick={() => void download('predictions')} disabled={job.successful === 0}>
          Predictions
        </button>
        <button type="button" data-testid="ops-download-errors" onClick={() => void download('errors')} disabled={job.failed === 0}>
          Errors
        </button>
        {!finished && (
          <button type="button" onClick={() => void cancel()}>
            Cancel
          </button>
        )}
      </div>
      {problem && (
        <p className="notice" role="alert">
          {problem}
        </p>
      )}
    </li>
  );
}
