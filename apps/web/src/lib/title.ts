import { useEffect } from 'react';

/** Sets the tab title for a screen. */
export function useTitle(title: string) {
  useEffect(() => {
    document.title = title ? `${title} · Keyward` : 'Keyward';
  }, [title]);
}
