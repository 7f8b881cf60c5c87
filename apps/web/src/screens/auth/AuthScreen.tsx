import { useState } from 'react';
import { trpc } from '../../api';
import { signIn, signUp } from '../../lib/auth';
import { errorMessage } from '../../lib/errors';
import { useTitle } from '../../lib/title';
import { Button } from '../../ui/Button';
import { TextField } from '../../ui/Field';
import { Callout } from '../../ui/States';

type Mode = 'owner' | 'sign-in' | 'sign-up';

/**
 * First run: on an empty instance, create the owner account. Afterwards: sign in, or create
 * an account (which works with an invitation, or when the instance allows open sign-up).
 */
export function AuthScreen({ needsOwner }: { needsOwner: boolean }) {
  const [mode, setMode] = useState<Mode>(needsOwner ? 'owner' : 'sign-in');
  const effective: Mode = needsOwner ? 'owner' : mode;
  const title = effective === 'owner' ? 'Create the owner account' : effective === 'sign-in' ? 'Sign in' : 'Create an account';
  useTitle(title);
  return (
    <main className="auth">
      <div className="auth__card">
        <div className="auth__brand">
          <svg viewBox="0 0 32 32" width="32" height="32" aria-hidden="true">
            <rect width="32" height="32" rx="7" fill="#3446c9" />
            <circle cx="12" cy="16" r="5" fill="none" stroke="#fff" strokeWidth="3" />
            <path d="M17 16h10M23 16v5M27 16v4" stroke="#fff" strokeWidth="3" strokeLinecap="round" />
          </svg>
          <span>Keyward</span>
        </div>
        <h1>{title}</h1>
        {effective === 'owner' ? (
          <p className="auth__lead">
            This instance has no accounts yet. The first account owns the first organization and can invite everyone else.
          </p>
        ) : effective === 'sign-up' ? (
          <p className="auth__lead">You need an invitation to this instance, unless its operator allows open sign-up.</p>
        ) : (
          <p className="auth__lead">Manage your organization’s API keys.</p>
        )}
        {effective === 'sign-in' ? <SignInForm /> : <SignUpForm owner={effective === 'owner'} />}
        {!needsOwner ? (
          <p className="auth__switch">
            {effective === 'sign-in' ? (
              <>
                New here?{' '}
                <button type="button" className="link-btn" onClick={() => setMode('sign-up')}>
                  Create an account
                </button>
              </>
            ) : (
              <>
                Have an account?{' '}
                <button type="button" className="link-btn" onClick={() => setMode('sign-in')}>
                  Sign in
                </button>
              </>
            )}
          </p>
        ) : null}
      </div>
    </main>
  );
}

function useAfterAuth() {
  const utils = trpc.useUtils();
  return async () => {
    await utils.invalidate();
  };
}

function SignInForm() {
  const after = useAfterAuth();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<{ email?: string; password?: string }>({});

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const errs: typeof fieldErrors = {};
    if (!email.trim()) errs.email = 'Enter your email address';
    if (!password) errs.password = 'Enter your password';
    setFieldErrors(errs);
    if (Object.keys(errs).length) return;
    setPending(true);
    setError(null);
    try {
      await signIn({ email: email.trim(), password });
      await after();
    } catch (err) {
      setError(errorMessage(err));
      setPending(false);
    }
  };

  return (
    <form className="form-grid" onSubmit={submit} noValidate>
      <TextField label="Email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} error={fieldErrors.email} />
      <TextField
        label="Password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={fieldErrors.password}
      />
      {error ? <Callout tone="danger">{error}</Callout> : null}
      <Button type="submit" variant="primary" loading={pending}>
        Sign in
      </Button>
    </form>
  );
}

function SignUpForm({ owner }: { owner: boolean }) {
  const after = useAfterAuth();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<{ name?: string; email?: string; password?: string }>({});

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const errs: typeof fieldErrors = {};
    if (!name.trim()) errs.name = 'Enter your name';
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) errs.email = 'Enter a valid email address';
    if (password.length < 8) errs.password = 'Use at least 8 characters';
    else if (password.length > 256) errs.password = 'Use at most 256 characters';
    setFieldErrors(errs);
    if (Object.keys(errs).length) return;
    setPending(true);
    setError(null);
    try {
      await signUp({ name: name.trim(), email: email.trim(), password });
      await after();
    } catch (err) {
      setError(errorMessage(err));
      setPending(false);
    }
  };

  return (
    <form className="form-grid" onSubmit={submit} noValidate>
      <TextField label="Name" autoComplete="name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} error={fieldErrors.name} />
      <TextField label="Email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} error={fieldErrors.email} />
      <TextField
        label="Password"
        type="password"
        autoComplete="new-password"
        hint="At least 8 characters. A passphrase of a few words is easy to type and hard to guess."
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={fieldErrors.password}
      />
      {error ? <Callout tone="danger">{error}</Callout> : null}
      <Button type="submit" variant="primary" loading={pending}>
        {owner ? 'Create owner account' : 'Create account'}
      </Button>
    </form>
  );
}
