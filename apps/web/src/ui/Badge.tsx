import type { ReactNode } from 'react';

export type BadgeTone = 'neutral' | 'accent' | 'success' | 'warning' | 'danger';

export function Badge({ tone = 'neutral', children, mono = false }: { tone?: BadgeTone; children: ReactNode; mono?: boolean }) {
  return <span className={`badge badge--${tone}${mono ? ' badge--mono' : ''}`}>{children}</span>;
}
