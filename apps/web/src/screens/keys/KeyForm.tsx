import type { KeyFormErrors, KeyFormField, KeyFormValues } from '../../lib/key-form';
import { Checkbox, SelectField, TextArea, TextField } from '../../ui/Field';

/** Field order, so the first invalid one can take focus. */
export const FIELD_ORDER: KeyFormField[] = [
  'name',
  'description',
  'customScopes',
  'permissions',
  'roles',
  'expiryDate',
  'ratelimitLimit',
  'ratelimitWindow',
  'remaining',
  'refillAmount',
  'refillDay',
  'meta',
  'environment',
  'ownerId',
  'externalId',
];

export const fieldId = (prefix: string, field: KeyFormField) => `${prefix}-${field}`;

export function focusFirstError(prefix: string, errors: KeyFormErrors) {
  const first = FIELD_ORDER.find((f) => errors[f]);
  if (!first) return;
  if (['environment', 'ownerId', 'externalId'].includes(first)) {
    const details = document.getElementById(`${prefix}-more`) as HTMLDetailsElement | null;
    if (details) details.open = true;
  }
  document.getElementById(fieldId(prefix, first))?.focus();
}

function todayPlus(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The fields of a key, shared by the create and edit dialogs. */
export function KeyForm({
  values,
  errors,
  onChange,
  prefix,
  mode,
  currentExpiry,
  disabled = false,
}: {
  values: KeyFormValues;
  errors: KeyFormErrors;
  onChange: (patch: Partial<KeyFormValues>) => void;
  prefix: string;
  mode: 'create' | 'edit';
  currentExpiry?: string | null;
  disabled?: boolean;
}) {
  const id = (f: KeyFormField) => fieldId(prefix, f);
  const text = (f: KeyFormField) => ({
    id: id(f),
    value: values[f] as string,
    error: errors[f],
    disabled,
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => onChange({ [f]: e.target.value } as Partial<KeyFormValues>),
  });

  return (
    <div className="form-grid">
      <TextField label="Name" maxLength={200} autoComplete="off" hint="Shown in lists and the audit log, e.g. “Billing service, production”." {...text('name')} />
      <TextArea label="Description" optional rows={2} maxLength={1000} {...text('description')} />

      <fieldset className="fieldset">
        <legend>Access</legend>
        <SelectField
          label="Scope"
          value={values.scope}
          disabled={disabled}
          onChange={(e) => onChange({ scope: e.target.value as KeyFormValues['scope'] })}
          hint="What the key may do on this API’s own endpoints."
        >
          <option value="read-write">Read and write (read-write)</option>
          <option value="read">Read only (read)</option>
          <option value="custom">Custom scopes…</option>
        </SelectField>
        {values.scope === 'custom' ? (
          <TextField label="Scopes" placeholder="keys:read, analytics:read" hint="Separate with commas or spaces." {...text('customScopes')} />
        ) : null}
        <div className="form-row">
          <TextField label="Permissions" optional placeholder="documents.read, documents.write" hint="Checked by your backend at verify time." {...text('permissions')} />
          <TextField label="Roles" optional placeholder="editor" hint="Roles must already exist in this organization." {...text('roles')} />
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>Expiry</legend>
        <div className="form-row">
          <SelectField
            label="Expires"
            value={values.expiry}
            disabled={disabled}
            onChange={(e) => {
              const expiry = e.target.value as KeyFormValues['expiry'];
              onChange(expiry === 'custom' && !values.expiryDate ? { expiry, expiryDate: todayPlus(30) } : { expiry });
            }}
          >
            {mode === 'edit' && currentExpiry ? <option value="keep">Keep current ({new Date(currentExpiry).toLocaleDateString()})</option> : null}
            <option value="never">Never</option>
            <option value="7">In 7 days</option>
            <option value="30">In 30 days</option>
            <option value="90">In 90 days</option>
            <option value="custom">On a date…</option>
          </SelectField>
          {values.expiry === 'custom' ? <TextField label="Expiry date" type="date" min={todayPlus(1)} hint="The key stops working at the end of that day." {...text('expiryDate')} /> : null}
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>Limits</legend>
        <SelectField
          label="Rate limit"
          value={values.ratelimit}
          disabled={disabled}
          onChange={(e) => onChange({ ratelimit: e.target.value as KeyFormValues['ratelimit'] })}
        >
          <option value="plan">Plan default</option>
          <option value="custom">Custom limit…</option>
        </SelectField>
        {values.ratelimit === 'custom' ? (
          <div className="form-row">
            <TextField label="Requests" inputMode="numeric" {...text('ratelimitLimit')} />
            <TextField label="Per" inputMode="numeric" {...text('ratelimitWindow')} />
            <SelectField
              label="Unit"
              value={values.ratelimitUnit}
              disabled={disabled}
              onChange={(e) => onChange({ ratelimitUnit: e.target.value as KeyFormValues['ratelimitUnit'] })}
            >
              <option value="second">seconds</option>
              <option value="minute">minutes</option>
              <option value="hour">hours</option>
              <option value="day">days</option>
            </SelectField>
          </div>
        ) : null}
        <Checkbox
          label="Limit the number of uses"
          hint="Each successful verification uses one; at zero the key is refused."
          checked={values.limitUses}
          disabled={disabled}
          onChange={(e) => onChange({ limitUses: e.target.checked })}
        />
        {values.limitUses ? (
          <div className="form-row">
            <TextField label="Remaining uses" inputMode="numeric" {...text('remaining')} />
            <SelectField
              label="Refill"
              value={values.refill}
              disabled={disabled}
              onChange={(e) => onChange({ refill: e.target.value as KeyFormValues['refill'] })}
            >
              <option value="none">Never</option>
              <option value="daily">Daily</option>
              <option value="monthly">Monthly</option>
            </SelectField>
            {values.refill !== 'none' ? <TextField label="Refill to" inputMode="numeric" {...text('refillAmount')} /> : null}
            {values.refill === 'monthly' ? <TextField label="Day of month" inputMode="numeric" {...text('refillDay')} /> : null}
          </div>
        ) : null}
      </fieldset>

      <TextArea
        label="Metadata"
        optional
        rows={3}
        className="field--mono"
        placeholder={'{ "team": "billing" }'}
        hint="A JSON object returned with every verification."
        spellCheck={false}
        {...text('meta')}
      />

      <details className="more" id={`${prefix}-more`}>
        <summary>More options</summary>
        <div className="form-grid">
          <div className="form-row">
            <TextField label="Environment" optional placeholder="production" {...text('environment')} />
            <TextField label="Owner ID" optional hint="Your own user or tenant id." {...text('ownerId')} />
            <TextField label="External ID" optional {...text('externalId')} />
          </div>
        </div>
      </details>
    </div>
  );
}
