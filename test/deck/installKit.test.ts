// The install kit in plugin-manifests/ parses, says what Spinnaker needs, and is what the stage definitions generate;
// the Kubernetes manifests and the Dockerfile are checked for what matters (no container daemon here: by parsing).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { loadConfig } from '@outrigger/runtime';
import { deckPluginId, deckPluginVersion, stageDefinitions } from '@outrigger/deck-plugin/stages';
import { clouddriverProfile, gateProfile, kitFiles, orcaProfile, orcaWebhook } from '@outrigger/deck-plugin/kit';

const root = path.resolve(import.meta.dirname, '../..');
const read = (rel: string) => readFileSync(path.join(root, rel), 'utf8');
const yamlFiles = (dir: string): string[] =>
  readdirSync(path.join(root, dir)).flatMap((n) => {
    const rel = path.join(dir, n);
    return statSync(path.join(root, rel)).isDirectory() ? yamlFiles(rel) : /\.ya?ml$/.test(n) ? [rel] : [];
  });

describe('plugin-manifests', () => {
  it('holds exactly what the stage definitions generate (npm run gen:kit)', () => {
    for (const [rel, content] of Object.entries(kitFiles())) expect(read(rel), rel).toBe(content);
  });

  it('every YAML file parses without errors or warnings', () => {
    const files = yamlFiles('plugin-manifests');
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const rel of files) {
      for (const doc of parseAllDocuments(read(rel))) {
        expect(doc.errors, rel).toEqual([]);
        expect(doc.warnings, rel).toEqual([]);
      }
    }
  });

  it("Orca's profile: bakery selector for aws bakes, clouddriver at outrigger, one preconfigured webhook per stage", () => {
    const orca = parseYaml(read('plugin-manifests/orca/orca-local.yml'));
    expect(orca.bakery.selectorEnabled).toBe(true);
    expect(orca.bakery.baseUrls).toHaveLength(2); // the selector needs two or more
    expect(orca.bakery.baseUrls[0]).toMatchObject({ baseUrl: 'http://outrigger.spinnaker.svc:7011', parameters: [{ name: 'cloudProviderType', values: ['aws'] }] });
    expect(orca.clouddriver.baseUrl).toBe('http://outrigger.spinnaker.svc:7011');
    // clouddriver.readonly ships commented (only for operators with a read-only shard); uncommented it points at outrigger.
    expect(orca.clouddriver.readonly).toBeUndefined();
    const uncommented = parseYaml(read('plugin-manifests/orca/orca-local.yml').replace(/^  # (readonly:|  baseUrl:)/gm, '  $1'));
    expect(uncommented.clouddriver).toEqual({ baseUrl: 'http://outrigger.spinnaker.svc:7011', readonly: { baseUrl: 'http://outrigger.spinnaker.svc:7011' } });
    expect(orca.webhook.preconfigured.map((w: { type: string }) => w.type)).toEqual(stageDefinitions.map((d) => d.key));
    for (const [i, def] of stageDefinitions.entries()) {
      const w = orca.webhook.preconfigured[i];
      expect(w).toEqual(orcaWebhook(def));
      expect(w.parameters.every((p: { type: string }) => p.type === 'string')).toBe(true); // Orca knows only string parameters
      if (def.completion === 'task') expect(w).toMatchObject({ waitForCompletion: true, statusUrlResolution: 'locationHeader', statusJsonPath: '$.status', successStatuses: 'SUCCEEDED', terminalStatuses: 'TERMINAL' });
      else expect(w.waitForCompletion).toBe(false); // artifacts are bound from the first answer only
    }
  });

  it("Gate's profile: outrigger as a plugin repository, the Deck plugin through deck-proxy only, the proxy, clouddriver", () => {
    const gate = parseYaml(read('plugin-manifests/gate/gate-local.yml'));
    expect(gate.spinnaker.extensibility.repositories.outrigger.url).toBe('http://outrigger.spinnaker.svc:7011/plugins/repository/plugins.json');
    expect(gate.spinnaker.extensibility['deck-proxy']).toEqual({ enabled: true, plugins: { [deckPluginId]: { enabled: true, version: deckPluginVersion } } });
    // A Deck-only plugin must not be enabled as a service plugin: with strict loading Gate would refuse to start.
    expect(gate.spinnaker.extensibility.plugins).toBeUndefined();
    expect(gate.proxies).toContainEqual(expect.objectContaining({ id: 'outrigger', uri: 'http://outrigger.spinnaker.svc:7011' }));
    expect(gate.services.clouddriver.baseUrl).toBe('http://outrigger.spinnaker.svc:7011');
  });

  it("clouddriver's profile enables an http/file artifact account", () => {
    expect(parseYaml(read('plugin-manifests/clouddriver/clouddriver-local.yml'))).toEqual({ artifacts: { http: { enabled: true, accounts: [{ name: 'outrigger-renders' }] } } });
  });

  it('Halyard: install.sh is valid bash that installs the three profiles, which equal the service files', () => {
    execFileSync('bash', ['-n', path.join(root, 'plugin-manifests/halyard/install.sh')]);
    expect(statSync(path.join(root, 'plugin-manifests/halyard/install.sh')).mode & 0o111).not.toBe(0);
    const home = mkdtempSync(path.join(tmpdir(), 'hal-home-'));
    try {
      execFileSync('bash', [path.join(root, 'plugin-manifests/halyard/install.sh'), 'staging'], { env: { ...process.env, HOME: home }, stdio: 'pipe' });
      for (const svc of ['orca', 'gate', 'clouddriver']) {
        expect(readFileSync(path.join(home, '.hal/staging/profiles', `${svc}-local.yml`), 'utf8')).toBe(read(`plugin-manifests/${svc}/${svc}-local.yml`));
      }
      // An existing profile is never overwritten.
      writeFileSync(path.join(home, '.hal/staging/profiles/orca-local.yml'), 'mine: true\n');
      const out = execFileSync('bash', [path.join(root, 'plugin-manifests/halyard/install.sh'), 'staging'], { env: { ...process.env, HOME: home }, stdio: 'pipe', encoding: 'utf8' });
      expect(out).toContain('hal deploy apply');
      expect(readFileSync(path.join(home, '.hal/staging/profiles/orca-local.yml'), 'utf8')).toBe('mine: true\n');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('Operator: a SpinnakerService patch carrying the same three profiles', () => {
    const patch = parseYaml(read('plugin-manifests/operator/spinnakerservice-patch.yml'));
    expect(patch).toMatchObject({ apiVersion: 'spinnaker.io/v1alpha2', kind: 'SpinnakerService', metadata: { name: 'spinnaker' } });
    expect(patch.spec.spinnakerConfig.profiles).toEqual({ orca: orcaProfile(), gate: gateProfile(), clouddriver: clouddriverProfile() });
    // The same commented clouddriver.readonly block as Orca's profile; uncommented, it points Orca's read shard at outrigger.
    const uncommented = parseYaml(read('plugin-manifests/operator/spinnakerservice-patch.yml').replace(/^ {10}# (readonly:|  baseUrl:)/gm, '          $1'));
    expect(uncommented.spec.spinnakerConfig.profiles.orca.clouddriver).toEqual({ baseUrl: 'http://outrigger.spinnaker.svc:7011', readonly: { baseUrl: 'http://outrigger.spinnaker.svc:7011' } });
  });

  it('spinnaker-kustomize: a Component adding outrigger, and the three files for overlays/config/files', () => {
    const k = parseYaml(read('plugin-manifests/kustomize/kustomization.yml'));
    expect(k).toMatchObject({ apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component' });
    for (const r of k.resources) expect(statSync(path.join(root, 'plugin-manifests/kustomize', r)).isFile()).toBe(true);
    for (const svc of ['orca', 'gate', 'clouddriver']) expect(read(`plugin-manifests/kustomize/files/${svc}-local.yml`)).toBe(read(`plugin-manifests/${svc}/${svc}-local.yml`));
  });

  it('the air-gapped repository copy: plugins.json names deck.zip by its sha512, Deck-only, index.js at the zip root', () => {
    const index = JSON.parse(read('plugin-manifests/deck/plugins.json'));
    const zip = readFileSync(path.join(root, 'plugin-manifests/deck/deck.zip'));
    expect(index).toHaveLength(1);
    expect(index[0].id).toMatch(/^([\w\-.])+\.([\w\-]+)$/); // kork's canonical plugin id
    const [release] = index[0].releases;
    expect(release).toMatchObject({ version: deckPluginVersion, requires: 'deck>=0.0.0', url: 'deck.zip', sha512sum: createHash('sha512').update(zip).digest('hex') });
    expect(release.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const files = unzipSync(new Uint8Array(zip));
    expect(Object.keys(files).sort()).toEqual(['index.js', 'index.js.map']);
    const js = Buffer.from(files['index.js']!).toString('utf8');
    expect(js).toMatch(/export \{[^}]*\bplugin\b/);
    // Deck's shared libraries come from window globals, never bundled.
    expect(js).toContain('spinnaker.plugins.sharedLibraries._spinnaker_core');
    expect(js).toContain('spinnaker.plugins.sharedLibraries.react');
    expect(js).not.toMatch(/\bimport\s.*from\s*['"]/);
    expect(js).not.toContain('react.production');
    expect(js.length).toBeLessThan(200_000);
  });
});

describe('outrigger on Kubernetes (plugin-manifests/kubernetes/outrigger.yml)', () => {
  const docs = parseAllDocuments(read('plugin-manifests/kubernetes/outrigger.yml')).map((d) => d.toJS());
  const byKind = (kind: string) => docs.find((d) => d.kind === kind);
  const deployment = byKind('Deployment');
  const container = deployment.spec.template.spec.containers[0];
  const configMap = byKind('ConfigMap');

  it('has a ConfigMap, a PersistentVolumeClaim, a Deployment and a Service', () => {
    expect(docs.map((d) => d.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'PersistentVolumeClaim', 'Service']);
  });

  it('the config file in the ConfigMap is a valid outrigger config, listening where the container port and the Service say', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'k8s-config-'));
    try {
      const file = path.join(dir, 'outrigger.yml');
      writeFileSync(file, configMap.data['outrigger.yml']);
      const { config } = loadConfig({ file, env: {} });
      expect(config.server.port).toBe(7011);
      expect(config.server.host).toBe('0.0.0.0');
      const port = container.ports.find((p: { name: string }) => p.name === 'http');
      expect(port.containerPort).toBe(config.server.port);
      const svc = byKind('Service');
      expect(svc.spec.ports[0]).toMatchObject({ port: 7011, targetPort: 'http' });
      expect(svc.spec.selector).toEqual(deployment.spec.template.metadata.labels);
      // The embedded store lives on the persistent volume.
      const mounts = Object.fromEntries(container.volumeMounts.map((m: { name: string; mountPath: string }) => [m.name, m.mountPath]));
      expect(mounts.data).toBe(config.dataDir);
      const volumes = Object.fromEntries(deployment.spec.template.spec.volumes.map((v: { name: string }) => [v.name, v]));
      expect(volumes.data.persistentVolumeClaim.claimName).toBe(byKind('PersistentVolumeClaim').metadata.name);
      expect(volumes.config.configMap.name).toBe(configMap.metadata.name);
      // The container reads the mounted config file.
      const configPath = path.posix.join(mounts.config, 'outrigger.yml');
      expect(container.args).toEqual(['serve', '--config', configPath]);
      expect(container.env).toContainEqual({ name: 'OUTRIGGER_CONFIG', value: configPath });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('probes /health on the http port; runs as non-root without privilege escalation; one replica for SQLite', () => {
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    const pod = deployment.spec.template.spec.securityContext;
    expect(pod.runAsNonRoot).toBe(true);
    expect(pod.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    // A read-only root filesystem needs a writable /tmp (Packer's working files) and the data volume.
    expect(container.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toEqual(expect.arrayContaining(['/tmp', '/var/lib/outrigger']));
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy.type).toBe('Recreate');
  });
});

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages = text.split(/^FROM /m).slice(1);

  it('is multi-stage, installs Packer, runs non-root, and runs `outrigger serve`', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const final = stages.at(-1)!;
    expect(final).toMatch(/apt-get install[^\n]*\bpacker\b/);
    expect(final).not.toMatch(/g\+\+/); // the toolchain stays in the build stage
    const user = [...final.matchAll(/^USER\s+(\S+)/gm)].at(-1)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(final).toMatch(/COPY --from=build/);
    const entry = JSON.parse(final.match(/^ENTRYPOINT\s+(\[.*\])/m)![1]!);
    const cmd = JSON.parse(final.match(/^CMD\s+(\[.*\])/m)![1]!);
    expect([...entry, ...cmd].slice(0, 3)).toEqual(['node', 'packages/server/dist/cli.js', 'serve']);
    expect(cmd).toEqual(expect.arrayContaining(['--host', '0.0.0.0']));
  });

  it("runs exactly the README's install steps, in order", () => {
    const readme = read('README.md');
    const section = readme.slice(readme.indexOf('### 1. Run outrigger'));
    const block = section.slice(section.indexOf('```sh') + 5, section.indexOf('```', section.indexOf('```sh') + 5));
    const readmeSteps = block.split('\n').map((l) => l.trim()).filter(Boolean);
    const dockerSteps = [
      ...lines.filter((l) => l.startsWith('RUN ') && !l.startsWith('RUN mkdir')).map((l) => l.slice(4)),
      (() => {
        const final = stages.at(-1)!;
        const entry: string[] = JSON.parse(final.match(/^ENTRYPOINT\s+(\[.*\])/m)![1]!);
        const cmd: string[] = JSON.parse(final.match(/^CMD\s+(\[.*\])/m)![1]!);
        return [...entry, ...cmd].join(' ');
      })(),
    ];
    expect(readmeSteps).toEqual(dockerSteps);
  });
});
