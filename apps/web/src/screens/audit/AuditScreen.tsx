import { useEffect, useState } from 'react';
import { trpc } from '../../api';
import { navigate, useLocation } from '../../lib/router';
import { useTitle } from '../../lib/title';
import { useSession } from '../../session';
import { SelectField, TextField } from '../../ui/Field';
import { PageHeader } from '../../ui/misc';
import { ACTIONS, AuditList } from './AuditList';

/** The organization's audit log, filterable by actor, action and key; filters live in the URL. */
export function AuditScreen() {
  useTitle('Audit log');
  const { org } = useSession();
  const { search } = useLocation();
  const actorId = search.get('actor') ?? '';
  const action = search.get('action') ?? '';
  const keyParam = search.get('key') ?? '';
  const [keyInput, setKeyInput] = useState(keyParam);
  const members = trpc.orgs.members.useQuery(undefined, { staleTime: 60_000 });

  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    const qs = next.toString();
    navigate(`/audit${qs ? `?${qs}` : ''}`, { replace: true });
  };

  // The key filter follows typing after a pause; the URL stays the one source of truth.
  const wanted = keyInput.trim();
  useEffect(() => {
    if (wanted === keyParam) return;
    const t = setTimeout(() => {
      const next = new URLSearchParams(window.location.search);
      if (wanted) next.set('key', wanted);
      else next.delete('key');
      const qs = next.toString();
      navigate(`/audit${qs ? `?${qs}` : ''}`, { replace: true });
    }, 300);
    return () => clearTimeout(t);
  }, [wanted, keyParam]);

  return (
    <>
      <PageHeader
        title="Audit log"
        description={org.role === 'member' ? 'What you did in this organization.' : 'Who did what in this organization, and from where.'}
      />
      <search className="toolbar" aria-label="Filter audit log">
        <SelectField label="Actor" value={actorId} onChange={(e) => setParam('actor', e.target.value)}>
          <option value="">Anyone</option>
          {(members.data ?? []).map((m) => (
            <option key={m.userId} value={m.userId}>
              {m.name} ({m.email})
            </option>
          ))}
        </SelectField>
        <SelectField label="Action" value={action} onChange={(e) => setParam('action', e.target.value)}>
          <option value="">Any action</option>
          {Object.entries(ACTIONS).map(([value, label]) => (
            <option key={value} value={value}>
              {label} ({value})
            </option>
          ))}
        </SelectField>
        <TextField label="Key ID" placeholder="key_…" value={keyInput} maxLength={64} onChange={(e) => setKeyInput(e.target.value)} spellCheck={false} />
      </search>
      <AuditList filter={{ actorId, action, keyId: keyParam }} />
    </>
  );
}
