import { createHistogram } from '../../observability/prometheus';

/** Seconds from a key change's NOTIFY to its receipt here; high values mean stale caches elsewhere. */
export function createNotificationLag() {
  return createHistogram('keyward_notification_lag_seconds', 'Time from a key-change NOTIFY being published to this instance receiving it', [
    0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
  ]);
}

export type NotificationLag = ReturnType<typeof createNotificationLag>;
