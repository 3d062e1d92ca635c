/**
 * The one source of outrigger's pipeline stages. Each entry says what a pipeline author configures (parameters with
 * types, defaults and help), which contract operation it calls, and how its status and artifacts come back. From it:
 * - the Orca `webhook.preconfigured[]` entries (`kit/orcaWebhooks.ts` → plugin-manifests/orca/orca-local.yml …),
 * - the Deck stage configs (`src/stages/*.tsx`, key = webhook `type`, `alias: preconfiguredWebhook`),
 * - the README reference page (`kit/referencePage.ts`),
 * and `test/deck/stageDefinitions.test.ts` checks every entry against openapi/ (operation, method, path, body fields,
 * types, enums, required fields).
 *
 * Pure data: no imports, so the Deck bundle, the kit generator and the tests all read the same object.
 */

/** How a parameter is edited in Deck and spliced into the webhook payload. */
export type StageParameterType =
  /** Free text; sent as a JSON string. */
  | 'string'
  /** An account name, picked from outrigger's `/accounts` (filtered by `capability`); sent as a JSON string. */
  | 'account'
  /** A region of the chosen account; sent as a JSON string (or filled into the path). */
  | 'region'
  /** One of `options`; sent as a JSON string. */
  | 'enum'
  /** A whole number; sent as a JSON number. */
  | 'integer'
  /** true/false; sent as a JSON boolean. */
  | 'boolean'
  /** A JSON object, e.g. an artifact; sent as written. */
  | 'json'
  /** Container name → image map (ECS); a JSON object. */
  | 'imageMap'
  /** Traffic steps `[{weight, bakeSeconds}]` (Lambda progressive); a JSON array. */
  | 'trafficSteps'
  /** A list of names (e.g. CloudWatch alarms); a JSON array of strings. */
  | 'stringList'
  /** A list of objects (e.g. metric gates); a JSON array, sent as written. */
  | 'jsonList';

export interface StageParameter {
  /** The key in the stage's `parameterValues` (what Orca's preconfigured webhook substitutes). */
  name: string;
  label: string;
  /** Help text shown next to the field (Deck's HelpField) and in the README. */
  help: string;
  type: StageParameterType;
  required: boolean;
  /** The default, as the text Orca's `parameters[].defaultValue` carries (JSON text for JSON-valued types). */
  default?: string;
  /** Where the value goes: a property of the request body, or a path parameter. */
  in: 'body' | 'path';
  /** The body property (dotted for nested: `gates.alarms`) or path parameter name it fills. */
  target: string;
  options?: readonly string[];
  min?: number;
  max?: number;
  /** For `account`: which accounts to offer. */
  capability?: 'ecs' | 'lambda' | 'aws';
  /**
   * Sent only when another parameter has (or has not) a value, or (`present`) when it is filled in at all; `null`
   * otherwise (e.g. steps only for a Custom plan, an optional number or hook only when given).
   */
  sendWhen?: { param: string; equals?: string; notEquals?: string; present?: true };
}

export interface StageDefinition {
  /** The pipeline stage type: Orca's preconfigured webhook `type` and the Deck stage `key`. */
  key: string;
  label: string;
  description: string;
  /** A longer explanation (Deck's `extendedDescription`, the README). */
  extendedDescription: string;
  /** The contract operation it calls (openapi/ operationId). */
  operationId: string;
  method: 'post';
  /** The spec path, `{param}` placeholders filled from `in: 'path'` parameters. */
  path: string;
  /**
   * `task`: the operation answers 202 + `Location: /tasks/{id}` and Orca polls `status`/`message` until
   * SUCCEEDED/TERMINAL/CANCELED. `response`: the first answer is the result (Orca binds its top-level `artifacts`).
   */
  completion: 'task' | 'response';
  producesArtifacts: boolean;
  /** Body properties always sent, whatever the author types (JSON values; `${…}` strings are Orca SpEL). */
  fixedBody?: Readonly<Record<string, unknown>>;
  parameters: readonly StageParameter[];
  /** What the execution details show from the result, in words (README). */
  result: string;
  /**
   * The stage timeout a new stage starts with (Deck's "fail stage after a specific amount of time", which Orca's
   * MonitorWebhookTask honours as an OverridableTimeoutRetryableTask), for stages that can outlast Orca's default one
   * hour of webhook monitoring (orca-webhook MonitorWebhookTask.java: `timeout = TimeUnit.HOURS.toMillis(1)`).
   */
  stageTimeoutMs?: number;
}

export const stageDefinitions: readonly StageDefinition[] = [
  {
    key: 'outriggerEcsRender',
    label: 'ECS: render and preview',
    description: 'Render a task-definition artifact with the pipeline images, check it, and diff it against the running server group.',
    extendedDescription:
      'outrigger binds each container to its image, applies overrides, injects what Spinnaker would inject for the ' +
      'server group, checks the result (findings with JSON pointers) and diffs it against the cluster\'s current ' +
      'server group. The render is kept and returned as `http/file` and `embedded/base64` artifacts for a following ' +
      'Deploy (ECS) stage.',
    operationId: 'renderEcsTaskDefinition',
    method: 'post',
    path: '/ecs/taskDefinitions/render',
    completion: 'response',
    producesArtifacts: true,
    fixedBody: { application: '${execution.application}' },
    parameters: [
      { name: 'account', label: 'Account', help: 'The ECS account of the server group (its images and current revision are read from it).', type: 'account', capability: 'ecs', required: true, in: 'body', target: 'credentials' },
      { name: 'region', label: 'Region', help: 'The region of the server group.', type: 'region', required: true, in: 'body', target: 'region' },
      { name: 'stack', label: 'Stack', help: 'Stack of the server group (part of its name, app-stack-detail).', type: 'string', required: false, default: '', in: 'body', target: 'stack' },
      { name: 'freeFormDetails', label: 'Detail', help: 'Free-form detail of the server group name.', type: 'string', required: false, default: '', in: 'body', target: 'freeFormDetails' },
      { name: 'ecsClusterName', label: 'ECS cluster', help: 'The ECS cluster the server group runs in.', type: 'string', required: true, in: 'body', target: 'ecsClusterName' },
      {
        name: 'artifact',
        label: 'Task definition artifact',
        help: 'The task-definition artifact to render (e.g. `{"type": "embedded/base64", "reference": "…"}` or an `http/file` URL).',
        type: 'json',
        required: true,
        default: '{"type": "embedded/base64", "reference": ""}',
        in: 'body',
        target: 'artifact',
      },
      {
        name: 'containerToImageMap',
        label: 'Container images',
        help: 'For each container of the task definition, the image to run (registry/repository:tag or @digest).',
        type: 'imageMap',
        required: true,
        default: '{}',
        in: 'body',
        target: 'containerToImageMap',
      },
      { name: 'failOnError', label: 'Fail on error findings', help: 'Stop the pipeline when a finding is an error; off returns the findings with ok=false.', type: 'boolean', required: false, default: 'true', in: 'body', target: 'failOnError' },
    ],
    result: 'The rendered task definition, the image bindings, findings (severity, code, JSON pointer, message), the diff against the running server group, and the artifacts.',
  },
  {
    key: 'outriggerEcsDeploy',
    label: 'ECS: deploy (one call)',
    description: 'Create the next ECS server group, wait until it is steady and healthy, then disable or destroy the old ones; roll back if it never gets healthy.',
    extendedDescription:
      'One webhook call runs what a Deploy (ECS) stage runs through clouddriver: register the task definition, create ' +
      'the next vNNN service, wait for steady state and healthy targets, then apply the strategy (redblack keeps the ' +
      'old server groups disabled, highlander destroys them, none leaves them). If the new server group never becomes ' +
      'healthy it is removed and the old ones keep serving.',
    operationId: 'ecsDeploy',
    method: 'post',
    path: '/ecs/ops/deploy',
    completion: 'task',
    producesArtifacts: false,
    fixedBody: { application: '${execution.application}', useTaskDefinitionArtifact: true },
    parameters: [
      { name: 'account', label: 'Account', help: 'The ECS account to deploy into.', type: 'account', capability: 'ecs', required: true, in: 'body', target: 'credentials' },
      { name: 'region', label: 'Region', help: 'The region to deploy into.', type: 'region', required: true, in: 'body', target: 'region' },
      { name: 'stack', label: 'Stack', help: 'Stack of the server group.', type: 'string', required: false, default: '', in: 'body', target: 'stack' },
      { name: 'freeFormDetails', label: 'Detail', help: 'Free-form detail of the server group name.', type: 'string', required: false, default: '', in: 'body', target: 'freeFormDetails' },
      { name: 'ecsClusterName', label: 'ECS cluster', help: 'The ECS cluster to run the service in.', type: 'string', required: true, in: 'body', target: 'ecsClusterName' },
      { name: 'launchType', label: 'Launch type', help: 'FARGATE or EC2.', type: 'enum', options: ['FARGATE', 'EC2'], required: true, default: 'FARGATE', in: 'body', target: 'launchType' },
      { name: 'artifact', label: 'Task definition artifact', help: 'The task definition to deploy, usually the artifact of an "ECS: render and preview" stage.', type: 'json', required: true, default: '{"type": "embedded/base64", "reference": ""}', in: 'body', target: 'artifact' },
      { name: 'containerToImageMap', label: 'Container images', help: 'Images to bind per container (empty when the artifact is already rendered).', type: 'imageMap', required: false, default: '{}', in: 'body', target: 'containerToImageMap' },
      { name: 'subnetIds', label: 'Subnets', help: 'Subnet IDs for awsvpc networking (FARGATE needs them).', type: 'stringList', required: false, default: '[]', in: 'body', target: 'subnetIds' },
      { name: 'securityGroupIds', label: 'Security groups', help: 'Security group IDs for awsvpc networking.', type: 'stringList', required: false, default: '[]', in: 'body', target: 'securityGroupIds' },
      {
        name: 'targetGroupMappings',
        label: 'Target groups',
        help: 'Load balancer target groups the new server group registers with, each naming the container and port, e.g. `[{"containerName": "web", "containerPort": 8080, "targetGroup": "shop-web-tg"}]`. The deploy waits until the targets are healthy.',
        type: 'jsonList',
        required: false,
        default: '[]',
        in: 'body',
        target: 'targetGroupMappings',
      },
      {
        name: 'serviceDiscoveryAssociations',
        label: 'Service discovery',
        help: 'Cloud Map registries for the new service, e.g. `[{"registry": {"arn": "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-abc"}, "containerName": "web", "containerPort": 8080}]`.',
        type: 'jsonList',
        required: false,
        default: '[]',
        in: 'body',
        target: 'serviceDiscoveryAssociations',
      },
      { name: 'capacity', label: 'Capacity', help: '`{"min": 1, "max": 2, "desired": 1}` for the new server group.', type: 'json', required: true, default: '{"min": 1, "max": 1, "desired": 1}', in: 'body', target: 'capacity' },
      { name: 'strategy', label: 'Strategy', help: 'redblack: disable the old server groups; highlander: destroy them; none: leave them serving.', type: 'enum', options: ['redblack', 'highlander', 'none'], required: true, default: 'redblack', in: 'body', target: 'strategy' },
      { name: 'maxWaitSeconds', label: 'Wait for healthy (s)', help: 'How long the new server group may take to be steady and healthy before it is rolled back.', type: 'integer', min: 1, max: 7200, required: false, default: '900', in: 'body', target: 'maxWaitSeconds' },
    ],
    result: 'The task history (each step of the deploy), its progress message, and the server group names created, disabled or destroyed.',
  },
  {
    key: 'outriggerLambdaProgressive',
    label: 'Lambda: progressive rollout',
    description: 'Shift an alias to a new version in steps (CodeDeploy canary/linear or custom), checking alarms at every step and rolling back on the first that fires.',
    extendedDescription:
      'outrigger publishes the version (when code or configuration changed), applies provisioned concurrency before ' +
      'the first shift, then moves the alias weight step by step. During each bake interval the named CloudWatch alarms, ' +
      'the metric gates and the invoke check are read; the first that fails returns the alias to the old version and the ' +
      'task fails naming it. Optional CodeDeploy-style hooks run before the first shift and after 100 %. The ' +
      'rollout survives restarts of outrigger; a second rollout on the same alias is refused.',
    operationId: 'startLambdaRollout',
    method: 'post',
    path: '/lambda/rollouts',
    completion: 'task',
    producesArtifacts: false,
    parameters: [
      { name: 'account', label: 'Account', help: 'The AWS account of the function (Lambda enabled).', type: 'account', capability: 'lambda', required: true, in: 'body', target: 'credentials' },
      { name: 'region', label: 'Region', help: 'The region of the function.', type: 'region', required: true, in: 'body', target: 'region' },
      { name: 'functionName', label: 'Function', help: 'The function name.', type: 'string', required: true, in: 'body', target: 'functionName' },
      { name: 'aliasName', label: 'Alias', help: 'The alias whose traffic moves to the new version.', type: 'string', required: true, default: 'live', in: 'body', target: 'aliasName' },
      { name: 'targetVersion', label: 'Target version', help: 'A published version number, or `$LATEST` to publish one now (only when code or configuration changed since the newest version).', type: 'string', required: true, default: '$LATEST', in: 'body', target: 'targetVersion' },
      {
        name: 'deploymentType',
        label: 'Shift plan',
        help: 'A CodeDeploy predefined configuration, or Custom to use the traffic steps below.',
        type: 'enum',
        options: [
          'Canary10Percent5Minutes', 'Canary10Percent10Minutes', 'Canary10Percent15Minutes', 'Canary10Percent30Minutes',
          'Linear10PercentEvery1Minute', 'Linear10PercentEvery2Minutes', 'Linear10PercentEvery3Minutes', 'Linear10PercentEvery10Minutes',
          'AllAtOnce', 'Custom',
        ],
        required: true,
        default: 'Canary10Percent5Minutes',
        in: 'body',
        target: 'deploymentType',
        sendWhen: { param: 'deploymentType', notEquals: 'Custom' },
      },
      { name: 'steps', label: 'Traffic steps', help: 'Custom plan: the weight (percent on the new version) of each step and how long it bakes; weights rise and the last is 100.', type: 'trafficSteps', required: false, default: '[{"weight": 10, "bakeSeconds": 300}, {"weight": 100}]', in: 'body', target: 'steps', sendWhen: { param: 'deploymentType', equals: 'Custom' } },
      { name: 'alarms', label: 'CloudWatch alarms', help: 'Alarms checked during every bake interval; any in ALARM rolls back.', type: 'stringList', required: false, default: '[]', in: 'body', target: 'gates.alarms' },
      { name: 'gateIntervalSeconds', label: 'Check every (s)', help: 'Seconds between gate checks during a bake.', type: 'integer', min: 1, max: 3600, required: false, default: '60', in: 'body', target: 'gates.intervalSeconds' },
      {
        name: 'metricGates',
        label: 'Metric gates',
        help: 'Errors, Throttles or Duration of the new version alone, read at every check; any above its threshold rolls back. For example `[{"metric": "Errors", "threshold": 0.01}, {"metric": "Duration", "mode": "absolute", "statistic": "p99", "threshold": 800}]`.',
        type: 'jsonList',
        required: false,
        default: '[]',
        in: 'body',
        target: 'gates.metrics',
      },
      {
        name: 'invokeCheck',
        label: 'Invoke check',
        help: 'Invoke the new version at every check and judge the answers, for example `{"invocations": 5, "payload": "{\\"ping\\": true}", "jsonPath": "$.statusCode", "equals": 200}`. Empty: no invoke check.',
        type: 'json',
        required: false,
        default: '',
        in: 'body',
        target: 'gates.invokeCheck',
        sendWhen: { param: 'invokeCheck', present: true },
      },
      { name: 'beforeAllowTraffic', label: 'Before-traffic hook', help: 'A Lambda function run before the first shift (SAM `PreTraffic`); it reports back with CodeDeploy\'s `PutLifecycleEventHookExecutionStatus` to outrigger. Empty: none.', type: 'string', required: false, default: '', in: 'body', target: 'hooks.beforeAllowTraffic', sendWhen: { param: 'beforeAllowTraffic', present: true } },
      { name: 'afterAllowTraffic', label: 'After-traffic hook', help: 'A Lambda function run after 100 % (SAM `PostTraffic`); a failure rolls back. Empty: none.', type: 'string', required: false, default: '', in: 'body', target: 'hooks.afterAllowTraffic', sendWhen: { param: 'afterAllowTraffic', present: true } },
      { name: 'provisionedConcurrentExecutions', label: 'Provisioned concurrency', help: 'Put on the new version and waited READY before the first shift. Empty: the alias\'s own provisioned concurrency, if it has any.', type: 'integer', min: 1, max: 100000, required: false, default: '', in: 'body', target: 'provisionedConcurrentExecutions', sendWhen: { param: 'provisionedConcurrentExecutions', present: true } },
    ],
    result: 'The task history (every weight change and gate reading), its progress message (current weight), and how it ended: promoted, or rolled back with the gate, value and threshold that fired.',
    // Linear10PercentEvery10Minutes bakes 90 min and each lifecycle hook may wait up to an hour: Orca's one-hour webhook
    // monitor would end such a rollout TERMINAL while it still runs. Six hours covers every predefined plan with both hooks.
    stageTimeoutMs: 6 * 3_600_000,
  },
  {
    key: 'outriggerImageRetention',
    label: 'Bake: image retention',
    description: 'Keep the newest N images an application baked in a region and deregister the rest (with their snapshots); dry run lists what would go.',
    extendedDescription:
      'Images are the AMIs outrigger baked for the application (tagged by the bakery). The newest `keep` stay; older ' +
      'ones are deregistered and their snapshots deleted unless an image is in use or protected (then it is skipped with ' +
      'the reason). A dry run only needs READ on the account.',
    operationId: 'applyImageRetention',
    method: 'post',
    path: '/api/v1/{region}/images/retention',
    completion: 'response',
    producesArtifacts: false,
    fixedBody: { application: '${execution.application}' },
    parameters: [
      { name: 'account', label: 'Account', help: 'The AWS account the images live in.', type: 'account', capability: 'aws', required: true, in: 'body', target: 'account_name' },
      { name: 'region', label: 'Region', help: 'The region of the images.', type: 'region', required: true, in: 'path', target: 'region' },
      { name: 'keep', label: 'Images to keep', help: 'How many of the newest images stay.', type: 'integer', min: 0, max: 1000, required: true, default: '5', in: 'body', target: 'keep' },
      { name: 'dryRun', label: 'Dry run', help: 'Only list what would be removed.', type: 'boolean', required: false, default: 'true', in: 'body', target: 'dry_run' },
    ],
    result: 'The images kept, removed and skipped (with the reason), and whether it was a dry run.',
  },
];

/** The id Gate's deck-proxy and plugins.json know the Deck bundle by (canonical `Namespace.Name`). */
export const deckPluginId = 'Outrigger.DeckStages';
/** The plugin release version (plugins.json, deck-proxy pin); the package version of @outrigger/deck-plugin. */
export const deckPluginVersion = '0.1.0';
