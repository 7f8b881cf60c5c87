import { type ReactNode, useState } from 'react';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { SecretReveal } from './SecretReveal';

/**
 * The one time a new secret is shown (after create or roll): Done, Escape and the backdrop stay
 * locked until the admin confirms the key is stored.
 */
export function SecretKeyDialog({ title, secret, context, onDone }: { title: string; secret: string; context: ReactNode; onDone: () => void }) {
  const [acknowledged, setAcknowledged] = useState(false);
  return (
    <Dialog
      open
      onClose={onDone}
      dismissible={acknowledged}
      title={title}
      footer={
        <Button variant="primary" disabled={!acknowledged} onClick={onDone}>
          Done
        </Button>
      }
    >
      <SecretReveal secret={secret} acknowledged={acknowledged} onAcknowledge={setAcknowledged} context={context} />
    </Dialog>
  );
}
