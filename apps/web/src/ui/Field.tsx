import {
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  forwardRef,
  useId,
} from 'react';

interface FieldChrome {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  /** Shown as "(optional)" after the label. */
  optional?: boolean;
  className?: string;
}

function useFieldIds(id: string | undefined, hint: unknown, error: unknown) {
  const auto = useId();
  const fieldId = id ?? `f${auto}`;
  const hintId = hint ? `${fieldId}-hint` : undefined;
  const errorId = error ? `${fieldId}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return { fieldId, hintId, errorId, describedBy };
}

function Chrome({
  fieldId,
  label,
  hint,
  hintId,
  error,
  errorId,
  optional,
  className,
  children,
}: FieldChrome & { fieldId: string; hintId?: string | undefined; errorId?: string | undefined; children: ReactNode }) {
  return (
    <div className={`field${error ? ' field--invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label className="field__label" htmlFor={fieldId}>
        {label}
        {optional ? <span className="field__optional"> (optional)</span> : null}
      </label>
      {children}
      {hint ? (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

export type TextFieldProps = FieldChrome & Omit<InputHTMLAttributes<HTMLInputElement>, 'className'>;

export const TextField = forwardRef<HTMLInputElement, TextFieldProps>(function TextField(
  { label, hint, error, optional, className, id, ...input },
  ref,
) {
  const ids = useFieldIds(id, hint, error);
  return (
    <Chrome {...{ label, hint, error, optional, className }} {...ids}>
      <input
        ref={ref}
        id={ids.fieldId}
        className="input"
        aria-invalid={error ? true : undefined}
        aria-describedby={ids.describedBy}
        {...input}
      />
    </Chrome>
  );
});

export type TextAreaProps = FieldChrome & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'className'>;

export const TextArea = forwardRef<HTMLTextAreaElement, TextAreaProps>(function TextArea(
  { label, hint, error, optional, className, id, ...input },
  ref,
) {
  const ids = useFieldIds(id, hint, error);
  return (
    <Chrome {...{ label, hint, error, optional, className }} {...ids}>
      <textarea
        ref={ref}
        id={ids.fieldId}
        className="input input--area"
        aria-invalid={error ? true : undefined}
        aria-describedby={ids.describedBy}
        {...input}
      />
    </Chrome>
  );
});

export type SelectFieldProps = FieldChrome & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'className'>;

export const SelectField = forwardRef<HTMLSelectElement, SelectFieldProps>(function SelectField(
  { label, hint, error, optional, className, id, children, ...input },
  ref,
) {
  const ids = useFieldIds(id, hint, error);
  return (
    <Chrome {...{ label, hint, error, optional, className }} {...ids}>
      <select
        ref={ref}
        id={ids.fieldId}
        className="input select"
        aria-invalid={error ? true : undefined}
        aria-describedby={ids.describedBy}
        {...input}
      >
        {children}
      </select>
    </Chrome>
  );
});

export function Checkbox({
  label,
  hint,
  className,
  id,
  ...input
}: { label: ReactNode; hint?: ReactNode; className?: string } & Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'className'>) {
  const auto = useId();
  const fieldId = id ?? `c${auto}`;
  return (
    <div className={`checkbox${className ? ` ${className}` : ''}`}>
      <input type="checkbox" id={fieldId} aria-describedby={hint ? `${fieldId}-hint` : undefined} {...input} />
      <div>
        <label htmlFor={fieldId}>{label}</label>
        {hint ? (
          <p className="field__hint" id={`${fieldId}-hint`}>
            {hint}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** A set of mutually exclusive choices, shown as a row of segments. */
export function Segmented<T extends string>({
  legend,
  value,
  options,
  onChange,
  name,
  hideLegend = false,
}: {
  legend: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (v: T) => void;
  name: string;
  hideLegend?: boolean;
}) {
  return (
    <fieldset className="segmented">
      <legend className={hideLegend ? 'visually-hidden' : 'field__label'}>{legend}</legend>
      <div className="segmented__options">
        {options.map((o) => (
          <label key={o.value} className={`segmented__option${o.value === value ? ' is-selected' : ''}`}>
            <input type="radio" name={name} value={o.value} checked={o.value === value} onChange={() => onChange(o.value)} />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
