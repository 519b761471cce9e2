/**
 * Starts a batch job over a file from this device: the file (JSONL of
 * `{"key", "pixels"|"image"}` rows, or CSV) and the job's options, sent as a
 * multipart upload; the server streams it to disk.
 */
import { useState, type FormEvent } from 'react';
import { BATCH_SIGNATURES } from '../../core/api/batch';
import type { Manifest } from '../../core/manifest';
import { AuthError } from '../api';
import { modelNames, versionsOf } from '../selection';
import { useSession } from '../session';

interface Props {
  readonly manifest: Manifest;
  readonly onCreated: (id: string) => void;
}

type Outcome =
  | { readonly kind: 'idle' }
  | { readonly kind: 'sending' }
  | { readonly kind: 'created'; readonly id: string }
  | { readonly kind: 'error'; readonly message: string };

export function BatchUploadForm({ manifest, onCreated }: Props) {
  const { api, refused } = useSession();
  const names = modelNames(manifest);
  const [model, setModel] = useState(() => manifest.models.find((m) => m.role === 'cloud')?.name ?? names[0] ?? '');
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const element = event.currentTarget;
    const data = new FormData(element);
    const file = data.get('input');
    if (!(file instanceof File) || file.size === 0) {
      setOutcome({ kind: 'error', message: 'Choose a non-empty .jsonl or .csv file.' });
      return;
    }
    // The options first, the file last, as the server reads the parts in order.
    const form = new FormData();
    for (const name of ['model', 'version', 'signature']) {
      const value = data.get(name);
      if (typeof value === 'string' && value !== '') form.set(name, value);
    }
    form.set('log', data.get('log') === 'on' ? 'true' : 'false');
    form.set('input', file, file.name);
    setOutcome({ kind: 'sending' });
    try {
      const id = await api.createBatchJob(form);
      setOutcome({ kind: 'created', id });
      element.reset();
      onCreated(id);
    } catch (error) {
      if (error instanceof AuthError) refused(error);
      else setOutcome({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  };

  return (
    <form className="upload" data-testid="ops-batch-upload" aria-label="Start a batch job" onSubmit={(e) => void submit(e)}>
      <label className="file">
        Input file (.jsonl or .csv)
        <input type="file" name="input" accept=".jsonl,.csv" required />
      </label>
      <label>
        Model
        <select name="model" value={model} onChange={(e) => setModel(e.target.value)}>
          {names.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
      </label>
      <label>
        Version
        <select name="version" key={model} defaultValue="">
          <option value="">newest</option>
          {versionsOf(manifest, model).map((v) => (
            <option key={v}>{v}</option>
          ))}
        </select>
      </label>
      <label>
        Signature
        <select name="signature" defaultValue="serving_default">
          {BATCH_SIGNATURES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <label className="check">
        <input type="checkbox" name="log" />
        Log the predictions for evaluation
      </label>
      <button type="submit" className="primary" disabled={outcome.kind === 'sending'}>
        {outcome.kind === 'sending' ? 'Uploading…' : 'Start the job'}
      </button>
      <p role="status" className={outcome.kind === 'error' ? 'notice' : 'muted'} data-testid="ops-batch-outcome">
        {outcome.kind === 'created' && `Job ${outcome.id} queued.`}
        {outcome.kind === 'error' && outcome.message}
      </p>
    </form>
  );
}
