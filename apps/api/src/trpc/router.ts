import { router } from './init';
import { apisRouter } from './routers/apis';
import { auditRouter } from './routers/audit';
import { authRouter } from './routers/auth';
import { keysRouter } from './routers/keys';
import { orgsRouter } from './routers/orgs';
import { rbacRouter } from './routers/rbac';
import { serviceAccountsRouter } from './routers/service-accounts';

export const appRouter = router({
  auth: authRouter,
  orgs: orgsRouter,
  keys: keysRouter,
  audit: auditRouter,
  serviceAccounts: serviceAccountsRouter,
  apis: apisRouter,
  rbac: rbacRouter,
});

/** The only thing the web app imports from the API: the shape of every procedure. */
export type AppRouter = typeof appRouter;
