import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceModel, Shape } from './types.js';

/** The services Coffer speaks, by their SigV4 signing name. */
export const SERVICE_NAMES = ['kms', 's3', 'iam', 'sts', 'cloudtrail', 'ec2'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The project root: the nearest folder above this module that holds `models/`. */
function modelsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'models', 'LICENSE.txt'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('models/ not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return join(dir, 'models');
}

/**
 * A patch is a partial model merged over the vendored one: the client-oriented botocore models
 * lack facts a server needs (HTTP statuses of errors, errors S3 doesn't model).
 */
function deepMerge(target: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object' && !Array.isArray(current)) {
      deepMerge(current as Record<string, unknown>, value as Record<string, unknown>);
    } else {
      target[key] = value;
    }
  }
}

const cache = new Map<ServiceName, ServiceModel>();

/** The vendored model of a service with its patch applied; read once per process. */
export function loadModel(name: ServiceName): ServiceModel {
  let model = cache.get(name);
  if (!model) {
    const dir = modelsDir();
    model = JSON.parse(readFileSync(join(dir, name, 'service-2.json'), 'utf8')) as ServiceModel;
    const patchFile = join(dir, 'patches', `${name}.json`);
    if (existsSync(patchFile)) deepMerge(model as unknown as Record<string, unknown>, JSON.parse(readFileSync(patchFile, 'utf8')));
    cache.set(name, model);
  }
  return model;
}

/** The error shape an error code names (by shape name or by `error.code`), if the model has one. */
export function errorShape(model: ServiceModel, code: string): Shape | undefined {
  const direct = model.shapes[code];
  if (direct?.exception) return direct;
  return Object.values(model.shapes).find((s) => s.exception && s.error?.code === code);
}
