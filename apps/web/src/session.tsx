import { createContext, type ReactNode, useContext } from 'react';
import type { OrgRole, Plan } from './api';

export interface SessionInfo {
  user: { id: string; email: string; name: string };
  org: { id: string; role: OrgRole; plan: Plan; name: string };
}

const Ctx = createContext<SessionInfo | null>(null);

export function SessionProvider({ value, children }: { value: SessionInfo; children: ReactNode }) {
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

/** Who is signed in and in which organization, with what role. */
export function useSession(): SessionInfo {
  const v = useContext(Ctx);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

/** Owners and admins manage every key and read the whole audit log; only owners manage people and plans. */
export const canManageAllKeys = (role: OrgRole) => role === 'owner' || role === 'admin';
export const canManageOrg = (role: OrgRole) => role === 'owner';
