import { useState } from 'react';
import { type RouterOutputs, trpc } from '../../api';
import { formatDate, relativeTime, useNow } from '../../lib/time';
import { canManageAllKeys, useSession } from '../../session';
import { Badge } from '../../ui/Badge';
import { Muted, Section } from '../../ui/misc';
import { CatalogList } from './CatalogList';
import { ConfirmDeleteDialog, DeleteButton, type FieldSpec } from './parts';

type Api = RouterOutputs['apis']['list'][number];
type Role = RouterOutputs['rbac']['listRoles'][number];
type Permission = RouterOutputs['rbac']['listPermissions'][number];

const splitNames = (text: string) => text.split(/[\s,]+/).filter(Boolean);

/** Owners and admins manage service accounts, APIs, roles and permissions; members only read them. */
function useCanManage() {
  return canManageAllKeys(useSession().org.role);
}

const DESCRIPTION_FIELD: FieldSpec = { name: 'description', label: 'Description', optional: true, maxLength: 1000 };

/** A blank description is left out rather than sent empty. */
const nameAndDescription = (v: Record<string, string>) => ({ name: v.name ?? '', ...(v.description ? { description: v.description } : {}) });

function NameCell({ row, mono = false }: { row: { name: string; description: string | null }; mono?: boolean }) {
  return (
    <>
      <span className={mono ? 'cell-title mono' : 'cell-title'}>{row.name}</span>
      {row.description ? <span className="cell-sub">{row.description}</span> : null}
    </>
  );
}

function Created({ at }: { at: string | Date }) {
  const now = useNow(60_000);
  return <span title={formatDate(at)}>{relativeTime(at, now, { past: true })}</span>;
}

export function ServiceAccountsSection() {
  const manage = useCanManage();
  const utils = trpc.useUtils();
  const list = trpc.serviceAccounts.list.useQuery({ limit: 100 });
  const create = trpc.serviceAccounts.create.useMutation({
    onSuccess: () => Promise.all([utils.serviceAccounts.list.invalidate(), utils.audit.list.invalidate()]),
  });
  return (
    <Section
      title="Service accounts"
      description={`Owners of keys that belong to a workload rather than a person.${manage ? '' : ' Only owners and admins can create them.'}`}
    >
      <div className="stack">
        <CatalogList
          noun="service accounts"
          manage={manage}
          query={list}
          rows={(d) => d.items}
          emptyTitle="No service accounts yet"
          emptyHint={manage ? 'Create one for a CI job or a backend that needs its own keys.' : null}
          create={{
            label: 'Create a service account',
            submitLabel: 'Create service account',
            pending: create.isPending,
            fields: [{ name: 'name', label: 'Name', maxLength: 200 }, DESCRIPTION_FIELD],
            onSubmit: (v) => create.mutateAsync(nameAndDescription(v)),
          }}
          columns={[
            { key: 'name', header: 'Name', className: 'cell--lead', render: (a) => <NameCell row={a} /> },
            { key: 'id', header: 'ID', render: (a) => <span className="mono">{a.id}</span> },
            { key: 'created', header: 'Created', render: (a) => <Created at={a.createdAt} /> },
          ]}
          footer={(d) => (d.nextCursor ? <Muted>Showing the newest 100.</Muted> : undefined)}
        />
      </div>
    </Section>
  );
}

export function ApisSection() {
  const manage = useCanManage();
  const utils = trpc.useUtils();
  const list = trpc.apis.list.useQuery();
  const [deleting, setDeleting] = useState<Api | null>(null);
  const create = trpc.apis.create.useMutation({
    onSuccess: () => Promise.all([utils.apis.list.invalidate(), utils.audit.list.invalidate()]),
  });
  const remove = trpc.apis.delete.useMutation({
    onSuccess: async () => {
      await Promise.all([utils.apis.list.invalidate(), utils.keys.list.invalidate(), utils.audit.list.invalidate()]);
      setDeleting(null);
    },
  });
  return (
    <Section title="APIs" description="Separate keyspaces, as in Unkey. Keys created without choosing one go to the default API.">
      <div className="stack">
        <CatalogList
          noun="APIs"
          manage={manage}
          query={list}
          rows={(d) => d}
          emptyTitle="No APIs"
          create={{
            label: 'Create an API',
            submitLabel: 'Create API',
            pending: create.isPending,
            fields: [{ name: 'name', label: 'Name', maxLength: 200 }],
            onSubmit: (v) => create.mutateAsync({ name: v.name ?? '' }),
          }}
          columns={[
            {
              key: 'name',
              header: 'Name',
              className: 'cell--lead',
              render: (a) => (
                <span className="cell-title">
                  {a.name} {a.isDefault ? <Badge tone="accent">default</Badge> : null}
                </span>
              ),
            },
            { key: 'id', header: 'ID', render: (a) => <span className="mono">{a.id}</span> },
            { key: 'created', header: 'Created', render: (a) => <Created at={a.createdAt} /> },
          ]}
          actions={(a) =>
            a.isDefault ? (
              <Muted>Protected</Muted>
            ) : (
              <DeleteButton
                label={`Delete API ${a.name}`}
                onClick={() => {
                  remove.reset();
                  setDeleting(a);
                }}
              />
            )
          }
        />
      </div>
      {deleting ? (
        <ConfirmDeleteDialog
          title={`Delete API ${deleting.name}?`}
          confirmLabel="Delete API"
          pending={remove.isPending}
          error={remove.error}
          onConfirm={() => remove.mutate({ id: deleting.id })}
          onClose={() => setDeleting(null)}
        >
          <p>Every key in this API is deleted with it and stops verifying at once. This cannot be undone.</p>
        </ConfirmDeleteDialog>
      ) : null}
    </Section>
  );
}

type Deleting = { kind: 'role'; row: Role } | { kind: 'permission'; row: Permission };

export function RolesSection() {
  const manage = useCanManage();
  const utils = trpc.useUtils();
  const roles = trpc.rbac.listRoles.useQuery();
  const permissions = trpc.rbac.listPermissions.useQuery();
  const [deleting, setDeleting] = useState<Deleting | null>(null);
  const refresh = () => Promise.all([utils.rbac.listRoles.invalidate(), utils.rbac.listPermissions.invalidate(), utils.audit.list.invalidate()]);
  const createRole = trpc.rbac.createRole.useMutation({ onSuccess: refresh });
  const createPermission = trpc.rbac.createPermission.useMutation({ onSuccess: refresh });
  const onDeleted = {
    onSuccess: async () => {
      await Promise.all([refresh(), utils.keys.invalidate()]);
      setDeleting(null);
    },
  };
  const deleteRole = trpc.rbac.deleteRole.useMutation(onDeleted);
  const deletePermission = trpc.rbac.deletePermission.useMutation(onDeleted);
  const deleteM = deleting?.kind === 'role' ? deleteRole : deletePermission;

  const deleteButton = (d: Deleting) => (
    <DeleteButton
      label={`Delete ${d.kind} ${d.row.name}`}
      onClick={() => {
        deleteRole.reset();
        deletePermission.reset();
        setDeleting(d);
      }}
    />
  );

  return (
    <Section
      title="Roles and permissions"
      description={`Named bundles of permissions to give keys; verification checks the permission names.${manage ? '' : ' Only owners and admins can change them.'}`}
    >
      <div className="stack">
        <h3>Roles</h3>
        <CatalogList
          noun="roles"
          manage={manage}
          query={roles}
          rows={(d) => d}
          emptyTitle="No roles yet"
          create={{
            label: 'Create a role',
            submitLabel: 'Create role',
            pending: createRole.isPending,
            fields: [
              { name: 'name', label: 'Role name', maxLength: 512 },
              { name: 'permissions', label: 'Permissions', optional: true, hint: 'Names separated by commas; new ones are created.' },
            ],
            onSubmit: (v) => createRole.mutateAsync({ name: v.name ?? '', permissions: splitNames(v.permissions ?? '') }),
          }}
          columns={[
            { key: 'name', header: 'Role', className: 'cell--lead', render: (r) => <span className="cell-title mono">{r.name}</span> },
            {
              key: 'permissions',
              header: 'Permissions',
              render: (r) =>
                r.permissions.length === 0 ? (
                  <Muted>None</Muted>
                ) : (
                  <span className="badge-list">
                    {r.permissions.map((p) => (
                      <Badge key={p}>{p}</Badge>
                    ))}
                  </span>
                ),
            },
          ]}
          actions={(r) => deleteButton({ kind: 'role', row: r })}
        />

        <h3>Permissions</h3>
        <CatalogList
          noun="permissions"
          manage={manage}
          query={permissions}
          rows={(d) => d}
          emptyTitle="No permissions yet"
          create={{
            label: 'Create a permission',
            submitLabel: 'Create permission',
            pending: createPermission.isPending,
            fields: [{ name: 'name', label: 'Permission name', maxLength: 512, hint: 'For example billing.read' }, DESCRIPTION_FIELD],
            onSubmit: (v) => createPermission.mutateAsync(nameAndDescription(v)),
          }}
          columns={[
            { key: 'name', header: 'Permission', className: 'cell--lead', render: (p) => <NameCell row={p} mono /> },
          ]}
          actions={(p) => deleteButton({ kind: 'permission', row: p })}
        />
      </div>
      {deleting ? (
        <ConfirmDeleteDialog
          title={`Delete ${deleting.kind} ${deleting.row.name}?`}
          confirmLabel={`Delete ${deleting.kind}`}
          pending={deleteM.isPending}
          error={deleteM.error}
          onConfirm={() => deleteM.mutate({ id: deleting.row.id })}
          onClose={() => setDeleting(null)}
        >
          <p>
            {deleting.kind === 'role'
              ? 'Keys with this role lose the permissions it granted at once.'
              : 'Keys holding this permission, directly or through a role, lose it at once.'}
          </p>
        </ConfirmDeleteDialog>
      ) : null}
    </Section>
  );
}
