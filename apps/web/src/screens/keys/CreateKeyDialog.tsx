import { useState } from 'react';
import { type Key, trpc } from '../../api';
import { errorField, errorMessage, messageWithoutField } from '../../lib/errors';
import { EMPTY_FORM, formFieldFor, type KeyFormErrors, type KeyFormValues, validateKeyForm } from '../../lib/key-form';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { SelectField } from '../../ui/Field';
import { Callout } from '../../ui/States';
import { focusFirstError, KeyForm } from './KeyForm';
import { KeyStart, keyName } from './key-bits';
import { SecretKeyDialog } from './SecretKeyDialog';

const PREFIX = 'create-key';

/**
 * Create a key, then show its secret once. While the secret is on screen the dialog closes
 * only after the user confirms they stored it.
 */
export function CreateKeyDialog({ onClose, now = Date.now }: { onClose: () => void; now?: () => number }) {
  const utils = trpc.useUtils();
  const [values, setValues] = useState<KeyFormValues>(EMPTY_FORM);
  const [errors, setErrors] = useState<KeyFormErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ key: Key; secret: string } | null>(null);
  // The API (keyspace) the key goes into; until one is picked, the organization's default.
  const apis = trpc.apis.list.useQuery();
  const [chosenApi, setChosenApi] = useState<string | null>(null);
  const [apiError, setApiError] = useState<string | undefined>();
  const apiId = chosenApi ?? apis.data?.find((a) => a.isDefault)?.id ?? apis.data?.[0]?.id ?? null;

  const create = trpc.keys.create.useMutation({
    onSuccess: (res) => {
      setCreated(res);
      void utils.keys.list.invalidate();
      void utils.audit.list.invalidate();
    },
    onError: (err) => {
      if (errorField(err) === 'apiId') {
        setApiError(messageWithoutField(errorMessage(err), 'apiId'));
        setFormError(null);
        document.getElementById(`${PREFIX}-api`)?.focus();
        return;
      }
      const field = formFieldFor(errorField(err));
      if (field) {
        const next = { [field]: messageWithoutField(errorMessage(err), errorField(err)) };
        setErrors(next);
        setFormError(null);
        focusFirstError(PREFIX, next);
      } else setFormError(errorMessage(err));
    },
  });

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const { errors: errs, fields } = validateKeyForm(values, now());
    setErrors(errs);
    setFormError(null);
    setApiError(undefined);
    if (!fields) {
      focusFirstError(PREFIX, errs);
      return;
    }
    create.mutate({
      name: fields.name,
      ...(apiId ? { apiId } : {}),
      ...(fields.description ? { description: fields.description } : {}),
      scopes: fields.scopes,
      ...(fields.permissions.length ? { permissions: fields.permissions } : {}),
      ...(fields.roles.length ? { roles: fields.roles } : {}),
      ...(fields.expiresAt ? { expiresAt: fields.expiresAt } : {}),
      ...(fields.ratelimit ? { ratelimit: fields.ratelimit } : {}),
      ...(fields.remaining !== null ? { remaining: fields.remaining } : {}),
      ...(fields.refill ? { refill: fields.refill } : {}),
      ...(fields.meta ? { meta: fields.meta } : {}),
      ...(fields.environment ? { environment: fields.environment } : {}),
      ...(fields.ownerId ? { ownerId: fields.ownerId } : {}),
      ...(fields.externalId ? { externalId: fields.externalId } : {}),
    });
  };

  if (created) {
    return (
      <SecretKeyDialog
        title="Your new API key"
        secret={created.secret}
        onDone={onClose}
        context={
          <p>
            <strong>{keyName(created.key)}</strong> · <KeyStart start={created.key.start} />
          </p>
        }
      />
    );
  }

  return (
    <Dialog
      open
      onClose={onClose}
      dismissible={!create.isPending}
      size="lg"
      title="Create API key"
      footer={
        <>
          <Button onClick={onClose} disabled={create.isPending}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form="create-key-form" loading={create.isPending}>
            Create key
          </Button>
        </>
      }
    >
      <form id="create-key-form" onSubmit={submit} noValidate aria-label="Create API key">
        <div className="form-grid">
          <SelectField
            id={`${PREFIX}-api`}
            label="API"
            value={apiId ?? ''}
            disabled={create.isPending || !apis.isSuccess}
            error={apiError}
            hint={
              apis.isError
                ? `Could not load the APIs (${errorMessage(apis.error)}); the key goes to the default API.`
                : 'The keyspace the key belongs to. Owners and admins add APIs under Organization.'
            }
            onChange={(e) => {
              setApiError(undefined);
              setChosenApi(e.target.value);
            }}
          >
            {apis.isSuccess ? (
              apis.data.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.isDefault ? `${a.name} (default)` : a.name}
                </option>
              ))
            ) : (
              <option value="">{apis.isPending ? 'Loading APIs…' : 'Default API'}</option>
            )}
          </SelectField>
          <KeyForm prefix={PREFIX} mode="create" values={values} errors={errors} disabled={create.isPending} onChange={(p) => setValues((v) => ({ ...v, ...p }))} />
        </div>
      </form>
      {formError ? <Callout tone="danger" title="The key was not created">{formError}</Callout> : null}
    </Dialog>
  );
}
