export type { AppRouter } from './trpc/router';
export { createApp, createRequestListener } from './app';
export { createServices, type Services } from './services';
export { type AuthenticatedKey, type RequireApiKeyOptions, requireApiKey } from './auth/require-key';
