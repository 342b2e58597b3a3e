/**
 * Virtual MFA devices: Create/Delete/ListVirtualMFADevice(s), Enable/DeactivateMFADevice,
 * ListMFADevices, with real TOTP codes (RFC 6238). Seeds are sealed by the root key. QRCodePNG is
 * not returned: Base32StringSeed is what authenticator apps take when typed in.
 */
import { AwsError } from '../../../errors.js';
import type { IamApi } from '../../../generated/iam/api.js';
import type { VirtualMFADevice } from '../../../generated/iam/shapes.js';
import type { RequestContext } from '../../../server/context.js';
import { accountOf, iamArn, paginate } from '../common.js';
import type { IamDeps } from '../deps.js';
import { findUser, userShape } from '../entities.js';
import { iamErrors } from '../errors.js';
import { newMfaSeed, toBase32 } from '../ids.js';
import { deleteTags, readTags, writeTags } from '../tag-store.js';
import { findStep, stepAt } from '../totp.js';
import { requireUser } from './users.js';

type MfaOps = Pick<IamApi, 'createVirtualMFADevice' | 'enableMFADevice' | 'deactivateMFADevice' | 'listMFADevices' |
  'listVirtualMFADevices' | 'deleteVirtualMFADevice'>;

/** AWS lets a user have up to eight MFA devices. */
const DEVICES_PER_USER = 8;

function seedAad(serial: string): string {
  return `iam_mfa_devices/${serial}/seed`;
}

/**
 * Checks a one-time code from the device `serial` enabled for `userId` (null: the root). Codes
 * of the previous, current and next step are accepted (clock drift), each only once: the step is
 * recorded, and a code of that step or an older one is refused afterwards.
 */
export async function verifyMfaCode(deps: IamDeps, accountId: string, serial: string, userId: string | null, code: string): Promise<boolean> {
  const device = await deps.db.selectFrom('iam_mfa_devices').selectAll()
    .where('account_id', '=', accountId).where('serial_number', '=', serial).executeTakeFirst();
  if (!device || device.enabled_at === null || device.user_id !== userId) return false;
  const seed = deps.sealer.open(seedAad(serial), Buffer.from(device.seed_sealed));
  const now = stepAt(Date.now());
  const step = findStep(seed, code, now - 1, now + 1);
  if (step === undefined || (device.last_step !== null && step <= device.last_step)) return false;
  const result = await deps.db.updateTable('iam_mfa_devices').set({ last_step: step })
    .where('serial_number', '=', serial)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function mfaOps(deps: IamDeps): MfaOps {
  const { db } = deps;
  const device = async (ctx: RequestContext, serial: string) => {
    const row = await db.selectFrom('iam_mfa_devices').selectAll()
      .where('account_id', '=', accountOf(ctx)).where('serial_number', '=', serial).executeTakeFirst();
    if (!row) throw iamErrors.noSuchMfaDevice(serial);
    return row;
  };

  return {
    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateVirtualMFADevice.html */
    async createVirtualMFADevice(ctx, input) {
      const accountId = accountOf(ctx);
      const path = input.Path ?? '/';
      const serial = iamArn(accountId, 'mfa', path, input.VirtualMFADeviceName);
      const seed = newMfaSeed();
      await db.transaction().execute(async (tx) => {
        if (await tx.selectFrom('iam_mfa_devices').select('serial_number').where('serial_number', '=', serial).executeTakeFirst()) {
          throw new AwsError('EntityAlreadyExists', 'MFA device already exists.');
        }
        await tx.insertInto('iam_mfa_devices').values({
          serial_number: serial,
          account_id: accountId,
          device_name: input.VirtualMFADeviceName,
          path,
          seed_sealed: deps.sealer.seal(seedAad(serial), seed),
          user_id: null,
          enabled_at: null,
          last_step: null,
          created_at: deps.clock.now().toISOString(),
        }).execute();
        await writeTags(tx, accountId, 'mfa', serial, input.Tags);
      });
      // The seed is shown once, as AWS does: the base32 text an authenticator app takes.
      return { VirtualMFADevice: { SerialNumber: serial, Base32StringSeed: Buffer.from(toBase32(seed), 'ascii'), Tags: input.Tags?.length ? input.Tags : undefined } };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_EnableMFADevice.html */
    async enableMFADevice(ctx, input) {
      const accountId = accountOf(ctx);
      const user = await findUser(deps, accountId, input.UserName);
      const row = await device(ctx, input.SerialNumber);
      if (row.user_id !== null) throw new AwsError('EntityAlreadyExists', 'MFA Device is already in use.');
      const { n } = await db.selectFrom('iam_mfa_devices').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', user.user_id).executeTakeFirstOrThrow();
      if (Number(n) >= DEVICES_PER_USER) throw iamErrors.quota('MFADevicesPerUser', DEVICES_PER_USER);
      // Two consecutive codes prove the device and the server agree on the seed and the time.
      const seed = deps.sealer.open(seedAad(row.serial_number), Buffer.from(row.seed_sealed));
      const now = stepAt(Date.now());
      const first = findStep(seed, input.AuthenticationCode1, now - 5, now);
      if (first === undefined || findStep(seed, input.AuthenticationCode2, first + 1, first + 1) === undefined) {
        throw new AwsError('InvalidAuthenticationCode', 'Authentication code for device is not valid.');
      }
      const result = await db.updateTable('iam_mfa_devices')
        .set({ user_id: user.user_id, enabled_at: deps.clock.now().toISOString(), last_step: first + 1 })
        .where('serial_number', '=', row.serial_number).where('user_id', 'is', null).executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw new AwsError('EntityAlreadyExists', 'MFA Device is already in use.');
      deps.changes.bump(accountId);
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeactivateMFADevice.html */
    async deactivateMFADevice(ctx, input) {
      const accountId = accountOf(ctx);
      const user = await requireUser(deps, ctx, input.UserName);
      const result = await db.updateTable('iam_mfa_devices').set({ user_id: null, enabled_at: null, last_step: null })
        .where('account_id', '=', accountId).where('serial_number', '=', input.SerialNumber).where('user_id', '=', user.user_id).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw iamErrors.noSuchMfaDevice(input.SerialNumber);
      deps.changes.bump(accountId);
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListMFADevices.html */
    async listMFADevices(ctx, input) {
      const user = await requireUser(deps, ctx, input.UserName);
      const rows = await db.selectFrom('iam_mfa_devices').select(['serial_number', 'enabled_at'])
        .where('user_id', '=', user.user_id).orderBy('enabled_at').execute();
      const page = paginate(rows, input);
      return {
        MFADevices: page.items.map((r) => ({ UserName: user.user_name, SerialNumber: r.serial_number, EnableDate: new Date(r.enabled_at!) })),
        IsTruncated: page.IsTruncated,
        Marker: page.Marker,
      };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListVirtualMFADevices.html */
    async listVirtualMFADevices(ctx, input) {
      const status = input.AssignmentStatus ?? 'Any';
      const rows = await db.selectFrom('iam_mfa_devices as d').leftJoin('iam_users as u', 'u.user_id', 'd.user_id')
        .selectAll('d').select(['u.user_name', 'u.path as user_path', 'u.arn as user_arn', 'u.created_at as user_created_at', 'u.permissions_boundary_arn', 'u.password_last_used', 'u.name_key'])
        .where('d.account_id', '=', accountOf(ctx)).orderBy('d.serial_number').execute();
      const wanted = rows.filter((r) => status === 'Any' || (status === 'Assigned') === (r.user_id !== null));
      const page = paginate(wanted, input);
      const devices: VirtualMFADevice[] = [];
      for (const r of page.items) {
        const d: VirtualMFADevice = { SerialNumber: r.serial_number };
        if (r.user_id !== null) {
          d.EnableDate = new Date(r.enabled_at!);
          d.User = userShape({
            user_id: r.user_id, account_id: r.account_id, user_name: r.user_name!, name_key: r.name_key!, path: r.user_path!, arn: r.user_arn!,
            permissions_boundary_arn: r.permissions_boundary_arn, password_last_used: r.password_last_used, created_at: r.user_created_at!,
          });
        }
        const tags = await readTags(db, 'mfa', r.serial_number);
        if (tags.length) d.Tags = tags;
        devices.push(d);
      }
      return { VirtualMFADevices: devices, IsTruncated: page.IsTruncated, Marker: page.Marker };
    },

    /** https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteVirtualMFADevice.html */
    async deleteVirtualMFADevice(ctx, input) {
      const row = await device(ctx, input.SerialNumber);
      if (row.user_id !== null) throw new AwsError('DeleteConflict', 'MFA VirtualDevice in use. Must deactivate first.');
      await db.transaction().execute(async (tx) => {
        await deleteTags(tx, 'mfa', row.serial_number);
        await tx.deleteFrom('iam_mfa_devices').where('serial_number', '=', row.serial_number).execute();
      });
    },
  };
}
