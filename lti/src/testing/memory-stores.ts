/**
 * In-memory implementations of the ports, for this package's unit tests ONLY. `server/` implements the
 * same ports on PGlite/PostgreSQL and tests them there.
 */
import type {
  ConsumeLoginResult,
  LoginState,
  LoginStateStore,
  NewPlatform,
  Platform,
  PlatformStore,
  ProvisionResult,
  Provisioner,
  ToolKeyRecord,
  ToolKeyStatus,
  ToolKeyStore,
  ValidatedLaunch,
} from '../ports.ts';

export class MemoryPlatformStore implements PlatformStore {
  readonly platforms: Platform[] = [];
  readonly deployments = new Map<string, Set<string>>();

  async findPlatform(issuer: string, clientId: string) {
    return this.platforms.find((p) => p.issuer === issuer && p.clientId === clientId) ?? null;
  }
  async listPlatformsByIssuer(issuer: string) {
    return this.platforms.filter((p) => p.issuer === issuer);
  }
  async hasDeployment(platformId: string, deploymentId: string) {
    return this.deployments.get(platformId)?.has(deploymentId) ?? false;
  }
  async savePlatform({ deploymentIds, ...input }: NewPlatform) {
    const existing = await this.findPlatform(input.issuer, input.clientId);
    const platform: Platform = { ...input, id: existing?.id ?? crypto.randomUUID() };
    if (existing) this.platforms.splice(this.platforms.indexOf(existing), 1);
    this.platforms.push(platform);
    const set = this.deployments.get(platform.id) ?? new Set<string>();
    for (const d of deploymentIds) set.add(d);
    this.deployments.set(platform.id, set);
    return platform;
  }
}

export class MemoryLoginStateStore implements LoginStateStore {
  readonly logins = new Map<string, LoginState & { usedAt?: Date }>();

  async create(login: LoginState) {
    this.logins.set(login.state, { ...login });
  }
  async find(state: string) {
    return this.logins.get(state) ?? null;
  }
  async consume(state: string, now: Date): Promise<ConsumeLoginResult> {
    const row = this.logins.get(state);
    if (!row) return { outcome: 'not_found' };
    if (row.usedAt) return { outcome: 'already_used', login: row };
    row.usedAt = now;
    return { outcome: 'consumed', login: row };
  }
  async nonceStatus(nonce: string) {
    for (const row of this.logins.values()) if (row.nonce === nonce) return row.usedAt ? 'used' : 'unused';
    return 'unknown' as const;
  }
}

export class MemoryToolKeyStore implements ToolKeyStore {
  readonly keys: ToolKeyRecord[] = [];
  async list() {
    return this.keys.map((k) => ({ ...k }));
  }
  async insert(key: ToolKeyRecord) {
    this.keys.push({ ...key });
  }
  async updateStatus(kid: string, status: ToolKeyStatus, at: Date) {
    const k = this.keys.find((x) => x.kid === kid);
    if (k) Object.assign(k, { status, statusChangedAt: at });
  }
  async delete(kid: string) {
    const i = this.keys.findIndex((x) => x.kid === kid);
    if (i >= 0) this.keys.splice(i, 1);
  }
}

/** Records every launch it is given; answers with a fixed landing URL and a fake token. */
export class RecordingProvisioner implements Provisioner {
  readonly launches: ValidatedLaunch[] = [];
  async provision(launch: ValidatedLaunch): Promise<ProvisionResult> {
    this.launches.push(launch);
    const where =
      launch.messageType === 'LtiDeepLinkingRequest' ? '/lti/pick' : `/lti/landing/${launch.role}`;
    return { redirectTo: where, appSessionToken: `app-token-for-${launch.sub}` };
  }
}
