/**
 * The dashboard's root: the token form until a token is given, then the
 * dashboard with a session over it. A refused token is forgotten and asked
 * for again, with the server's reason.
 */
import { useMemo, useState } from 'react';
import { OpsApi, type AuthError } from './api';
import { Dashboard } from './components/Dashboard';
import { TokenForm } from './components/TokenForm';
import { SessionContext, type OpsSession } from './session';
import { forgetToken, storedToken, storeToken } from './token';

function refusal(error: AuthError): string {
  if (error.code === 'ADMIN_DISABLED') return `The server's admin API is off: ${error.message}. Set ADMIN_TOKEN on the server, then enter it here.`;
  return `The server refused the token (${error.status}): ${error.message}. Enter the admin token again.`;
}

export function OpsApp() {
  const [token, setToken] = useState<string | null>(storedToken);
  const [notice, setNotice] = useState<string>();
  const session = useMemo<OpsSession | null>(
    () =>
      token === null
        ? null
        : {
            api: new OpsApi(token),
            refused: (error) => {
              forgetToken();
              setNotice(refusal(error));
              setToken(null);
            },
          },
    [token],
  );
  if (!session)
    return (
      <TokenForm
        notice={notice}
        onToken={(given) => {
          storeToken(given);
          setNotice(undefined);
          setToken(given);
        }}
      />
    );
  return (
    <SessionContext value={session}>
      <Dashboard
        onSignOut={() => {
          forgetToken();
          setNotice('Signed out: the token was forgotten.');
          setToken(null);
        }}
      />
    </SessionContext>
  );
}
