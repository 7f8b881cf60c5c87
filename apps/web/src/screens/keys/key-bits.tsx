import type { Key, KeyStatus } from '../../api';
import { formatDateTime, formatDuration, relativeTime } from '../../lib/time';
import { Badge, type BadgeTone } from '../../ui/Badge';
import { Tooltip } from '../../ui/misc';

const STATUS: Record<KeyStatus, { tone: BadgeTone; label: string }> = {
  active: { tone: 'success', label: 'Active' },
  disabled: { tone: 'neutral', label: 'Disabled' },
  expired: { tone: 'warning', label: 'Expired' },
  revoked: { tone: 'danger', label: 'Revoked' },
  exhausted: { tone: 'warning', label: 'Exhausted' },
};

export const STATUS_OPTIONS = Object.entries(STATUS).map(([value, s]) => ({ value: value as KeyStatus, label: s.label }));

export function StatusBadge({ status }: { status: KeyStatus }) {
  const s = STATUS[status];
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

export const keyName = (k: Pick<Key, 'name'>) => k.name?.trim() || 'Untitled key';

/** The displayable start of a key; never the secret. */
export const KeyStart = ({ start }: { start: string }) => <code className="code-inline">{start}…</code>;

export function AccessBadges({ k, max = 4 }: { k: Pick<Key, 'scopes' | 'permissions' | 'roles'>; max?: number }) {
  const items = [
    ...k.scopes.map((s) => ({ text: s, tone: 'accent' as const, kind: 'Scope' })),
    ...k.roles.map((r) => ({ text: r, tone: 'neutral' as const, kind: 'Role' })),
    ...k.permissions.map((p) => ({ text: p, tone: 'neutral' as const, kind: 'Permission' })),
  ];
  if (items.length === 0) return <span className="muted">None</span>;
  const shown = items.slice(0, max);
  return (
    <span className="badge-list">
      {shown.map((i) => (
        <span key={`${i.kind}:${i.text}`} title={`${i.kind}: ${i.text}`}>
          <Badge tone={i.tone} mono>
            {i.kind === 'Role' ? `role:${i.text}` : i.text}
          </Badge>
        </span>
      ))}
      {items.length > shown.length ? <Badge>+{items.length - shown.length} more</Badge> : null}
    </span>
  );
}

export function LastUsed({ k, now }: { k: Pick<Key, 'lastUsedAt' | 'lastUsedIp' | 'lastUsedUserAgent'>; now: number }) {
  if (!k.lastUsedAt) return <span className="muted">Never</span>;
  return (
    <Tooltip
      content={
        <>
          {formatDateTime(k.lastUsedAt)}
          <br />
          IP: {k.lastUsedIp ?? 'unknown'}
          <br />
          User agent: {k.lastUsedUserAgent ?? 'unknown'}
        </>
      }
    >
      <span className="nowrap">{relativeTime(k.lastUsedAt, now, { past: true })}</span>
    </Tooltip>
  );
}

export function Expires({ at, now }: { at: string | null; now: number }) {
  if (!at) return <span className="muted">Never</span>;
  return (
    <span className="nowrap" title={formatDateTime(at)}>
      {Date.parse(at) <= now ? `Expired ${relativeTime(at, now)}` : relativeTime(at, now)}
    </span>
  );
}

export function Remaining({ k }: { k: Pick<Key, 'remaining' | 'refillInterval' | 'refillAmount'> }) {
  if (k.remaining === null) return <span className="muted">Unlimited</span>;
  return (
    <span>
      {k.remaining.toLocaleString()}
      {k.refillInterval && k.refillAmount ? (
        <span className="cell-sub">
          refills {k.refillAmount.toLocaleString()} {k.refillInterval}
        </span>
      ) : null}
    </span>
  );
}

export function rateLimitText(r: Key['ratelimit']): string {
  return `${r.limit.toLocaleString()} per ${formatDuration(r.durationMs)}${r.inherited ? ' (plan default)' : ''}`;
}
