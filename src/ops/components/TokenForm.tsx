/**
 * Asks for the admin token once per browser session; shown again, with the
 * server's reason, when the server refuses it.
 */
import { useState, type FormEvent } from 'react';

interface Props {
  readonly notice: string | undefined;
  readonly onToken: (token: string) => void;
}

export function TokenForm({ notice, onToken }: Props) {
  const [value, setValue] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const token = value.trim();
    if (token) onToken(token);
  };
  return (
    <main className="ops-login">
      <form className="card" onSubmit={submit} aria-describedby="ops-token-help">
        <h1>Operations</h1>
        <p id="ops-token-help">
          The dashboard reads the server&apos;s monitoring and batch routes with its admin token (<code>ADMIN_TOKEN</code>). The token is kept for this browser
          session only.
        </p>
        {notice && (
          <p className="notice" role="alert" data-testid="ops-token-notice">
            {notice}
          </p>
        )}
        <label htmlFor="ops-token-input">Admin token</label>
        <input
          id="ops-token-input"
          data-testid="ops-token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
        <button type="submit" className="primary">
          Open the dashboard
        </button>
      </form>
    </main>
  );
}
