import { z } from 'zod';
import * as betterAuth from '../better-auth';
import * as org from '../org-keys';
import * as rybbit from '../rybbit';
import { leakReportBody, leakVerdictsResponse } from '../secret-scanning';
import * as unkeyRes from '../unkey/responses';
import * as unkeyReq from '../unkey/schemas';
import * as wubble from '../wubble';

/**
 * The OpenAPI 3.1 document of every REST surface, generated from the very zod schemas the
 * routes parse requests with and render responses by, so the document cannot drift from the
 * code. Its test checks real answers of a running server against it.
 */

type Scheme = 'sessionCookie' | 'sessionBearer' | 'apiKey' | 'githubSignature';
type Method = 'get' | 'post' | 'patch' | 'delete';

interface Operation {
  method: Method;
  /** OpenAPI path template, e.g. /v1/api-keys/{id}. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  /** Alternatives, any one of which authenticates; an empty alternative means "none needed". */
  security: Scheme[][];
  body?: z.ZodType;
  query?: z.ZodObject;
  params?: z.ZodObject;
  headers?: { name: string; description: string }[];
  responses: Record<string, { description: string; schema: z.ZodType }>;
}

const SESSION: Scheme[][] = [['sessionCookie'], ['sessionBearer']];
const SESSION_OR_KEY: Scheme[][] = [...SESSION, ['apiKey']];
const ROOT_KEY: Scheme[][] = [['apiKey']];

const ok = (schema: z.ZodType, description = 'OK') => ({ '200': { description, schema } });
/** Every surface answers its errors in its own documented shape, whatever the status. */
const errors = (schema: z.ZodType) => ({
  '4XX': { description: 'Client error, in this surface’s error shape; the message names the field at fault', schema },
  default: { description: 'Server error, in this surface’s error shape', schema },
});

const TAGS = {
  auth: 'Sessions (better-auth paths)',
  rybbit: 'Rybbit user keys',
  org: 'Organization keys',
  wubble: 'Wubble keys',
  unkey: 'Unkey v1',
  scanning: 'Secret scanning',
};

const betterAuthOps: Operation[] = [
  {
    method: 'post',
    path: '/api/auth/sign-up/email',
    operationId: 'signUpEmail',
    tag: TAGS.auth,
    summary: 'Create an account and a session (sets the session cookie; the token also works as a bearer token)',
    security: [[]],
    body: betterAuth.signUpBody,
    responses: { ...ok(betterAuth.signUpResponse), ...errors(betterAuth.betterAuthError) },
  },
  {
    method: 'post',
    path: '/api/auth/sign-in/email',
    operationId: 'signInEmail',
    tag: TAGS.auth,
    summary: 'Sign in with email and password',
    security: [[]],
    body: betterAuth.signInBody,
    responses: { ...ok(betterAuth.signInResponse), ...errors(betterAuth.betterAuthError) },
  },
  {
    method: 'post',
    path: '/api/auth/sign-out',
    operationId: 'signOut',
    tag: TAGS.auth,
    summary: 'End the current session, if any, and clear the cookie',
    security: [[], ...SESSION],
    responses: { ...ok(betterAuth.signOutResponse), ...errors(betterAuth.betterAuthError) },
  },
  {
    method: 'get',
    path: '/api/auth/get-session',
    operationId: 'getSession',
    tag: TAGS.auth,
    summary: 'The current session and user; null without one',
    security: [[], ...SESSION],
    responses: { ...ok(betterAuth.getSessionResponse), default: errors(betterAuth.betterAuthError).default },
  },
];

const rybbitOps: Operation[] = [
  {
    method: 'post',
    path: '/api/user/api-keys',
    operationId: 'rybbitCreateApiKey',
    tag: TAGS.rybbit,
    summary: 'Create an API key for your account (seed 01); a dashboard session only',
    security: SESSION,
    body: rybbit.createBody,
    responses: { ...ok(rybbit.rybbitKeyResponse, 'The created key; `key` is shown only here'), ...errors(rybbit.rybbitUserError) },
  },
  {
    method: 'post',
    path: '/api/auth/api-key/delete',
    operationId: 'rybbitDeleteApiKey',
    tag: TAGS.rybbit,
    summary: 'Revoke one of your API keys (seed 02); the key answers 401 from the next request on',
    security: SESSION,
    body: rybbit.deleteBody,
    responses: { ...ok(rybbit.rybbitDeleteResponse), ...errors(rybbit.rybbitDeleteError) },
  },
];

const orgErrors = errors(org.orgError);
const orgOps: Operation[] = [
  {
    method: 'post',
    path: '/v1/api-keys',
    operationId: 'createOrgApiKey',
    tag: TAGS.org,
    summary: 'Create an API key for the current organization (seed 03)',
    security: SESSION_OR_KEY,
    body: org.createBody,
    responses: { ...ok(org.orgEnvelope(org.orgKeyResponse)), ...orgErrors },
  },
  {
    method: 'get',
    path: '/v1/api-keys',
    operationId: 'listOrgApiKeys',
    tag: TAGS.org,
    summary: 'List the organization’s API keys, newest first',
    security: SESSION_OR_KEY,
    query: org.listQuery,
    responses: { ...ok(org.orgEnvelope(org.orgPage(org.orgKeyResponse))), ...orgErrors },
  },
  {
    method: 'get',
    path: '/v1/api-keys/{id}',
    operationId: 'getOrgApiKey',
    tag: TAGS.org,
    summary: 'Get one API key',
    security: SESSION_OR_KEY,
    params: org.idParam,
    responses: { ...ok(org.orgEnvelope(org.orgKeyResponse)), ...orgErrors },
  },
  {
    method: 'patch',
    path: '/v1/api-keys/{id}',
    operationId: 'updateOrgApiKey',
    tag: TAGS.org,
    summary: 'Change an API key’s name, description, expiry or scope',
    security: SESSION_OR_KEY,
    params: org.idParam,
    body: org.patchBody,
    responses: { ...ok(org.orgEnvelope(org.orgKeyResponse)), ...orgErrors },
  },
  {
    method: 'delete',
    path: '/v1/api-keys/{id}',
    operationId: 'revokeOrgApiKey',
    tag: TAGS.org,
    summary: 'Revoke an API key, at once',
    security: SESSION_OR_KEY,
    params: org.idParam,
    responses: { ...ok(org.orgEnvelope(org.orgKeyResponse)), ...orgErrors },
  },
  {
    method: 'post',
    path: '/v1/service-accounts',
    operationId: 'createServiceAccount',
    tag: TAGS.org,
    summary: 'Create a service account, to own keys that belong to no person',
    security: SESSION_OR_KEY,
    body: org.saBody,
    responses: { ...ok(org.orgEnvelope(org.serviceAccountResponse)), ...orgErrors },
  },
  {
    method: 'get',
    path: '/v1/service-accounts',
    operationId: 'listServiceAccounts',
    tag: TAGS.org,
    summary: 'List service accounts',
    security: SESSION_OR_KEY,
    query: org.listQuery.omit({ status: true }),
    responses: { ...ok(org.orgEnvelope(org.orgPage(org.serviceAccountResponse))), ...orgErrors },
  },
];

const wubbleOps: Operation[] = [
  {
    method: 'post',
    path: '/v1/apikeys',
    operationId: 'wubbleCreateApiKey',
    tag: TAGS.wubble,
    summary: 'Create an API key from a dashboard session (seed 05); an API-key caller gets 403',
    security: SESSION,
    body: wubble.createBody,
    headers: [{ name: 'Idempotency-Key', description: 'Replays the first answer to a retried request with the same key and body' }],
    responses: { ...ok(wubble.wubbleCreateResponse), ...errors(wubble.wubbleError) },
  },
];

type UnkeyIn = { body: z.ZodType } | { query: z.ZodObject } | Record<string, never>;
function unkey(method: Method, name: string, summary: string, input: UnkeyIn, response: z.ZodType, security = ROOT_KEY): Operation {
  return {
    method,
    path: `/v1/${name}`,
    operationId: name,
    tag: TAGS.unkey,
    summary,
    security,
    ...input,
    responses: { ...ok(response), ...errors(unkeyRes.error) },
  };
}

const linkOps = (['Permissions', 'Roles'] as const).flatMap((kind) => {
  const body = kind === 'Permissions' ? unkeyReq.permissionRefsBody : unkeyReq.roleRefsBody;
  const noun = kind.toLowerCase();
  return [
    unkey('post', `keys.add${kind}`, `Give a key more ${noun} (by id or name)`, { body }, unkeyRes.links),
    unkey('post', `keys.set${kind}`, `Replace a key’s ${noun}`, { body }, unkeyRes.links),
    unkey('post', `keys.remove${kind}`, `Take ${noun} away from a key`, { body }, unkeyRes.empty),
  ];
});

const unkeyOps: Operation[] = [
  unkey('post', 'keys.createKey', 'Create a key (seed 04); `key` is shown only here', { body: unkeyReq.createKeyBody }, unkeyRes.createKey),
  unkey('post', 'keys.verifyKey', 'Verify a key; needs no root key. Always 200 for a well-formed request', { body: unkeyReq.verifyKeyBody }, unkeyRes.verify, [[]]),
  unkey('get', 'keys.getKey', 'Get a key; decrypt=true shows a recoverable key’s plaintext', { query: unkeyReq.getKeyQuery }, unkeyRes.key),
  unkey('post', 'keys.updateKey', 'Change a key', { body: unkeyReq.updateKeyBody }, unkeyRes.empty),
  unkey('post', 'keys.deleteKey', 'Revoke a key, or delete it for good with permanent=true', { body: unkeyReq.deleteKeyBody }, unkeyRes.empty),
  unkey('post', 'keys.updateRemaining', 'Set, increment or decrement the uses left', { body: unkeyReq.updateRemainingBody }, unkeyRes.updateRemaining),
  ...linkOps,
  unkey('get', 'keys.getVerifications', 'Daily verification counts of a key or an owner', { query: unkeyReq.getVerificationsQuery }, unkeyRes.verifications),
  unkey('post', 'apis.createApi', 'Create an API (a keyspace)', { body: unkeyReq.createApiBody }, unkeyRes.createApi),
  unkey('get', 'apis.getApi', 'Get an API', { query: unkeyReq.getApiQuery }, unkeyRes.api),
  unkey('post', 'apis.deleteApi', 'Delete an API and end all of its keys', { body: unkeyReq.apiIdBody }, unkeyRes.empty),
  unkey('get', 'apis.listKeys', 'List an API’s keys, page by page', { query: unkeyReq.listKeysQuery }, unkeyRes.listKeys),
  unkey('post', 'permissions.createPermission', 'Create a permission', { body: unkeyReq.createPermissionBody }, unkeyRes.createPermission),
  unkey('get', 'permissions.getPermission', 'Get a permission', { query: unkeyReq.permissionIdBody }, unkeyRes.permission),
  unkey('get', 'permissions.listPermissions', 'List permissions', {}, z.array(unkeyRes.permission)),
  unkey('post', 'permissions.deletePermission', 'Delete a permission; keys holding it lose it at once', { body: unkeyReq.permissionIdBody }, unkeyRes.empty),
  unkey('post', 'permissions.createRole', 'Create a role, optionally with its permissions', { body: unkeyReq.createRoleBody }, unkeyRes.createRole),
  unkey('get', 'permissions.getRole', 'Get a role', { query: unkeyReq.roleIdBody }, unkeyRes.role),
  unkey('get', 'permissions.listRoles', 'List roles', {}, z.array(unkeyRes.role)),
  unkey('post', 'permissions.deleteRole', 'Delete a role', { body: unkeyReq.roleIdBody }, unkeyRes.empty),
];

const scanningOps: Operation[] = [
  {
    method: 'post',
    path: '/v1/secret-scanning/github',
    operationId: 'githubSecretScanningReport',
    tag: TAGS.scanning,
    summary:
      'GitHub secret-scanning partner endpoint: revokes (or, by organization policy, flags) each reported key of ours and labels every token',
    security: [['githubSignature']],
    body: leakReportBody,
    headers: [
      { name: 'Github-Public-Key-Identifier', description: 'Which configured GitHub public key signed the body' },
      { name: 'Github-Public-Key-Signature', description: 'Base64 ECDSA P-256/SHA-256 signature over the raw body' },
    ],
    responses: {
      ...ok(leakVerdictsResponse, 'One verdict per distinct reported token'),
      ...errors(z.object({ error: z.object({ code: z.string(), message: z.string(), requestId: z.string() }) })),
    },
  },
];

export const OPERATIONS: readonly Operation[] = [...betterAuthOps, ...rybbitOps, ...orgOps, ...wubbleOps, ...unkeyOps, ...scanningOps];

/** JSON Schema 2020-12, the dialect of OpenAPI 3.1, without the `$schema` marker. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function parameters(schema: z.ZodObject | undefined, where: 'query' | 'path') {
  if (!schema) return [];
  const js = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (js.required ?? []).includes(name),
    schema: s,
  }));
}

function operationObject(op: Operation) {
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    security: op.security.map((alt) => Object.fromEntries(alt.map((s) => [s, []]))),
    parameters: [
      ...parameters(op.params, 'path'),
      ...parameters(op.query, 'query'),
      ...(op.headers ?? []).map((h) => ({ name: h.name, in: 'header', required: false, description: h.description, schema: { type: 'string' } })),
    ],
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.body, 'input') } } } } : {}),
    responses: Object.fromEntries(
      Object.entries(op.responses).map(([status, r]) => [
        status,
        { description: r.description, content: { 'application/json': { schema: jsonSchema(r.schema, 'output') } } },
      ]),
    ),
  };
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    paths[op.path] ??= {};
    (paths[op.path] as Record<string, unknown>)[op.method] = operationObject(op);
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'Keyward API',
      version: '1',
      description:
        'Every REST surface of Keyward. Each surface is wire-compatible with the service it documents and answers errors in that service’s shape.',
    },
    tags: Object.values(TAGS).map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'keyward_session',
          description: 'Dashboard session cookie set by sign-in; `better-auth.session_token` is accepted too. Non-GET requests need a trusted Origin.',
        },
        sessionBearer: { type: 'http', scheme: 'bearer', description: 'The session token returned by sign-up or sign-in' },
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An organization API key; on the Unkey paths it acts as the root key, bounded by its scopes',
        },
        githubSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'Github-Public-Key-Signature',
          description: 'GitHub’s signature over the raw body, checked against KEYWARD_SECRET_SCANNING_KEYS',
        },
      },
    },
  };
}
