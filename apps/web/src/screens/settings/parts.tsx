import { type ReactNode, useState } from 'react';
import { errorField, errorMessage, messageWithoutField } from '../../lib/errors';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { TextField } from '../../ui/Field';
import { Callout } from '../../ui/States';

export interface FieldSpec {
  name: string;
  label: string;
  hint?: string;
  optional?: boolean;
  maxLength?: number;
}

/**
 * A one-row create form for the settings catalogues. Empty required fields are caught here;
 * anything else the API refuses lands on the field it names, or below the form.
 */
export function CreateForm({
  label,
  fields,
  submitLabel,
  pending,
  onSubmit,
}: {
  label: string;
  fields: FieldSpec[];
  submitLabel: string;
  pending: boolean;
  /** Resolves when created (the form then clears); rejects with the API's error. */
  onSubmit: (values: Record<string, string>) => Promise<unknown>;
}) {
  const blank = Object.fromEntries(fields.map((f) => [f.name, '']));
  const [values, setValues] = useState<Record<string, string>>(blank);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setFormError(null);
    const missing = fields.filter((f) => !f.optional && !values[f.name]?.trim());
    if (missing.length > 0) {
      setErrors(Object.fromEntries(missing.map((f) => [f.name, `Enter a ${f.label.toLowerCase()}`])));
      return;
    }
    setErrors({});
    try {
      await onSubmit(Object.fromEntries(fields.map((f) => [f.name, values[f.name]?.trim() ?? ''])));
      setValues(blank);
    } catch (err) {
      const field = errorField(err);
      if (field && fields.some((f) => f.name === field)) setErrors({ [field]: messageWithoutField(errorMessage(err), field) });
      else setFormError(errorMessage(err));
    }
  };

  return (
    <>
      <form className="invite-form" onSubmit={submit} noValidate aria-label={label}>
        {fields.map((f) => (
          <TextField
            key={f.name}
            label={f.label}
            hint={f.hint}
            optional={f.optional}
            maxLength={f.maxLength}
            autoComplete="off"
            value={values[f.name] ?? ''}
            error={errors[f.name]}
            disabled={pending}
            onChange={(e) => setValues((v) => ({ ...v, [f.name]: e.target.value }))}
          />
        ))}
        <Button type="submit" variant="primary" loading={pending}>
          {submitLabel}
        </Button>
      </form>
      {formError ? <Callout tone="danger">{formError}</Callout> : null}
    </>
  );
}

/** A row's Delete action; `label` names the row for assistive technology, as every row reads "Delete". */
export function DeleteButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <Button size="sm" variant="ghost" aria-label={label} onClick={onClick}>
      Delete
    </Button>
  );
}

/** Asks before a delete; shows the API's refusal in place. */
export function ConfirmDeleteDialog({
  title,
  confirmLabel,
  children,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  title: string;
  confirmLabel: string;
  children: ReactNode;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog
      open
      role="alertdialog"
      size="sm"
      onClose={onClose}
      dismissible={!pending}
      title={title}
      footer={
        <>
          <Button onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button variant="danger" loading={pending} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {children}
      {error ? <Callout tone="danger">{errorMessage(error)}</Callout> : null}
    </Dialog>
  );
}
