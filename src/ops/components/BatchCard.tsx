/**
 * Batch jobs: the upload form, and the jobs newest first, followed every
 * second while one is queued or running (its progress, its counts), with
 * their predictions and errors to download and a cancel for unfinished ones.
 */
import { useEffect, useState } from 'react';
import { FINISHED_STATES } from '../../core/api/batch';
import type { Manifest } from '../../core/manifest';
import type { BatchJob } from '../api';
import { useLoad } from '../hooks/use-load';
import { BatchJobItem } from './BatchJobItem';
import { BatchUploadForm } from './BatchUploadForm';
import { CardStatus } from './CardStatus';

/** How often the jobs are read while one is unfinished. */
const FOLLOW_MS = 1000;

interface Props {
  readonly manifest: Manifest;
  readonly tick: number;
}

export function BatchCard({ manifest, tick }: Props) {
  const [local, setLocal] = useState(0);
  const loaded = useLoad<BatchJob[]>((api) => api.batchJobs(), 'batch-jobs', `${tick}:${local}`);
  const jobs = loaded.data ?? [];
  const active = jobs.some((j) => !FINISHED_STATES.includes(j.state));
  const reload = () => setLocal((n) => n + 1);
  useEffect(() => {
    if (!active) return;
    const timer = setTimeout(() => setLocal((n) => n + 1), FOLLOW_MS);
    return () => clearTimeout(timer);
  }, [active, loaded.data]);
  return (
    <section className="card wide" aria-labelledby="ops-batch-title">
      <h2 id="ops-batch-title">Batch jobs</h2>
      <BatchUploadForm manifest={manifest} onCreated={reload} />
      <h3>Jobs, newest first</h3>
      <CardStatus loaded={loaded} />
      {loaded.data && jobs.length === 0 && <p className="muted">No batch jobs yet.</p>}
      <ul className="jobs" data-testid="ops-batch-jobs" aria-label="Batch jobs">
        {jobs.map((job) => (
          <BatchJobItem key={job.id} job={job} onChanged={reload} />
        ))}
      </ul>
    </section>
  );
}
