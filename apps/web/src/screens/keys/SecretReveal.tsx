import { CopyButton } from '../../ui/misc';
import { Checkbox } from '../../ui/Field';
import { Callout } from '../../ui/States';

/** The plaintext of a new key, shown once; closing needs an explicit acknowledgement. */
export function SecretReveal({
  secret,
  acknowledged,
  onAcknowledge,
  context,
}: {
  secret: string;
  acknowledged: boolean;
  onAcknowledge: (v: boolean) => void;
  context?: React.ReactNode;
}) {
  return (
    <div className="stack">
      <Callout tone="warning" title="Copy this key now. You won’t see it again.">
        Keyward stores only a hash of the key. If you lose it, roll the key to get a new one.
      </Callout>
      {context}
      <div className="secret-box">
        <output className="secret-box__value" data-testid="secret" aria-label="New API key">
          {secret}
        </output>
        <CopyButton text={secret} label="Copy key" />
      </div>
      <Checkbox label="I have copied this key and stored it somewhere safe" checked={acknowledged} onChange={(e) => onAcknowledge(e.target.checked)} />
    </div>
  );
}
