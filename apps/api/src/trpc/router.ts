import { router } from './init';
import { auditRouter } from './routers/audit';
import { authRouter } from './routers/auth';
import { keysRouter } from './routers/keys';
import { orgsRouter } from './routers/orgs';

export const appRouter = router({
  auth: authRouter,
  orgs: orgsRouter,
  keys: keysRouter,
  audit: auditRouter,
});

/** The only thing the web app imports from the API: the shape of every procedure. */
export type AppRouter = typeof appRouter;
