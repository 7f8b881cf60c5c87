import type { OrgRole } from '../services/actor';
import { bearer, call, signUp, uniqueEmail } from './http';

export type SignedUp = Awaited<ReturnType<typeof signUp>>;

/** Invites a new email into the inviter's active organization and signs it up there. */
export async function joinAs(base: string, inviterToken: string, role: OrgRole, label: string = role): Promise<SignedUp> {
  const email = uniqueEmail(label);
  const r = await call(base, 'POST', '/trpc/orgs.invite', { headers: bearer(inviterToken), body: { email, role } });
  if (r.status !== 200) throw new Error(`invite failed: ${r.status} ${r.text}`);
  return signUp(base, email, label);
}

/** A new organization with one user per role. Past the first, sign-up must be open on the server. */
export async function signUpTeam(base: string, label = 'team') {
  const owner = await signUp(base, uniqueEmail(`${label}-owner`), `${label} owner`);
  const admin = await joinAs(base, owner.token, 'admin', `${label}-admin`);
  const member = await joinAs(base, owner.token, 'member', `${label}-member`);
  return { owner, admin, member };
}
