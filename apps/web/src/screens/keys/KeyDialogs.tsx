import { useMemo, useState } from 'react';
import { type Key, trpc } from '../../api';
import { errorField, errorMessage, messageWithoutField } from '../../lib/errors';
import { changedFields, formFieldFor, formFromKey, type KeyFormErrors, type KeyFormValues, validateKeyForm } from '../../lib/key-form';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { Segmented } from '../../ui/Field';
import { Callout } from '../../ui/States';
import { focusFirstError, KeyForm } from './KeyForm';
import { KeyStart, keyName } from './key-bits';
import { SecretKeyDialog } from './SecretKeyDialog';

function useInvalidateKey() {
  const utils = trpc.useUtils();
  return async () => {
    await Promise.all([utils.keys.get.invalidate(), utils.keys.list.invalidate(), utils.audit.list.invalidate()]);
  };
}

const EDIT = 'edit-key';

/** Edits a key; sends only the fields that changed, so untouched counters are not reset. */
export function EditKeyDialog({ k, onClose, onSaved }: { k: Key; onClose: () => void; onSaved: () => void }) {
  const invalidate = useInvalidateKey();
  const initial = useMemo(() => formFromKey(k), [k]);
  const [values, setValues] = useState<KeyFormValues>(initial);
  const [errors, setErrors] = useState<KeyFormErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const update = trpc.keys.update.useMutation({
    onSuccess: async () => {
      await invalidate();
      onSaved();
    },
    onError: (err) => {
      const field = formFieldFor(errorField(err));
      if (field) {
        const next = { [field]: messageWithoutField(errorMessage(err), errorField(err)) };
        setErrors(next);
        focusFirstError(EDIT, next);
      } else setFormError(errorMessage(err));
    },
  });

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const now = Date.now();
    const { errors: errs, fields } = validateKeyForm(values, now);
    setErrors(errs);
    setFormError(null);
    if (!fields) {
      focusFirstError(EDIT, errs);
      return;
    }
    const before = validateKeyForm(initial, now).fields;
    const patch = before ? changedFields(before, fields) : fields;
    if (Object.keys(patch).length === 0) {
      onClose();
      return;
    }
    update.mutate({ id: k.id, ...patch });
  };

  return (
    <Dialog
      open
      onClose={onClose}
      dismissible={!update.isPending}
      size="lg"
      title={`Edit ${keyName(k)}`}
      footer={
        <>
          <Button onClick={onClose} disabled={update.isPending}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form="edit-key-form" loading={update.isPending}>
            Save changes
          </Button>
        </>
      }
    >
      <form id="edit-key-form" onSubmit={submit} noValidate aria-label="Edit key">
        <KeyForm
          prefix={EDIT}
          mode="edit"
          currentExpiry={k.expiresAt}
          values={values}
          errors={errors}
          disabled={update.isPending}
          onChange={(p) => setValues((v) => ({ ...v, ...p }))}
        />
      </form>
      {formError ? <Callout tone="danger" title="Nothing was saved">{formError}</Callout> : null}
    </Dialog>
  );
}

const GRACE = [
  { value: '0', label: 'Now', words: 'stops working immediately' },
  { value: '3600000', label: '1 hour', words: 'keeps working for 1 hour' },
  { value: '86400000', label: '24 hours', words: 'keeps working for 24 hours' },
  { value: '604800000', label: '7 days', words: 'keeps working for 7 days' },
] as const;
type Grace = (typeof GRACE)[number]['value'];

/** Rolls a key: a new secret with the same settings; the old one lives on for a grace period. */
export function RollKeyDialog({ k, onClose, onRolled }: { k: Key; onClose: () => void; onRolled: (newKey: Key) => void }) {
  const invalidate = useInvalidateKey();
  const [grace, setGrace] = useState<Grace>('3600000');
  const [rolled, setRolled] = useState<{ key: Key; secret: string } | null>(null);
  const reroll = trpc.keys.reroll.useMutation({
    onSuccess: (res) => {
      setRolled(res);
      void invalidate();
    },
  });
  const words = GRACE.find((g) => g.value === grace)?.words ?? '';

  if (rolled) {
    return (
      <SecretKeyDialog
        title="Your rolled API key"
        secret={rolled.secret}
        onDone={() => onRolled(rolled.key)}
        context={
          <p>
            Replace <KeyStart start={k.start} /> with this key. The old key {words}.
          </p>
        }
      />
    );
  }

  return (
    <Dialog
      open
      onClose={onClose}
      dismissible={!reroll.isPending}
      title={`Roll ${keyName(k)}`}
      description="Issues a new secret with the same name, access and limits."
      footer={
        <>
          <Button onClick={onClose} disabled={reroll.isPending}>
            Cancel
          </Button>
          <Button variant="primary" loading={reroll.isPending} onClick={() => reroll.mutate({ id: k.id, graceMs: Number(grace) })}>
            Roll key
          </Button>
        </>
      }
    >
      <Segmented legend="Old key keeps working for" name="grace" value={grace} options={GRACE} onChange={setGrace} />
      <p className="muted">
        After rolling, <KeyStart start={k.start} /> {words}.
      </p>
      {reroll.isError ? <Callout tone="danger" title="The key was not rolled">{errorMessage(reroll.error)}</Callout> : null}
    </Dialog>
  );
}

/** Revokes a key after a confirmation that names it; no optimistic update. */
export function RevokeKeyDialog({ k, onClose, onRevoked }: { k: Key; onClose: () => void; onRevoked: () => void }) {
  const invalidate = useInvalidateKey();
  const revoke = trpc.keys.revoke.useMutation({
    onSuccess: async () => {
      await invalidate();
      onRevoked();
    },
  });
  return (
    <Dialog
      open
      role="alertdialog"
      size="sm"
      onClose={onClose}
      dismissible={!revoke.isPending}
      title={`Revoke “${keyName(k)}”?`}
      footer={
        <>
          <Button onClick={onClose} disabled={revoke.isPending}>
            Cancel
          </Button>
          <Button variant="danger" loading={revoke.isPending} onClick={() => revoke.mutate({ id: k.id })}>
            Revoke key
          </Button>
        </>
      }
    >
      <p>
        Every request with <KeyStart start={k.start} /> will be refused from the next one on. Revoking cannot be undone.
      </p>
      {revoke.isError ? <Callout tone="danger" title="The key was not revoked">{errorMessage(revoke.error)}</Callout> : null}
    </Dialog>
  );
}

/** Deletes a key for good; its audit trail stays. */
export function DeleteKeyDialog({ k, onClose, onDeleted }: { k: Key; onClose: () => void; onDeleted: () => void }) {
  const utils = trpc.useUtils();
  const del = trpc.keys.delete.useMutation({
    onSuccess: async () => {
      await Promise.all([utils.keys.list.invalidate(), utils.audit.list.invalidate()]);
      onDeleted();
    },
  });
  return (
    <Dialog
      open
      role="alertdialog"
      size="sm"
      onClose={onClose}
      dismissible={!del.isPending}
      title={`Delete “${keyName(k)}” permanently?`}
      footer={
        <>
          <Button onClick={onClose} disabled={del.isPending}>
            Cancel
          </Button>
          <Button variant="danger" loading={del.isPending} onClick={() => del.mutate({ id: k.id })}>
            Delete key
          </Button>
        </>
      }
    >
      <p>The key disappears from every list. Its entries in the audit log stay.</p>
      {del.isError ? <Callout tone="danger" title="The key was not deleted">{errorMessage(del.error)}</Callout> : null}
    </Dialog>
  );
}
