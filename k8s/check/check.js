'use strict';
// Offline checks of rendered Kubernetes manifests (`kubectl kustomize` output):
//   1. schema: every object against the Kubernetes OpenAPI schema of its
//      apiVersion/kind (the validators the npm package kubernetes-models
//      compiles from it); an unknown apiVersion/kind fails. The one custom
//      resource, monitoring.coreos.com/v1 ServiceMonitor, is validated against
//      the schema of its CRD (@kubernetes-models/prometheus-operator).
//   2. unknown-field: fields the schema does not define (what `kubectl apply`
//      rejects with strict field validation; the schemas themselves allow
//      them).
//   3. policy: the project's rules (probes, resources, security context,
//      pinned images, secrets only from Secrets, shutdown timing, that every
//      reference between objects resolves, that access policies parse as the
//      server parses them, and that the server's clients in the render can
//      reach it: through its NetworkPolicy, and with TLS client credentials
//      and an identity the access policy knows where the render serves mTLS).
//
// Usage:
//   node check.js --modules DIR [--expect FILE] NAME=RENDERED.yaml ...
//   node check.js --modules DIR --self-test FIXTURE.yaml
// DIR holds node_modules with the packages of package.json beside this file.
// Exit status 0 when nothing failed.

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

let req; // resolves packages from --modules

// ---------------------------------------------------------------------------
// Loading

function loadObjects(file) {
  const YAML = req('yaml');
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
  const objects = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
    const obj = doc.toJS();
    if (obj === null || obj === undefined) continue;
    if (obj.apiVersion === 'v1' && obj.kind === 'List') {
      for (const item of obj.items || []) pushObject(objects, item);
      continue;
    }
    pushObject(objects, obj);
  }
  return objects;
}

function pushObject(objects, obj) {
  // kustomize folds long base64 values over lines; the API server's decoder
  // ignores the line breaks, the schema's "byte" format does not.
  if (obj.kind === 'Secret' && obj.data && typeof obj.data === 'object') {
    for (const k of Object.keys(obj.data)) {
      if (typeof obj.data[k] === 'string') obj.data[k] = obj.data[k].replace(/[\r\n]/g, '');
    }
  }
  objects.push(obj);
}

const idOf = (o) => `${o.kind || '?'}/${(o.metadata && o.metadata.name) || '?'}`;

// ---------------------------------------------------------------------------
// Schema validation

const CUSTOM_RESOURCES = {
  // The only custom resource the manifests use (components/servicemonitor).
  'monitoring.coreos.com/v1/ServiceMonitor': () =>
    req('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1').ServiceMonitor,
};

function modelFor(apiVersion, kind) {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return null;
  const custom = CUSTOM_RESOURCES[`${apiVersion}/${kind}`];
  if (custom) return custom();
  if (!/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return null;
  let exports;
  try {
    exports = req(`kubernetes-models/${apiVersion}`);
  } catch (e) {
    return null;
  }
  const model = exports[kind];
  // Sub-structures (DeploymentSpec, ...) are exported too but have no kind.
  if (typeof model !== 'function' || model.apiVersion !== apiVersion || model.kind !== kind) return null;
  return model;
}

function schemaErrors(model, obj) {
  try {
    new model(obj).validate();
    return [];
  } catch (e) {
    if (Array.isArray(e.errors)) return e.errors;
    return [{ instancePath: undefined, message: String(e.message || e) }];
  }
}

// A field the schema defines is type-checked, so replacing its value with one
// that has no JSON type at all must produce an error at exactly its path. A
// field the schema does not know produces none: that is an unknown field.
const NO_JSON_TYPE = Symbol('no JSON type');

function unknownFields(model, obj) {
  const found = [];
  const walk = (node, at) => {
    if (node === null || typeof node !== 'object') return;
    for (const key of Object.keys(node)) {
      const fieldPath = `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`; // JSON Pointer
      const saved = node[key];
      node[key] = NO_JSON_TYPE;
      const known = schemaErrors(model, obj).some((e) => e.instancePath === fieldPath);
      node[key] = saved;
      if (!known) {
        found.push(fieldPath);
        continue; // nothing below an unknown field is known either
      }
      walk(saved, fieldPath);
    }
  };
  walk(obj, '');
  return found;
}

// ---------------------------------------------------------------------------
// Helpers for the policy rules

const CLUSTER_SCOPED = new Set([
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'PersistentVolume', 'StorageClass', 'PriorityClass', 'IngressClass',
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration',
]);
const SERVING_WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
const SECRET_NAME = /PASSWORD|PASSWD|SECRET|DSN|TOKEN/i;

// The pod template of a workload, or null.
function podTemplateOf(o) {
  const spec = o.spec || {};
  switch (o.kind) {
    case 'Pod':
      return { metadata: o.metadata || {}, spec };
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'ReplicaSet': case 'Job':
      return spec.template || null;
    case 'CronJob':
      return (spec.jobTemplate && spec.jobTemplate.spec && spec.jobTemplate.spec.template) || null;
    default:
      return null;
  }
}

function containersOf(podSpec, { init = true } = {}) {
  const list = [];
  for (const c of podSpec.containers || []) list.push({ c, kind: 'container' });
  if (init) for (const c of podSpec.initContainers || []) list.push({ c, kind: 'initContainer' });
  return list;
}

function selectorMatches(selector, labels) {
  if (!selector) return false;
  labels = labels || {};
  for (const [k, v] of Object.entries(selector.matchLabels || {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions || []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

// Go/absl duration ("5s", "1m30s", "250ms") in seconds, or NaN.
function parseDuration(text) {
  const s = String(text).trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(s)) return NaN;
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const [, n, , u] of s.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g)) total += Number(n) * unit[u];
  return total;
}

function imageTag(image) {
  const ref = String(image).split('@')[0];
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', lastSlash + 1);
  return colon < 0 ? null : ref.slice(colon + 1);
}

function decodeSecret(secret, key) {
  if (secret.stringData && key in secret.stringData) return String(secret.stringData[key]);
  if (secret.data && key in secret.data) return Buffer.from(String(secret.data[key]), 'base64').toString('utf8');
  return undefined;
}

// ---------------------------------------------------------------------------
// Policy

function checkRender(objects, expect) {
  const problems = [];
  const fail = (o, rule, message) => problems.push({ id: idOf(o), rule, message });

  const byKind = (kind) => objects.filter((o) => o.kind === kind);
  const named = (kind, name) => objects.find((o) => o.kind === kind && o.metadata && o.metadata.name === name);
  const workloads = objects.filter((o) => podTemplateOf(o));
  const external = new Set(expect.externalSecrets || []);

  // The value a container sees for an environment variable (from env or a
  // ConfigMap in the render), or undefined. env wins over envFrom, and a
  // later envFrom source over an earlier one.
  const envValue = (container, name) => {
    for (const e of container.env || []) {
      if (e.name !== name) continue;
      if ('value' in e) return e.value;
      const ref = e.valueFrom && e.valueFrom.configMapKeyRef;
      const cm = ref && named('ConfigMap', ref.name);
      return cm && cm.data ? cm.data[ref.key] : undefined;
    }
    for (const src of [...(container.envFrom || [])].reverse()) {
      const cm = src.configMapRef && named('ConfigMap', src.configMapRef.name);
      const prefix = src.prefix || '';
      if (!name.startsWith(prefix)) continue;
      const key = name.slice(prefix.length);
      if (cm && cm.data && key in cm.data) return cm.data[key];
    }
    return undefined;
  };

  for (const o of objects) {
    const meta = o.metadata || {};

    // 1. Schema and unknown fields.
    const model = modelFor(o.apiVersion, o.kind);
    if (!model) {
      fail(o, 'unknown-kind', `apiVersion ${o.apiVersion} kind ${o.kind} is neither a Kubernetes API type ` +
        `nor one of the custom resources this check knows (${Object.keys(CUSTOM_RESOURCES).join(', ')})`);
    } else {
      const errors = schemaErrors(model, o);
      for (const e of errors) fail(o, 'schema', `${e.instancePath || '/'} ${e.message}`);
      if (!errors.length) {
        for (const p of unknownFields(model, o)) fail(o, 'unknown-field', `${p} is not a field of ${o.apiVersion} ${o.kind}`);
      }
    }

    // 2. Namespaces and which objects an overlay may or must render.
    if ('namespace' in expect && !CLUSTER_SCOPED.has(o.kind) && (meta.namespace || null) !== expect.namespace) {
      fail(o, 'namespace', `namespace ${meta.namespace || '(none)'}, expected ${expect.namespace || '(none)'}`);
    }
    if ((expect.forbidKinds || []).includes(o.kind)) {
      fail(o, 'forbidden-kind', `this render must contain no ${o.kind} (${expect.forbidReason || 'see expectations.json'})`);
    }

    // 3. Secrets never in ConfigMaps.
    if (o.kind === 'ConfigMap') {
      for (const key of Object.keys(o.data || {})) {
        if (SECRET_NAME.test(key)) fail(o, 'secret-in-configmap', `key ${key} looks like a secret: put it in a Secret`);
      }
    }

    // 4. Pods.
    const template = podTemplateOf(o);
    if (template) checkPod(o, template, { fail, named, envValue, external });

    // 5. References between objects.
    if (o.kind === 'Service') checkService(o, { fail, workloads });
    if (o.kind === 'PodDisruptionBudget' || o.kind === 'NetworkPolicy') {
      const selector = o.kind === 'PodDisruptionBudget' ? (o.spec || {}).selector : (o.spec || {}).podSelector;
      const matched = workloads.filter((w) => selectorMatches(selector, (podTemplateOf(w).metadata || {}).labels));
      if (!matched.length) fail(o, 'selector', 'its selector matches no pod template in this render');
      if (o.kind === 'NetworkPolicy') {
        for (const rule of (o.spec || {}).ingress || []) {
          for (const port of rule.ports || []) {
            if (typeof port.port !== 'string') continue;
            const has = matched.some((w) => containersOf(podTemplateOf(w).spec).some(({ c }) =>
              (c.ports || []).some((p) => p.name === port.port)));
            if (!has) fail(o, 'selector', `ingress port "${port.port}" is not a named port of the selected pods`);
          }
        }
      }
    }
    if (o.kind === 'HorizontalPodAutoscaler') checkHpa(o, { fail, named, envValue });
    if (o.kind === 'ServiceMonitor') {
      const spec = o.spec || {};
      const services = byKind('Service').filter((s) => selectorMatches(spec.selector, (s.metadata || {}).labels));
      if (!services.length) fail(o, 'selector', 'its selector matches no Service in this render');
      for (const ep of services.length ? spec.endpoints || [] : []) {
        if (ep.port && !services.some((s) => ((s.spec || {}).ports || []).some((p) => p.name === ep.port))) {
          fail(o, 'selector', `endpoint port "${ep.port}" is not a port of the selected Services`);
        }
      }
    }
    if (o.kind === 'Secret') checkDsnTarget(o, { fail, objects, named });
    if (o.kind === 'ConfigMap' && o.data && typeof o.data[POLICY_KEY] === 'string') {
      for (const message of accessPolicyProblems(o.data[POLICY_KEY])) fail(o, 'access-policy', `${POLICY_KEY}: ${message}`);
    }
  }

  // 6a. The server's clients in this render.
  checkClients(objects, expect, { fail, named, envValue });

  // 6. Expected objects and the server's minimum count.
  for (const want of expect.requireObjects || []) {
    const [kind, name] = want.split('/');
    if (!named(kind, name)) problems.push({ id: want, rule: 'required-object', message: 'missing from this render' });
  }
  // 7. Transport and authentication of the server, as the overlay demands.
  const server = named('Deployment', 'scheduling-server');
  const serverContainer = server && containersOf(server.spec.template.spec, { init: false })
    .map(({ c }) => c).find((c) => c.name === 'server');
  if (serverContainer) {
    const env = (name) => envValue(serverContainer, name);
    if (env('SCHEDULING_DISABLE_AUTH') === 'true') {
      problems.push({ id: 'Deployment/scheduling-server', rule: 'auth', message: 'SCHEDULING_DISABLE_AUTH=true lets every caller do everything; no overlay may set it' });
    }
    if (expect.requireTls) {
      if (env('SCHEDULING_INSECURE') === 'true') {
        problems.push({ id: 'Deployment/scheduling-server', rule: 'auth', message: 'SCHEDULING_INSECURE=true: this overlay must serve TLS' });
      }
      for (const name of ['SCHEDULING_TLS_CERT', 'SCHEDULING_TLS_KEY', 'SCHEDULING_TLS_CLIENT_CA']) {
        if (!env(name)) problems.push({ id: 'Deployment/scheduling-server', rule: 'auth', message: `${name} is not set: this overlay must serve mTLS` });
      }
    }
    if (expect.requireAccessPolicy && !env('SCHEDULING_ACCESS_POLICY')) {
      problems.push({ id: 'Deployment/scheduling-server', rule: 'auth', message: 'SCHEDULING_ACCESS_POLICY is not set' });
    }
  }

  if (expect.minServers) {
    const d = named('Deployment', 'scheduling-server');
    const hpa = byKind('HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef.name === 'scheduling-server');
    const min = hpa ? hpa.spec.minReplicas || 1 : d && d.spec.replicas !== undefined ? d.spec.replicas : 1;
    if (min < expect.minServers) {
      problems.push({ id: 'Deployment/scheduling-server', rule: 'replicas', message: `at least ${min} servers, expected ${expect.minServers}` });
    }
  }
  return problems;
}

function checkPod(o, template, { fail, named, envValue, external }) {
  const podSpec = template.spec || {};
  const podSec = podSpec.securityContext || {};

  for (const { c, kind } of containersOf(podSpec)) {
    const what = `${kind} "${c.name}"`;
    const sec = c.securityContext || {};

    // Probes, for long-running workloads' containers.
    if (kind === 'container' && SERVING_WORKLOADS.has(o.kind)) {
      for (const probe of ['readinessProbe', 'livenessProbe']) {
        if (!c[probe]) fail(o, 'probes', `${what} has no ${probe}`);
      }
      for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
        const p = c[probe];
        if (!p) continue;
        const action = p.grpc || p.httpGet || p.tcpSocket;
        if (action && action.port !== undefined) {
          const ok = (c.ports || []).some((cp) => cp.containerPort === action.port || cp.name === action.port);
          if (!ok) fail(o, 'probes', `${what} ${probe} port ${action.port} is not one of its ports`);
        }
      }
    }

    // Resources.
    const res = c.resources || {};
    for (const part of ['requests', 'limits']) {
      for (const r of ['cpu', 'memory']) {
        if (!(res[part] && res[part][r] !== undefined)) fail(o, 'resources', `${what} has no resources.${part}.${r}`);
      }
    }

    // Security context (the "restricted" Pod Security Standard and more).
    const nonRoot = sec.runAsNonRoot !== undefined ? sec.runAsNonRoot : podSec.runAsNonRoot;
    const uid = sec.runAsUser !== undefined ? sec.runAsUser : podSec.runAsUser;
    if (nonRoot !== true) fail(o, 'run-as-non-root', `${what} does not set runAsNonRoot: true`);
    if (uid === 0) fail(o, 'run-as-non-root', `${what} runs as uid 0`);
    if (sec.readOnlyRootFilesystem !== true) fail(o, 'read-only-root-filesystem', `${what} does not set readOnlyRootFilesystem: true`);
    if (sec.allowPrivilegeEscalation !== false) fail(o, 'privilege-escalation', `${what} does not set allowPrivilegeEscalation: false`);
    if (sec.privileged === true) fail(o, 'privilege-escalation', `${what} is privileged`);
    const drop = (sec.capabilities && sec.capabilities.drop) || [];
    if (!drop.includes('ALL')) fail(o, 'capabilities', `${what} does not drop ALL capabilities`);
    const seccomp = (sec.seccompProfile || podSec.seccompProfile || {}).type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') fail(o, 'seccomp', `${what} has no RuntimeDefault seccomp profile`);

    // Pinned images.
    const image = c.image || '';
    const tag = imageTag(image);
    if (!image.includes('@') && (!tag || tag === 'latest')) {
      fail(o, 'image-tag', `${what} image "${image}" must carry a version tag (not :latest) or a digest`);
    }

    // Secrets only from Secrets.
    for (const e of c.env || []) {
      if (!SECRET_NAME.test(e.name)) continue;
      if (!(e.valueFrom && e.valueFrom.secretKeyRef)) {
        fail(o, 'secret-env', `${what} env ${e.name} looks like a secret and must come from valueFrom.secretKeyRef`);
      }
    }

    // References to ConfigMaps and Secrets.
    const refs = [];
    for (const e of c.env || []) {
      const vf = e.valueFrom || {};
      if (vf.configMapKeyRef) refs.push({ kind: 'ConfigMap', ...vf.configMapKeyRef });
      if (vf.secretKeyRef) refs.push({ kind: 'Secret', ...vf.secretKeyRef });
    }
    for (const src of c.envFrom || []) {
      if (src.configMapRef) refs.push({ kind: 'ConfigMap', ...src.configMapRef });
      if (src.secretRef) refs.push({ kind: 'Secret', ...src.secretRef });
    }
    for (const ref of refs) checkRef(o, what, ref, { fail, named, external });
  }
  for (const v of podSpec.volumes || []) {
    if (v.secret) checkRef(o, `volume "${v.name}"`, { kind: 'Secret', name: v.secret.secretName, optional: v.secret.optional }, { fail, named, external });
    if (v.configMap) checkRef(o, `volume "${v.name}"`, { kind: 'ConfigMap', name: v.configMap.name, optional: v.configMap.optional }, { fail, named, external });
  }

  // Shutdown timing: SIGTERM → NOT_SERVING for SCHEDULING_SHUTDOWN_DELAY, then
  // up to SCHEDULING_GRACE_PERIOD for calls in flight; the kubelet's SIGKILL
  // must come later.
  for (const { c } of containersOf(podSpec, { init: false })) {
    const delay = envValue(c, 'SCHEDULING_SHUTDOWN_DELAY');
    const grace = envValue(c, 'SCHEDULING_GRACE_PERIOD');
    const isServer = /(^|\/)scheduling-server(:|@|$)/.test(c.image || '') && !(c.args || []).length;
    if (delay === undefined && grace === undefined && !isServer) continue;
    if (delay === undefined || grace === undefined) {
      fail(o, 'termination-grace', `container "${c.name}" must set both SCHEDULING_SHUTDOWN_DELAY and SCHEDULING_GRACE_PERIOD`);
      continue;
    }
    const need = parseDuration(delay) + parseDuration(grace);
    const have = podSpec.terminationGracePeriodSeconds !== undefined ? podSpec.terminationGracePeriodSeconds : 30;
    if (Number.isNaN(need)) {
      fail(o, 'termination-grace', `container "${c.name}": cannot parse SCHEDULING_SHUTDOWN_DELAY=${delay} or SCHEDULING_GRACE_PERIOD=${grace}`);
    } else if (have < need) {
      fail(o, 'termination-grace', `terminationGracePeriodSeconds ${have} < SCHEDULING_SHUTDOWN_DELAY ${delay} + SCHEDULING_GRACE_PERIOD ${grace}`);
    }
  }

  // The migration Job is named after the release it migrates to.
  const labels = (o.metadata && o.metadata.labels) || {};
  if (o.kind === 'Job' && labels['app.kubernetes.io/component'] === 'migrate') {
    const c = (podSpec.containers || [])[0] || {};
    const tag = imageTag(c.image || '');
    if (o.metadata.name !== `scheduling-migrate-${tag}`) {
      fail(o, 'migrate-job', `name must be scheduling-migrate-${tag} (its image's tag) so that each release runs its own Job`);
    } else if (!/^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/.test(o.metadata.name)) {
      // The Job's name becomes its pods' job-name label value: 63 characters.
      fail(o, 'migrate-job', `name ${o.metadata.name} is no valid Job name (lower case, at most 63 characters): pick another image tag`);
    }
    if (JSON.stringify(c.args) !== '["migrate"]') fail(o, 'migrate-job', 'container args must be ["migrate"]');
    const server = named('Deployment', 'scheduling-server');
    const serverImage = server && ((podTemplateOf(server).spec.containers || []).find((x) => x.name === 'server') || {}).image;
    if (serverImage && serverImage !== c.image) fail(o, 'migrate-job', `image ${c.image} differs from the server's ${serverImage}`);
  }
}

function checkRef(o, what, ref, { fail, named, external }) {
  if (ref.optional) return;
  const target = named(ref.kind, ref.name);
  if (!target) {
    if (ref.kind === 'Secret' && external.has(ref.name)) return;
    const orExternal = ref.kind === 'Secret' ? ' nor a documented external Secret (expectations.json)' : '';
    fail(o, 'reference', `${what} refers to ${ref.kind} ${ref.name}, which is not in this render${orExternal}`);
    return;
  }
  if (ref.key !== undefined) {
    const data = { ...(target.data || {}), ...(target.stringData || {}), ...(target.binaryData || {}) };
    if (!(ref.key in data)) fail(o, 'reference', `${what} refers to key ${ref.key} of ${ref.kind} ${ref.name}, which has no such key`);
  }
}

function checkService(o, { fail, workloads }) {
  const spec = o.spec || {};
  if (!spec.selector) return;
  const matched = workloads.filter((w) => selectorMatches({ matchLabels: spec.selector }, (podTemplateOf(w).metadata || {}).labels));
  if (!matched.length) {
    fail(o, 'selector', 'its selector matches no pod template in this render');
    return;
  }
  for (const port of spec.ports || []) {
    if (typeof port.targetPort !== 'string') continue;
    const has = matched.every((w) => containersOf(podTemplateOf(w).spec, { init: false }).some(({ c }) =>
      (c.ports || []).some((p) => p.name === port.targetPort)));
    if (!has) fail(o, 'selector', `targetPort "${port.targetPort}" is not a named port of every selected pod`);
  }
}

function checkHpa(o, { fail, named, envValue }) {
  const spec = o.spec || {};
  const ref = spec.scaleTargetRef || {};
  const target = named(ref.kind, ref.name);
  if (!target) {
    fail(o, 'selector', `scaleTargetRef ${ref.kind}/${ref.name} is not in this render`);
    return;
  }
  if (target.spec && target.spec.replicas !== undefined) {
    fail(o, 'hpa-replicas', `${ref.kind}/${ref.name} sets spec.replicas; with an autoscaler every apply would reset the count`);
  }
  if ((spec.minReplicas || 1) > spec.maxReplicas) fail(o, 'hpa-replicas', 'minReplicas exceeds maxReplicas');

  // Database connections at the most replicas, during a rollout (surge), plus
  // the migration Job's one, against the database's max_connections.
  const budget = Number(((o.metadata || {}).annotations || {})['scheduling.example/db-max-connections']);
  const server = (podTemplateOf(target).spec.containers || [])[0];
  const poolText = server && envValue(server, 'SCHEDULING_DB_POOL_SIZE');
  if (!budget) {
    fail(o, 'db-connections', 'annotation scheduling.example/db-max-connections (the database\'s max_connections) is missing');
    return;
  }
  const pool = poolText === undefined ? 16 : Number(poolText);
  const surgeText = (((target.spec || {}).strategy || {}).rollingUpdate || {}).maxSurge;
  const surge = typeof surgeText === 'number' ? surgeText : Math.ceil((spec.maxReplicas * parseInt(surgeText || '25', 10)) / 100);
  // Each server: its pool plus the health checker's and the event
  // sequencer's own connections.
  const need = (spec.maxReplicas + surge) * (pool + 2) + 1;
  if (need > budget) {
    fail(o, 'db-connections', `(maxReplicas ${spec.maxReplicas} + surge ${surge}) x (SCHEDULING_DB_POOL_SIZE ${pool} + 1 health check + 1 event sequencer) + 1 = ${need} connections > max_connections ${budget}`);
  }
}

// A DSN generated into the render must name a database this render serves
// (a Service and its port) with the credentials that database was given.
function checkDsnTarget(o, { fail, objects, named }) {
  const dsn = decodeSecret(o, 'dsn');
  if (dsn === undefined) return;
  const m = /^mysql:\/\/([^:@/]+):([^@/]*)@([^:/]+)(?::(\d+))?\/([^?]+)/.exec(dsn);
  if (!m) {
    fail(o, 'dsn', 'key dsn is not mysql://user:password@host:port/database');
    return;
  }
  const [, user, password, host, port = '3306', database] = m;
  const ns = (o.metadata || {}).namespace;
  const short = host.split('.')[0];
  const inCluster = !host.includes('.') || host.endsWith('.svc') || host.endsWith('.svc.cluster.local');
  if (!inCluster) return;
  if (host.includes('.') && ns && host.split('.')[1] !== ns) return; // another namespace's Service
  const service = named('Service', short);
  if (!service) {
    fail(o, 'dsn', `DSN host ${host} is no Service in this render`);
    return;
  }
  if (!((service.spec || {}).ports || []).some((p) => String(p.port) === port)) {
    fail(o, 'dsn', `Service ${short} has no port ${port}`);
  }
  // The official MariaDB/MySQL images take their account from MARIADB_* or
  // MYSQL_* variables; compare with the Secret the database reads them from.
  for (const db of objects.filter((x) => x.kind === 'Secret' && x !== o)) {
    const get = (k) => decodeSecret(db, `MARIADB_${k}`) ?? decodeSecret(db, `MYSQL_${k}`);
    if (get('USER') === undefined) continue;
    if (get('USER') !== user || get('PASSWORD') !== password || get('DATABASE') !== database) {
      fail(o, 'dsn', `DSN user, password or database differ from Secret ${db.metadata.name}'s MARIADB_USER/PASSWORD/DATABASE`);
    }
  }
}

// ---------------------------------------------------------------------------
// Access policies (protos/scheduling/auth/v1/access_policy.proto)

const POLICY_KEY = 'policy.json';
const POLICY_CONFIGMAP = 'scheduling-access-policy';

// The permission names the server knows, read from its one table
// (server/auth/permissions.cc, kNames), so that this check cannot drift.
let knownPermissions;
function permissionNames() {
  if (knownPermissions) return knownPermissions;
  const file = path.join(__dirname, '..', '..', 'server', 'auth', 'permissions.cc');
  const text = fs.readFileSync(file, 'utf8');
  const table = /kNames\[\]\s*=\s*\{([\s\S]*?)\};/.exec(text);
  if (!table) throw new Error(`${file}: no kNames table`);
  knownPermissions = new Set([...table[1].matchAll(/Permission::k\w+,\s*"([^"]+)"/g)].map((m) => m[1]));
  if (!knownPermissions.size) throw new Error(`${file}: no permission names in kNames`);
  return knownPermissions;
}

// What AccessPolicy::Parse (server/auth/access_policy.cc) would refuse:
// protobuf's JSON parser with unknown fields rejected (either spelling of a
// field name), then the server's own validation. An empty list: it loads.
function accessPolicyProblems(text) {
  const problems = [];
  let policy;
  try {
    policy = JSON.parse(text);
  } catch (e) {
    return [`not JSON: ${e.message}`];
  }
  const FIELDS = {
    AccessPolicy: { roles: 'roles', principals: 'principals' },
    Role: { name: 'name', permissions: 'permissions' },
    Principal: {
      name: 'name', certificateIdentities: 'certificateIdentities', certificate_identities: 'certificateIdentities',
      apiKeySha256: 'apiKeySha256', api_key_sha256: 'apiKeySha256', grants: 'grants',
    },
    Grant: { role: 'role', locations: 'locations' },
  };
  const REPEATED = new Set(['roles', 'principals', 'permissions', 'certificateIdentities', 'apiKeySha256', 'grants', 'locations']);
  // One message: known fields only, under one spelling each, of the right
  // JSON type; returns the fields by their lowerCamelCase names.
  const message = (value, type, where) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`${where || '/'}: not a JSON object (${type})`);
      return null;
    }
    const out = {};
    for (const [key, v] of Object.entries(value)) {
      const field = FIELDS[type][key];
      const at = `${where}${where ? '.' : ''}${key}`;
      if (!field) {
        problems.push(`${at}: no field "${key}" in scheduling.auth.v1.${type}`);
        continue;
      }
      if (field in out) {
        problems.push(`${at}: field ${field} given twice`);
        continue;
      }
      if (v === null) {
        out[field] = REPEATED.has(field) ? [] : '';
        continue;
      }
      if (REPEATED.has(field) !== Array.isArray(v)) {
        problems.push(`${at}: ${REPEATED.has(field) ? 'must be a list' : 'must not be a list'}`);
        continue;
      }
      out[field] = v;
    }
    return out;
  };
  const strings = (list, where) => (list || []).filter((x, i) => {
    if (typeof x === 'string') return true;
    problems.push(`${where}[${i}]: must be a string`);
    return false;
  });
  const str = (v, where) => {
    if (v === undefined || typeof v === 'string') return v || '';
    problems.push(`${where}: must be a string`);
    return '';
  };
  const isId = (id) => id.length >= 1 && id.length <= 63 && id[0] !== '-' && /^[a-z0-9-]+$/.test(id);

  const top = message(policy, 'AccessPolicy', '');
  if (!top) return problems;
  const permissions = permissionNames();
  const roles = new Set();
  (top.roles || []).forEach((r, i) => {
    const where = `roles[${i}]`;
    const role = message(r, 'Role', where);
    if (!role) return;
    const name = str(role.name, `${where}.name`);
    if (!name || name.length > 200) problems.push(`${where}: a role needs a name of 1 to 200 characters`);
    else if (roles.has(name)) problems.push(`${where}: role "${name}" is defined twice`);
    roles.add(name);
    const perms = strings(role.permissions, `${where}.permissions`);
    if (!perms.length) problems.push(`${where}: a role needs at least one permission`);
    perms.forEach((p, j) => {
      if (!permissions.has(p)) problems.push(`${where}.permissions[${j}]: no permission "${p}" (${[...permissions].join(', ')})`);
    });
  });
  const principals = new Set();
  const identities = new Map();
  const keys = new Map();
  (top.principals || []).forEach((p, i) => {
    const where = `principals[${i}]`;
    const principal = message(p, 'Principal', where);
    if (!principal) return;
    const name = str(principal.name, `${where}.name`);
    if (!name || name.length > 200) problems.push(`${where}: a principal needs a name of 1 to 200 characters`);
    else if (principals.has(name)) problems.push(`${where}: principal "${name}" is defined twice`);
    principals.add(name);
    const ids = strings(principal.certificateIdentities, `${where}.certificateIdentities`);
    const hashes = strings(principal.apiKeySha256, `${where}.apiKeySha256`);
    if (!ids.length && !hashes.length) problems.push(`${where}: a principal needs a certificate identity or an API key hash`);
    hashes.forEach((h, k) => {
      if (!/^[0-9a-f]{64}$/.test(h)) problems.push(`${where}.apiKeySha256[${k}]: not a SHA-256 in lowercase hex (64 characters)`);
      else if (keys.has(h)) problems.push(`${where}.apiKeySha256[${k}]: the same key hash is already given to principal "${keys.get(h)}"`);
      else keys.set(h, name);
    });
    ids.forEach((id, k) => {
      if (!id.length || id.length > 1024) problems.push(`${where}.certificateIdentities[${k}]: an identity is 1 to 1024 characters`);
      else if (identities.has(id)) problems.push(`${where}.certificateIdentities[${k}]: identity "${id}" already proves another principal`);
      else identities.set(id, name);
    });
    (principal.grants || []).forEach((g, k) => {
      const at = `${where}.grants[${k}]`;
      const grant = message(g, 'Grant', at);
      if (!grant) return;
      const role = str(grant.role, `${at}.role`);
      if (!roles.has(role)) problems.push(`${at}: no role "${role}"`);
      const locations = strings(grant.locations, `${at}.locations`);
      if (!locations.length) problems.push(`${at}: a grant needs locations (ids, or "*" for all)`);
      locations.forEach((l, m) => {
        if (l !== '*' && !isId(l)) problems.push(`${at}.locations[${m}]: not a location id or "*": "${l}"`);
      });
    });
  });
  return problems;
}

// The certificate identities of the render's access policy (ConfigMap
// scheduling-access-policy), or null without one that parses.
function policyIdentities(named) {
  const cm = named('ConfigMap', POLICY_CONFIGMAP);
  const text = cm && cm.data && cm.data[POLICY_KEY];
  if (typeof text !== 'string') return null;
  try {
    const policy = JSON.parse(text);
    const ids = [];
    for (const p of policy.principals || []) ids.push(...(p.certificateIdentities || p.certificate_identities || []));
    return ids;
  } catch (e) {
    return null;
  }
}

// ---------------------------------------------------------------------------
// Clients of the server

// "dns:///host:port", "dns://authority/host:port", "host:port" → {host, port}.
function parseTarget(target) {
  let rest = String(target);
  const scheme = /^[a-z][a-z0-9+.-]*:/.exec(rest);
  if (scheme) {
    if (scheme[0] !== 'dns:') return null;
    rest = rest.slice(4).replace(/^\/\/[^/]*\//, '');
  }
  const m = /^([^:/]+):(\d+)$/.exec(rest);
  return m ? { host: m[1], port: Number(m[2]) } : null;
}

// Whether one NetworkPolicy ingress peer admits pods labelled `labels` in
// the namespace `ns` to a policy in `policyNs`. A namespace's labels are
// known only if the render holds the Namespace.
function peerAdmits(peer, { labels, ns, policyNs, named }) {
  if (peer.ipBlock) return false;
  if (peer.namespaceSelector) {
    const namespace = ns ? named('Namespace', ns) : null;
    const nsLabels = namespace ? { 'kubernetes.io/metadata.name': ns, ...((namespace.metadata || {}).labels || {}) } : null;
    if (!nsLabels || !selectorMatches(peer.namespaceSelector, nsLabels)) return false;
  } else if ((ns || null) !== (policyNs || null)) {
    return false; // a podSelector alone selects in the policy's namespace
  }
  return !peer.podSelector || selectorMatches(peer.podSelector, labels);
}

// Every workload container with SCHEDULING_SERVER is a client of the server:
//   network-policy   the NetworkPolicies that isolate the target Service's
//                    pods admit the client's pods on its target port;
//   client-tls       where the render serves mTLS (requireTls): no
//                    SCHEDULING_INSECURE, and SCHEDULING_TLS_CA, _CERT and
//                    _KEY point into read-only mounts, certificate and key
//                    from a Secret (or projected/CSI) volume;
//   client-identity  where the render serves mTLS: the pod runs as a
//                    ServiceAccount of the render, whose SPIFFE id
//                    (spiffe://<trust domain>/ns/<namespace>/sa/<name>) the
//                    access policy names.
function checkClients(objects, expect, { fail, named, envValue }) {
  const workloads = objects.filter((o) => SERVING_WORKLOADS.has(o.kind) && podTemplateOf(o));
  for (const o of workloads) {
    const template = podTemplateOf(o);
    const podSpec = template.spec || {};
    const labels = (template.metadata || {}).labels || {};
    const ns = (o.metadata || {}).namespace || null;
    for (const { c } of containersOf(podSpec, { init: false })) {
      const target = envValue(c, 'SCHEDULING_SERVER');
      if (target === undefined) continue;
      const what = `container "${c.name}"`;

      // Reachable through the server's NetworkPolicy.
      const parsed = parseTarget(target);
      const hostParts = parsed ? parsed.host.split('.') : [];
      const sameNs = hostParts.length === 1 || (hostParts[1] === ns);
      const service = parsed && sameNs ? named('Service', hostParts[0]) : null;
      const sport = service && ((service.spec || {}).ports || []).find((p) => p.port === parsed.port);
      if (sport) {
        const servers = objects.filter((w) => podTemplateOf(w) && w !== o &&
          selectorMatches({ matchLabels: (service.spec || {}).selector || {} }, (podTemplateOf(w).metadata || {}).labels));
        // The target port by name and number, as the servers' pods declare it.
        const tp = sport.targetPort !== undefined ? sport.targetPort : sport.port;
        const names = new Set([tp]);
        for (const w of servers) {
          for (const { c: sc } of containersOf(podTemplateOf(w).spec, { init: false })) {
            for (const p of sc.ports || []) {
              if (p.name === tp || p.containerPort === tp) { names.add(p.name); names.add(p.containerPort); }
            }
          }
        }
        const isolating = objects.filter((np) => np.kind === 'NetworkPolicy' &&
          (!(np.spec || {}).policyTypes || np.spec.policyTypes.includes('Ingress')) &&
          servers.some((w) => selectorMatches((np.spec || {}).podSelector, (podTemplateOf(w).metadata || {}).labels)));
        const admitted = isolating.some((np) => ((np.spec || {}).ingress || []).some((rule) => {
          const portOk = !(rule.ports || []).length || rule.ports.some((p) => p.port === undefined || names.has(p.port));
          const fromOk = !(rule.from || []).length ||
            rule.from.some((peer) => peerAdmits(peer, { labels, ns, policyNs: (np.metadata || {}).namespace || null, named }));
          return portOk && fromOk;
        }));
        if (isolating.length && !admitted) {
          fail(o, 'network-policy', `${what} calls ${target}, but no NetworkPolicy selecting Service ${service.metadata.name}'s pods ` +
            `(${isolating.map((np) => np.metadata.name).join(', ')}) admits this pod's labels to port ${tp}`);
        }
      }

      if (!expect.requireTls) continue;

      // TLS client credentials from mounted files.
      if (envValue(c, 'SCHEDULING_INSECURE') === 'true') {
        fail(o, 'client-tls', `${what} sets SCHEDULING_INSECURE=true, but the servers of this render require mTLS`);
      }
      const volumes = new Map((podSpec.volumes || []).map((v) => [v.name, v]));
      for (const name of ['SCHEDULING_TLS_CA', 'SCHEDULING_TLS_CERT', 'SCHEDULING_TLS_KEY']) {
        const file = envValue(c, name);
        if (!file) {
          fail(o, 'client-tls', `${what} calls ${target} without ${name}: the servers of this render require a client certificate (mTLS)`);
          continue;
        }
        const mount = (c.volumeMounts || []).find((m) => file.startsWith(`${m.mountPath.replace(/\/$/, '')}/`));
        const volume = mount && volumes.get(mount.name);
        if (!mount || !volume) {
          fail(o, 'client-tls', `${what} ${name}=${file} is in no volume mount of the container`);
        } else if (mount.readOnly !== true) {
          fail(o, 'client-tls', `${what} ${name}=${file}: mount "${mount.name}" is not readOnly`);
        } else if (name !== 'SCHEDULING_TLS_CA' && !(volume.secret || volume.projected || volume.csi)) {
          fail(o, 'client-tls', `${what} ${name}=${file}: volume "${volume.name}" is no Secret (nor projected or CSI) volume`);
        }
      }

      // An identity the access policy knows.
      const sa = podSpec.serviceAccountName;
      if (!sa || sa === 'default') {
        fail(o, 'client-identity', `${what} calls ${target}, but its pods name no serviceAccountName of their own (the identity its client certificate proves)`);
        continue;
      }
      if (!named('ServiceAccount', sa)) fail(o, 'client-identity', `serviceAccountName ${sa} is no ServiceAccount in this render`);
      const ids = policyIdentities(named);
      const nsPart = ns ? ns.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '[^/]+';
      const spiffe = new RegExp(`^spiffe://[^/]+/ns/${nsPart}/sa/${sa.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
      if (ids && !ids.some((id) => spiffe.test(id))) {
        fail(o, 'client-identity', `the access policy (ConfigMap ${POLICY_CONFIGMAP}) names no certificate identity ` +
          `spiffe://<trust domain>/ns/${ns || '<namespace>'}/sa/${sa} for this client`);
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Main

function report(name, problems) {
  for (const p of problems) console.log(`  FAIL [${name}] ${p.id}: ${p.rule}: ${p.message}`);
}

// Checks the deliberately broken fixture: each object's annotation
// k8s-check.test/expect lists exactly the rules it must break.
function selfTest(file) {
  const objects = loadObjects(file);
  // As a render that serves mTLS, so that the client rules fire too.
  const problems = checkRender(objects, { namespace: null, externalSecrets: [], requireTls: true });
  let failures = 0;
  let cases = 0;
  for (const o of objects) {
    const want = new Set((((o.metadata || {}).annotations || {})['k8s-check.test/expect'] || '').split(/[\s,]+/).filter(Boolean));
    const got = new Set(problems.filter((p) => p.id === idOf(o)).map((p) => p.rule));
    cases++;
    const missing = [...want].filter((r) => !got.has(r));
    const extra = [...got].filter((r) => !want.has(r));
    if (missing.length || extra.length) {
      failures++;
      console.log(`  SELF-TEST FAIL ${idOf(o)}: expected [${[...want].join(' ')}], got [${[...got].join(' ')}]`);
      for (const p of problems.filter((x) => x.id === idOf(o))) console.log(`      ${p.rule}: ${p.message}`);
    } else {
      console.log(`  as expected: ${idOf(o)} ${want.size ? `rejected (${[...want].join(', ')})` : 'passes'}`);
      for (const p of problems.filter((x) => x.id === idOf(o))) console.log(`      ${p.rule}: ${p.message}`);
    }
  }
  const rules = new Set(problems.map((p) => p.rule));
  console.log(`  ${cases} fixture objects, ${problems.length} problems found, rules exercised: ${[...rules].sort().join(' ')}`);
  return { cases, failures };
}

function main(argv) {
  const args = { renders: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--modules') args.modules = argv[++i];
    else if (a === '--expect') args.expect = argv[++i];
    else if (a === '--self-test') args.selfTest = argv[++i];
    else if (a.includes('=')) args.renders.push(a.split(/=(.*)/s).slice(0, 2));
    else throw new Error(`unknown argument ${a}`);
  }
  if (!args.modules) throw new Error('--modules DIR is required');
  req = createRequire(path.join(path.resolve(args.modules), 'package.json'));

  if (args.selfTest) {
    const { cases, failures } = selfTest(args.selfTest);
    console.log(`self-test: ${cases - failures} passed, ${failures} failed`);
    return failures ? 1 : 0;
  }

  const expectations = args.expect ? JSON.parse(fs.readFileSync(args.expect, 'utf8')) : {};
  let failed = 0;
  let passed = 0;
  for (const [name, file] of args.renders) {
    const t0 = process.hrtime.bigint();
    const objects = loadObjects(file);
    const problems = checkRender(objects, expectations[name] || {});
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const bad = new Set(problems.map((p) => p.id));
    failed += bad.size;
    passed += objects.filter((o) => !bad.has(idOf(o))).length;
    console.log(`  ${name}: ${objects.length} objects, ${problems.length} problems (${ms.toFixed(0)} ms)`);
    for (const o of objects) console.log(`      ${idOf(o)}${bad.has(idOf(o)) ? '   <- FAIL' : ''}`);
    report(name, problems);
  }
  console.log(`objects: ${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  console.error(`check.js: ${e.message}`);
  process.exitCode = 2;
}
