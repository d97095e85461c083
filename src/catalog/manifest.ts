import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { ConfigError } from '../config.js';
import { connectorsDir } from '../paths.js';
import { createAjv, toFieldErrors } from '../validation.js';
import type { ActionName } from './flow-types.js';
import { manifestSchema } from './manifest-schema.js';

export interface ManifestAction {
  definitionId: string;
  description: string;
  inputSchema: object;
  script: string;
  /** The target's shared modules by import specifier (`./common.js`), stored with each version. */
  modules: Record<string, string>;
  /** Of the script and its modules: a change to either is a new version. */
  scriptSha256: string;
  /** Past this age an unsettled transaction is ABANDONED; null: the engine's default for the action. */
  timeToLiveSeconds: number | null;
}

/** A builtin flow target as loaded from connectors/<dir>/manifest.json, files resolved. */
export interface ConnectorManifest {
  dir: string;
  id: string;
  name: string;
  flowType: string;
  status: 'ENABLED' | 'DISABLED';
  /** A data: URI or an https URL. */
  logo: string;
  allowedHosts: string[];
  credentialSchema: object;
  inputSchema: object;
  actions: Partial<Record<ActionName, ManifestAction>>;
}

interface RawAction {
  definitionId: string;
  description: string;
  script: string;
  inputSchema: object;
  timeToLiveSeconds?: number;
}

interface RawManifest extends Omit<ConnectorManifest, 'dir' | 'actions'> {
  /** Files beside the scripts that every action script may import as `./<file>`. */
  modules?: string[];
  actions: Partial<Record<ActionName, RawAction>>;
}

const logoMediaTypes: Record<string, string> = { '.svg': 'image/svg+xml', '.png': 'image/png' };

/**
 * Reads every connector manifest. Anything wrong (bad JSON, a schema Ajv cannot compile, a missing
 * script or logo, an id used twice) stops start-up with a message naming the file.
 */
export function loadConnectorManifests(dir: string = connectorsDir): ConnectorManifest[] {
  const ajv = createAjv();
  const validateManifest = ajv.compile(manifestSchema);
  const manifests: ConnectorManifest[] = [];
  const seenIds = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).sort(byName)) {
    const folder = join(dir, entry.name);
    const manifestPath = join(folder, 'manifest.json');
    if (!existsSync(manifestPath)) continue;
    const fail = (why: string): never => {
      throw new ConfigError(`connector manifest ${manifestPath}: ${why}`);
    };
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
    } catch (err) {
      fail(`not valid JSON (${(err as Error).message})`);
    }
    if (!validateManifest(raw)) {
      fail(toFieldErrors(validateManifest).map((e) => `${e.field} ${e.message}`).join('; '));
    }
    const manifest = raw as RawManifest;
    try {
      ajv.compile(manifest.credentialSchema);
    } catch (err) {
      fail(`credentialSchema does not compile: ${(err as Error).message}`);
    }
    const claim = (id: string) => {
      const owner = seenIds.get(id);
      if (owner !== undefined) fail(`id ${id} is already used by ${owner}`);
      seenIds.set(id, manifestPath);
    };
    claim(manifest.id);
    const modules: Record<string, string> = {};
    for (const file of manifest.modules ?? []) {
      const modulePath = join(folder, file);
      if (!existsSync(modulePath)) fail(`modules: ${file} does not exist`);
      modules[`./${file}`] = readFileSync(modulePath, 'utf8');
    }
    const actions: ConnectorManifest['actions'] = {};
    for (const [name, action] of Object.entries(manifest.actions) as [ActionName, RawAction][]) {
      claim(action.definitionId);
      try {
        ajv.compile(action.inputSchema);
      } catch (err) {
        fail(`actions.${name}.inputSchema does not compile: ${(err as Error).message}`);
      }
      const scriptPath = join(folder, action.script);
      if (!existsSync(scriptPath)) fail(`actions.${name}.script ${action.script} does not exist`);
      const script = readFileSync(scriptPath, 'utf8');
      actions[name] = {
        definitionId: action.definitionId,
        description: action.description,
        inputSchema: action.inputSchema,
        script,
        modules,
        timeToLiveSeconds: action.timeToLiveSeconds ?? null,
        // A script without modules hashes as it always did, so upgrading creates no version.
        scriptSha256: createHash('sha256')
          .update(Object.keys(modules).length === 0 ? script : JSON.stringify([script, modules]))
          .digest('hex'),
      };
    }
    manifests.push({
      dir: entry.name,
      id: manifest.id,
      name: manifest.name,
      flowType: manifest.flowType,
      status: manifest.status,
      logo: resolveLogo(folder, manifest.logo, fail),
      allowedHosts: manifest.allowedHosts,
      credentialSchema: manifest.credentialSchema,
      inputSchema: manifest.inputSchema,
      actions,
    });
  }
  return manifests;
}

function resolveLogo(folder: string, logo: string, fail: (why: string) => never): string {
  if (/^https:\/\//.test(logo) || logo.startsWith('data:image/')) return logo;
  const mediaType = logoMediaTypes[extname(logo)];
  if (mediaType === undefined || logo.includes('/')) fail(`logo must be a .svg or .png file in the folder, or a URL`);
  const path = join(folder, logo);
  if (!existsSync(path)) fail(`logo ${logo} does not exist`);
  return `data:${mediaType};base64,${readFileSync(path).toString('base64')}`;
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
